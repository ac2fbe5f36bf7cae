"""Build the Word templates in ``templates/`` with python-docx.

Run from the repository root: ``python -m templates.build_templates`` (or
``python templates/build_templates.py``). The result is a docxtpl (Jinja2) template in the
style of Chinese official documents (GB/T 9704): A4, 方正小标宋简体 title, 黑体 labels and
headings, 楷体 sub-headings, 仿宋_GB2312 body. Every run names its East-Asian font, so Word
never falls back to 宋体. Template tags are written as whole runs, so docxtpl never has to
stitch a tag back together. The output is byte-for-byte reproducible.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.run import CT_R
from docx.section import Section
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline.render import normalize_docx, write_atomic

APPLICATION = "申报表.docx"
FORM_TITLE = "“党建强会计划”之阵地建设与特色活动项目申报表"
AUTHOR = "湖北省科协科技社团党委"
FIXED_TIME = datetime(2022, 1, 1)
LINE_PT = 28.0
FIELD_COLUMNS_CM = (3.4, 5.6, 2.4, 4.2)  # 15.6 cm: A4 minus the 2.8 cm and 2.6 cm margins
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
GAP = "　　　　"  # full-width spaces between a signature and its date
# A missing font is replaced by Word with the font table's altName, never by 宋体.
FALLBACKS = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "黑体": "SimHei",
}

BORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblPrChange")
Container = DocxDocument | _Cell
LEFT, CENTER, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


@dataclass(frozen=True)
class Font:
    """One typeface role: a font name (used for every script) and a size in points."""

    name: str
    size: float


TITLE = Font("方正小标宋简体", 22)  # 二号
SUBTITLE = Font("楷体_GB2312", 16)  # 三号
LABEL = Font("黑体", 14)  # 四号
SUBHEADING = Font("楷体_GB2312", 14)
BODY = Font("仿宋_GB2312", 14)
TABLE_LABEL = Font("黑体", 12)  # 小四, inside nested tables
TABLE_BODY = Font("仿宋_GB2312", 12)
PAGE_NUMBER = Font("宋体", 14)


def set_font(rpr: CT_RPr, font: Font) -> None:
    """Name ``font`` for the ascii, hAnsi, eastAsia and cs scripts of a run's ``w:rPr``."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)  # a theme font would win over the name
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), font.name)
    fonts.set(qn("w:hint"), "eastAsia")  # “” and ☑ are then drawn with the Chinese font
    size = rpr.get_or_add_sz()
    size.set(qn("w:val"), str(round(font.size * 2)))
    complex_size = rpr.find(qn("w:szCs"))
    if complex_size is None:
        complex_size = OxmlElement("w:szCs")
        size.addnext(complex_size)
    complex_size.set(qn("w:val"), str(round(font.size * 2)))


def format_paragraph(par: Paragraph, font: Font, align: int, indent: bool, line: float) -> None:
    """Set alignment, exact line spacing, no paragraph spacing and an optional 2-char indent."""
    fmt = par.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    if indent:
        fmt.first_line_indent = Pt(font.size * 2)
        par._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    set_font(mark_properties(par), font)


def mark_properties(par: Paragraph) -> CT_RPr:
    """The ``w:rPr`` of a paragraph mark (it sizes empty lines); created last in ``w:pPr``."""
    ppr = par._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    return cast(CT_RPr, rpr)


def new_paragraph(container: Container) -> Paragraph:
    """Reuse the untouched paragraph python-docx leaves in a cell, else append one."""
    paragraphs = container.paragraphs
    if paragraphs:
        last = paragraphs[-1]
        untouched = last._p.pPr is None and not last.runs
        if untouched and last._p is container._element[-1]:
            return last
    return container.add_paragraph()


def add_par(
    container: Container,
    *parts: str,
    font: Font = BODY,
    align: int = JUSTIFY,
    indent: bool = False,
    line: float = LINE_PT,
) -> Paragraph:
    """Add a paragraph with one run per part, so every template tag sits inside one run."""
    par = new_paragraph(container)
    format_paragraph(par, font, align, indent, line)
    for part in parts:
        add_run(par, part, font)
    return par


def add_loop(container: Container, var: str, items: str, *body: str) -> None:
    """Add a docxtpl paragraph loop: one indented paragraph per item of ``items``."""
    add_par(container, f"{{%p for {var} in {items} %}}")
    add_par(container, *body, indent=True)
    add_par(container, "{%p endfor %}")


