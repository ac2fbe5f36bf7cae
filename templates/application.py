"""申报表: the seed's application form — a table of fields, then its five sections.

Context: ``year``; the fields ``org_name``, ``founded``, ``members``, ``secretary``,
``contact``, ``phone``, ``email``, ``form``, ``project_name``, ``box_position`` and
``box_activity`` (□ or ☑), ``amount``, ``amount_capital``; the paragraph lists ``theme``,
``effects``, ``goals``, ``significance``, ``approach``, ``measures``; ``plan`` ({time,
content}); ``budget`` ({no, item, amount, note}) with ``budget_total`` and
``budget_total_capital``; ``society_opinion`` / ``society_leader`` / ``society_date`` and
``approval_opinion`` / ``approval_leader`` / ``approval_date`` / ``approval_amount`` /
``approval_capital`` (section 五, the 省科协 approval of the list and the grant).

Page breaks: headings and sub-headings are body paragraphs kept with what follows; the plan
and budget are tables of their own whose header row repeats on every page; sections 四 and
五 are one unbreakable row each, with a seal box of at least 4.4 × 4.4 cm (a seal is 4.2 cm).
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.shared import Cm
from docx.table import Table, _Cell

from templates.pages import add_subtitle, add_title, new_document, to_bytes
from templates.style import (
    BODY,
    CENTER,
    GAP,
    JUSTIFY,
    LABEL,
    LEFT,
    SUBHEADING,
    TABLE_BODY,
    TABLE_LABEL,
    add_loop,
    add_par,
    add_spacer,
    add_unless,
)
from templates.tables import (
    SEAL_CM,
    ListTable,
    add_list_table,
    add_seal_lines,
    add_seal_table,
    add_section_heading,
    fill_cell,
    new_table,
    set_row,
)

NAME = "申报表.docx"
FORM_TITLE = "“党建强会计划”之阵地建设与特色活动项目申报表"
FIELD_COLUMNS_CM = (3.4, 5.6, 2.4, 4.2)  # 15.6 cm: A4 minus the 2.8 cm and 2.6 cm margins
SEAL_COLUMNS_CM = (15.6 - SEAL_CM - 0.6, SEAL_CM + 0.6)  # the opinion, then the seal box

PLAN_TABLE = ListTable(
    header=("时间", "实施内容"),
    widths_cm=(3.4, 12.2),
    loop="step in plan",
    cells=("{{ step.time }}", "{{ step.content }}"),
    aligns=(CENTER, JUSTIFY),
)
BUDGET_TABLE = ListTable(
    header=("序号", "项目", "金额（元）", "说明"),
    widths_cm=(1.4, 4.6, 2.8, 6.8),
    loop="line in budget",
    cells=("{{ line.no }}", "{{ line.item }}", "{{ line.amount }}", "{{ line.note }}"),
    aligns=(CENTER, LEFT, CENTER, LEFT),  # justified narrow cells stretch mixed text
)


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


def add_subheading(document: DocxDocument, text: str) -> None:
    """A sub-heading (（一）…) in 楷体, indented like body text, kept with what follows."""
    add_par(document, text, font=SUBHEADING, indent=True).paragraph_format.keep_with_next = True


def add_budget_table(document: DocxDocument) -> None:
    """预算安排, one row per budget line, then 合计 with the total in figures and capitals."""
    table = add_list_table(document, BUDGET_TABLE)
    total = table.add_row().cells
    for target, width in zip(total, BUDGET_TABLE.widths_cm, strict=True):
        target.width = Cm(width)
    fill_cell(total[0].merge(total[1]), "合计", font=TABLE_LABEL)
    fill_cell(total[2], "{{ budget_total }}", font=TABLE_BODY)
    fill_cell(total[3], "大写：", "{{ budget_total_capital }}", font=TABLE_BODY, align=LEFT)
    set_row(len(table.rows) - 1, table, 0.9, keep_together=True)


def add_section_theme(document: DocxDocument) -> None:
    """Body of 一、申报主题及预期成效."""
    add_subheading(document, "（一）主题")
    add_loop(document, "para", "theme", "{{ para }}")
    add_subheading(document, "（二）预期成效")
    add_loop(document, "para", "effects", "{{ para }}")
    add_subheading(document, "（三）预期目标")
    add_loop(document, "goal", "goals", "{{ loop.index }}. {{ goal }}")


def add_section_design(document: DocxDocument) -> None:
    """Body of 二、项目设计方案; the plan is a table of its own, its header repeated."""
    for title, items in (("（一）意义", "significance"), ("（二）思路", "approach")):
        add_subheading(document, title)
        add_loop(document, "para", items, "{{ para }}")
    add_subheading(document, "（三）措施")
    add_loop(document, "para", "measures", "{{ para }}")
    add_subheading(document, "（四）实施计划（可另附纸）")
    add_list_table(document, PLAN_TABLE)


def add_section_budget(document: DocxDocument) -> None:
    """Body of 三、预算安排."""
    add_budget_table(document)


def add_opinion_box(document: DocxDocument, prefix: str, signer: str,
                    seal: tuple[str, ...]) -> _Cell:
    """An opinion with its signature on the left and the seal box on the right, on one page.

    ``prefix`` names the context keys ``<prefix>_opinion`` (paragraphs; none leaves lines to
    write by hand), ``<prefix>_leader`` and ``<prefix>_date``; returns the text cell."""
    text, box = add_seal_table(document, SEAL_COLUMNS_CM)
    add_loop(text, "para", f"{prefix}_opinion", "{{ para }}")
    add_unless(text, f"{prefix}_opinion", "", "")
    add_par(text, "")
    add_par(text, signer, f"{{{{ {prefix}_leader or '{GAP}' }}}}", align=LEFT)
    add_seal_lines(box, *seal, f"{{{{ {prefix}_date }}}}")
    return text


def add_section_society(document: DocxDocument) -> None:
    """Body of 四、申报学会意见: the society's opinion, its leader, its seal."""
    add_opinion_box(document, "society", "学会党组织负责人：", ("学会党组织",))


def add_section_approval(document: DocxDocument) -> None:
    """Body of 五、省科协审批意见: the 党组 approval and the grant, once the list is approved."""
    text = add_opinion_box(document, "approval", "审批人：", ("省科协科技社团党委",))
    add_par(text, "{%p if approval_amount %}")
    add_par(text, "资助金额：", "{{ approval_amount }}", " 元（大写：", "{{ approval_capital }}",
            "）", align=LEFT)
    add_par(text, "{%p endif %}")


def add_note(document: DocxDocument) -> None:
    """The seed's closing 备注."""
    note = "备注：申报表要求以A4纸型制作，加盖学会党组织印章或学会公章。"
    add_par(document, note, font=TABLE_BODY, align=LEFT, line=24)


# heading, body builder
SECTIONS = (
    ("一、申报主题及预期成效", add_section_theme),
    ("二、项目设计方案", add_section_design),
    ("三、预算安排", add_section_budget),
    ("四、申报学会意见", add_section_society),
    ("五、省科协审批意见", add_section_approval),
)


def build() -> bytes:
    """The 申报表 template as normalised .docx bytes."""
    document = new_document(FORM_TITLE)
    add_title(document, (FORM_TITLE[:18],), (FORM_TITLE[18:],))
    add_subtitle(document, "（", "{{ year }}", "年度）")
    add_field_rows(new_table(document, 7, FIELD_COLUMNS_CM))
    for heading, builder in SECTIONS:
        add_section_heading(document, heading)
        builder(document)
    add_spacer(document)
    add_note(document)
    return to_bytes(document)