def set_table_layout(table: Table, widths_cm: Sequence[float]) -> None:
    """Fix the table width, its grid and every cell width; draw single black borders."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    width.set(qn("w:w"), str(round(Cm(sum(widths_cm)).twips)))
    width.set(qn("w:type"), "dxa")
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "0"), ("color", "000000")):
            border.set(qn(f"w:{key}"), value)
        borders.append(border)
    tbl_pr.insert_element_before(borders, *BORDERS_SUCCESSORS)
    for column, width_cm in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width_cm)
        for cell in column.cells:
            cell.width = Cm(width_cm)


def new_table(container: Container, rows: int, widths_cm: Sequence[float]) -> Table:
    """Add a bordered, fixed-layout table."""
    table = container.add_table(rows=rows, cols=len(widths_cm))
    set_table_layout(table, widths_cm)
    return table


def set_row(row_index: int, table: Table, height_cm: float, keep_together: bool) -> None:
    """Give a row a minimum height; optionally forbid it to break across pages."""
    row = table.rows[row_index]
    row.height = Cm(height_cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    if keep_together:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def fill_cell(cell: _Cell, *parts: str, font: Font = BODY, align: int = CENTER) -> None:
    """Write one vertically centred paragraph into a cell."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    add_par(cell, *parts, font=font, align=align, line=font.size * 1.6)


def add_field_rows(table: Table) -> None:
    """The seed's label/value rows: four columns, then three rows spanning the values."""
    pairs = [
        ("党组织名称", "{{ org_name }}", "成立时间", "{{ founded }}"),
        ("党员人数", "{{ members }}", "支部书记", "{{ secretary }}"),
        ("项目联系人", "{{ contact }}", "联系电话", "{{ phone }}"),
        ("电子邮箱", "{{ email }}", "项目形式", "{{ form }}"),
    ]
    for index, texts in enumerate(pairs):
        for cell, text in zip(table.rows[index].cells, texts, strict=True):
            fill_cell(cell, text, font=LABEL if "{{" not in text else BODY)
    spans = [
        ("项目名称", ("{{ project_name }}",)),
        (
            "申请资助类别",
            ("{{ box_position }}", "“阵地建设”类", GAP, "{{ box_activity }}", "“特色活动”类"),
        ),
        ("申报资助金额", ("{{ amount }}", " 元（大写：", "{{ amount_capital }}", "）")),
    ]
    for index, (label, parts) in enumerate(spans, start=len(pairs)):
        cells = table.rows[index].cells
        fill_cell(cells[0], label, font=LABEL)
        fill_cell(cells[1].merge(cells[3]), *parts)
    for index in range(len(pairs) + len(spans)):
        set_row(index, table, 1.1, keep_together=True)


def add_heading(cell: _Cell, text: str) -> None:
    """A section heading row (一、…) in 黑体; Word keeps the row with the next one."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    add_par(cell, text, font=LABEL, align=LEFT).paragraph_format.keep_with_next = True


def add_subheading(cell: _Cell, text: str) -> None:
    """A sub-heading (（一）…) in 楷体, indented like body text."""
    add_par(cell, text, font=SUBHEADING, indent=True)


def add_blank_lines(cell: _Cell, count: int) -> None:
    """Empty body lines: room to sign, stamp or write by hand."""
    for _ in range(count):
        add_par(cell, "")


@dataclass(frozen=True)
class ListTable:
    """A nested table with a header row and one docxtpl-repeated row per item."""

    header: tuple[str, ...]
    widths_cm: tuple[float, ...]
    loop: str  # the for clause, e.g. "step in plan"
    cells: tuple[str, ...]
    aligns: tuple[int, ...]


PLAN_TABLE = ListTable(
    header=("时间", "实施内容"),
    widths_cm=(3.2, 11.8),
    loop="step in plan",
    cells=("{{ step.time }}", "{{ step.content }}"),
    aligns=(CENTER, JUSTIFY),
)
BUDGET_TABLE = ListTable(
    header=("序号", "项目", "金额（元）", "说明"),
    widths_cm=(1.4, 4.4, 2.8, 6.4),
    loop="line in budget",
    cells=("{{ line.no }}", "{{ line.item }}", "{{ line.amount }}", "{{ line.note }}"),
    aligns=(CENTER, LEFT, CENTER, LEFT),  # justified narrow cells stretch mixed text
)


def add_list_table(cell: _Cell, spec: ListTable) -> Table:
    """Rows: header (repeated on each page), ``{%tr for %}``, the item row, ``{%tr endfor %}``."""
    table = new_table(cell, 4, spec.widths_cm)
    header, start, item, end = table.rows
    for target, text in zip(header.cells, spec.header, strict=True):
        fill_cell(target, text, font=TABLE_LABEL)
        target.paragraphs[0].paragraph_format.keep_with_next = True  # not alone at a page end
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    fill_cell(start.cells[0], f"{{%tr for {spec.loop} %}}", font=TABLE_BODY)
    for target, text, align in zip(item.cells, spec.cells, spec.aligns, strict=True):
        fill_cell(target, text, font=TABLE_BODY, align=align)
    fill_cell(end.cells[0], "{%tr endfor %}", font=TABLE_BODY)
    for index in range(4):
        set_row(index, table, 0.9, keep_together=True)
    return table


def add_budget_table(cell: _Cell) -> None:
    """预算安排, one row per budget line, then 合计 with the total in figures and capitals."""
    table = add_list_table(cell, BUDGET_TABLE)
    total = table.add_row().cells
    for target, width in zip(total, BUDGET_TABLE.widths_cm, strict=True):
        target.width = Cm(width)
    fill_cell(total[0].merge(total[1]), "合计", font=TABLE_LABEL)
    fill_cell(total[2], "{{ budget_total }}", font=TABLE_BODY)
    fill_cell(total[3], "大写：", "{{ budget_total_capital }}", font=TABLE_BODY, align=LEFT)
    set_row(len(table.rows) - 1, table, 0.9, keep_together=True)


def add_spacer(cell: _Cell) -> None:
    """A thin gap around a nested table (Word requires a paragraph after one anyway)."""
    add_par(cell, "", line=6)


def add_signature(cell: _Cell, label: str, leader: str, date: str) -> None:
    """A right-aligned 负责人 line; an empty name leaves room to sign by hand."""
    parts = (label, f"{{{{ {leader} or '{GAP}' }}}}", GAP, f"{{{{ {date} }}}}")
    par = add_par(cell, *parts, align=RIGHT)
    par.paragraph_format.right_indent = Pt(BODY.size * 2)


def add_section_theme(cell: _Cell) -> None:
    """Body of 一、申报主题及预期成效."""
    add_subheading(cell, "（一）主题")
    add_loop(cell, "para", "theme", "{{ para }}")
    add_subheading(cell, "（二）预期成效")
    add_loop(cell, "para", "effects", "{{ para }}")
    add_subheading(cell, "（三）预期目标")
    add_loop(cell, "goal", "goals", "{{ loop.index }}. {{ goal }}")


def add_section_design(cell: _Cell) -> None:
    """Body of 二、项目设计方案."""
    for title, items in (("（一）意义", "significance"), ("（二）思路", "approach")):
        add_subheading(cell, title)
        add_loop(cell, "para", items, "{{ para }}")
    add_subheading(cell, "（三）措施")
    add_loop(cell, "para", "measures", "{{ para }}")
    add_subheading(cell, "（四）实施计划")
    add_list_table(cell, PLAN_TABLE)
    add_par(cell, "（可另附纸）", font=SUBHEADING, align=RIGHT)


def add_section_budget(cell: _Cell) -> None:
    """Body of 三、预算安排."""
    add_spacer(cell)
    add_budget_table(cell)
    add_spacer(cell)


def add_section_society(cell: _Cell) -> None:
    """Body of 四、申报学会意见."""
    add_loop(cell, "para", "society_opinion", "{{ para }}")
    add_blank_lines(cell, 2)
    add_signature(cell, "学会党组织负责人：", "society_leader", "society_date")


def add_section_approval(cell: _Cell) -> None:
    """Body of 五、省科协审批意见; without an opinion, blank lines leave room to write by hand."""
    add_loop(cell, "para", "approval_opinion", "{{ para }}")
    add_par(cell, "{%p if not approval_opinion %}")
    add_blank_lines(cell, 3)
    add_par(cell, "{%p endif %}")
    add_blank_lines(cell, 2)
    add_signature(cell, "负责人：", "approval_leader", "approval_date")


def add_note(cell: _Cell) -> None:
    """The seed's closing 备注 row."""
    note = "备注：申报表要求以A4纸型制作，加盖学会党组织印章或学会公章。"
    add_par(cell, note, font=TABLE_BODY, align=LEFT, line=24)


# heading, body builder, whether the (short) body stays on one page with its signature
SECTIONS = (
    ("一、申报主题及预期成效", add_section_theme, False),
    ("二、项目设计方案", add_section_design, False),
    ("三、预算安排", add_section_budget, False),
    ("四、申报学会意见", add_section_society, True),
    ("五、省科协审批意见", add_section_approval, True),
)


def add_wide_row(table: Table) -> _Cell:
    """Append a row whose one cell spans the whole table."""
    cells = table.add_row().cells
    for cell, width in zip(cells, FIELD_COLUMNS_CM, strict=True):
        cell.width = Cm(width)
    return cells[0].merge(cells[-1])


def add_section_rows(table: Table) -> None:
    """As in the seed: per section a heading row and a body row, then the 备注 row."""
    for heading, builder, keep_together in SECTIONS:
        add_heading(add_wide_row(table), heading)
        set_row(len(table.rows) - 1, table, 1.0, keep_together=True)
        builder(add_wide_row(table))
        set_row(len(table.rows) - 1, table, 1.0, keep_together=keep_together)
    add_note(add_wide_row(table))


def set_page(section: Section) -> None:
    """A4 portrait with GB/T 9704 margins."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)


def add_run(par: Paragraph, text: str, font: Font) -> CT_R:
    """Append a run in ``font`` whose text keeps its spaces; return its ``w:r``."""
    run = par.add_run(text)
    set_font(run._r.get_or_add_rPr(), font)
    text_element = run._r.find(qn("w:t"))
    if text_element is not None:
        text_element.set(XML_SPACE, "preserve")
    return run._r


def add_field_char(par: Paragraph, kind: str) -> None:
    """Append a ``w:fldChar`` run (begin / separate / end)."""
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    add_run(par, "", PAGE_NUMBER).append(char)


def add_page_number(section: Section) -> None:
    """Centred page number in the GB/T 9704 form ``— 1 —``."""
    par = section.footer.paragraphs[0]
    format_paragraph(par, PAGE_NUMBER, CENTER, indent=False, line=PAGE_NUMBER.size * 1.2)
    add_run(par, "— ", PAGE_NUMBER)
    add_field_char(par, "begin")
    code = OxmlElement("w:instrText")
    code.set(XML_SPACE, "preserve")
    code.text = " PAGE "
    add_run(par, "", PAGE_NUMBER).append(code)
    add_field_char(par, "separate")
    add_run(par, "1", PAGE_NUMBER)
    add_field_char(par, "end")
    add_run(par, " —", PAGE_NUMBER)


def set_defaults(document: DocxDocument) -> None:
    """Chinese defaults: 仿宋 四号 for anything unstyled, zh-CN language."""
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    rpr = cast(CT_RPr, defaults.find(qn("w:rPr")))
    set_font(rpr, BODY)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    set_font(document.styles["Normal"].element.get_or_add_rPr(), BODY)


def set_compatibility(document: DocxDocument) -> None:
    """Chinese theme language; justified lines ending in a line break are not stretched."""
    settings = document.settings.element
    settings.find(qn("w:compat")).insert(0, OxmlElement("w:doNotExpandShiftReturn"))
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def drop_thumbnail(document: DocxDocument) -> None:
    """Remove the stock template's preview picture, which shows an empty page."""
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package_rels[rel_id]


def add_font_fallbacks(document: DocxDocument) -> None:
    """Declare the official fonts in the font table with the free name Word should use."""
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            table = etree.fromstring(part.blob)
            for name, alt in FALLBACKS.items():
                table.append(parse_xml(font_entry(name, alt)))
            xml = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
            part._blob = xml


def font_entry(name: str, alt: str) -> str:
    """The ``w:font`` element of a GB2312 font with its fallback name."""
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return (
        f'<w:font xmlns:w="{namespace}" w:name="{name}"><w:altName w:val="{alt}"/>'
        '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
    )


def set_properties(document: DocxDocument) -> None:
    """Fixed core properties, so two builds give the same bytes."""
    props = document.core_properties
    props.title = FORM_TITLE
    props.author = props.last_modified_by = AUTHOR
    props.comments = "由 templates/build_templates.py 生成，修改请改该脚本后重新生成。"
    props.language = "zh-CN"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1


def build_application() -> bytes:
    """The 申报表 template as normalised .docx bytes."""
    document = Document()
    set_defaults(document)
    set_compatibility(document)
    drop_thumbnail(document)
    add_font_fallbacks(document)
    set_properties(document)
    set_page(document.sections[0])
    add_page_number(document.sections[0])
    add_par(document, FORM_TITLE[:18], font=TITLE, align=CENTER, line=36)
    add_par(document, FORM_TITLE[18:], font=TITLE, align=CENTER, line=36)
    add_par(document, "（", "{{ year }}", "年度）", font=SUBTITLE, align=CENTER, line=36)
    table = new_table(document, 7, FIELD_COLUMNS_CM)
    add_field_rows(table)
    add_section_rows(table)
    add_par(document, "", line=2)  # Word wants a paragraph after a closing table
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_docx(buffer.getvalue())


def build_all(out_dir: Path) -> list[Path]:
    """Write every template into ``out_dir``; unchanged files are left untouched."""
    target = out_dir / APPLICATION
    write_atomic(target, build_application())
    return [target]


def main() -> int:
    """Rebuild the templates next to this script."""
    for path in build_all(Path(__file__).resolve().parent):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
