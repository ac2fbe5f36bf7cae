"""结题报告: a project's completion report, a table of fields then seven sections, as the 申报表.

Context: ``year``, ``society_name``, ``org_name``, ``project_name``, ``category``, ``form``,
``amount``, ``amount_capital``; ``summary`` (paragraphs); ``activities`` ({date, place, name,
attendees, members}); ``goals`` ({goal, done, note}) and ``goal_rate``; ``news`` ({platform,
title, link, date}); ``flag``, ``badge``, ``logo`` (是/否); ``photos`` ({name, image}: the
caption the society typed (else the file's name) and the picture, which ``pipeline.documents.docx``
embeds); ``finance`` ({item, budget, actual, note}) with ``budget_total``, ``actual_total``,
``actual_capital``.

Page breaks: headings are body paragraphs kept with what follows; each list is a table of its
own whose header row repeats on every page and whose rows do not split, so sections flow from
page to page; the photos are two to a row, each row unbreakable; the seal box closes the
财务总结 table, so it never stands alone on a last page.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING
from docx.table import Table, _Cell

from templates.pages import add_subtitle, add_title, new_document, to_bytes
from templates.style import (
    CENTER,
    LEFT,
    SMALL_BODY,
    SMALL_LABEL,
    TABLE_BODY,
    TABLE_LABEL,
    add_loop,
    add_par,
    add_spacer,
)
from templates.tables import (
    SEAL_CM,
    ListTable,
    add_cells,
    add_field_rows,
    add_keep_together,
    add_list_table,
    add_seal_lines,
    add_section_heading,
    add_tag_row,
    fill_cell,
    keep_with_next,
    new_table,
    set_row,
    span,
)

NAME = "结题报告.docx"
FORM_TITLE = "“党建强会计划”之阵地建设与特色活动项目结题报告"
FIELD_COLUMNS_CM = (3.4, 5.6, 2.4, 4.2)  # the 申报表's
FIELDS = (
    ("学会名称", "{{ society_name }}"),
    ("党组织名称", "{{ org_name }}"),
    ("项目名称", "{{ project_name }}"),
    ("资助类别", "{{ category }}", "项目形式", "{{ form }}"),
    ("资助金额", "{{ amount }} 元（大写：{{ amount_capital }}）"),
)
ACTIVITIES = ListTable(
    header=("日期", "地点", "活动名称", "参加人数", "党员人数"),
    widths_cm=(2.8, 3.2, 5.2, 2.2, 2.2),
    loop="item in activities",
    cells=tuple(
        f"{{{{ item.{key} }}}}" for key in ("date", "place", "name", "attendees", "members")
    ),
    aligns=(CENTER, LEFT, LEFT, CENTER, CENTER),
)
GOALS = ListTable(
    header=("序号", "预期目标", "完成情况", "说明"),
    widths_cm=(1.4, 6.2, 2.4, 5.6),
    loop="item in goals",
    cells=("{{ loop.index }}", "{{ item.goal }}", "{{ item.done }}", "{{ item.note }}"),
    aligns=(CENTER, LEFT, CENTER, LEFT),
)
NEWS = ListTable(
    header=("发布平台", "标题", "链接", "发布日期"),
    widths_cm=(2.8, 5.2, 5.0, 2.6),
    loop="item in news",
    cells=("{{ item.platform }}", "{{ item.title }}", "{{ item.link }}", "{{ item.date }}"),
    aligns=(CENTER, LEFT, LEFT, CENTER),
    label=SMALL_LABEL,
    body=SMALL_BODY,
    height_cm=0.8,
)
FINANCE = ListTable(
    header=("项目", "预算（元）", "实际支出（元）", "说明"),
    widths_cm=(4.2, 2.8, 3.4, 5.2),
    loop="item in finance",
    cells=("{{ item.item }}", "{{ item.budget }}", "{{ item.actual }}", "{{ item.note }}"),
    aligns=(LEFT, CENTER, CENTER, LEFT),
)
PHOTO_COLUMNS_CM = (7.8, 7.8)  # room for two 7 cm photos side by side
ELEMENTS = (
    ("活动现场悬挂党旗", "{{ flag }}"),
    ("党员佩戴党徽", "{{ badge }}"),
    ("使用统一标识", "{{ logo }}"),
)


def add_section_summary(document: DocxDocument) -> None:
    """一、项目实施情况."""
    add_loop(document, "para", "summary", "{{ para }}")


def add_section_activities(document: DocxDocument) -> None:
    """二、活动记录."""
    add_list_table(document, ACTIVITIES)


def add_section_goals(document: DocxDocument) -> None:
    """三、目标完成情况, the 目标实现率 a closing row of the table (never alone on a page)."""
    table = add_list_table(document, GOALS)
    cells = add_cells(table, GOALS.widths_cm, 0.9)
    fill_cell(span(cells, 0, 1), "目标实现率", font=TABLE_LABEL)
    fill_cell(span(cells, 2, 3), "{{ goal_rate }}", font=TABLE_BODY)


def add_section_news(document: DocxDocument) -> None:
    """四、宣传报道."""
    add_list_table(document, NEWS)


def add_section_elements(document: DocxDocument) -> None:
    """五、党建元素: a label row over a 是/否 row, kept together."""
    table = new_table(document, 2, (5.2, 5.2, 5.2))
    for index, (label, value) in enumerate(ELEMENTS):
        fill_cell(table.cell(0, index), label, font=TABLE_LABEL)
        fill_cell(table.cell(1, index), value, font=TABLE_BODY)
    for index in range(2):
        set_row(index, table, 0.9, keep_together=True)
    add_keep_together(table)


def add_photo(cell: _Cell, items: str) -> None:
    """The photo of ``items`` (a list of zero or one) with its caption below."""
    add_par(cell, f"{{%p for p in {items} %}}", font=TABLE_BODY)
    picture = add_par(cell, "{{ p.image }}", font=TABLE_BODY, align=CENTER)
    picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact would clip it
    add_par(cell, "{{ p.name }}", font=TABLE_BODY, align=CENTER, line=TABLE_BODY.size * 1.6)
    add_par(cell, "{%p endfor %}", font=TABLE_BODY)
    add_spacer(cell)  # a cell must end with a paragraph, also when it has no photo


def add_section_photos(document: DocxDocument) -> None:
    """六、活动照片: two to a row, each captioned; a row never splits, rows flow from page to
    page. Without photos, （无）."""
    add_par(document, "{%p if photos %}")
    table = new_table(document, 0, PHOTO_COLUMNS_CM, borders=False)
    add_tag_row(table, PHOTO_COLUMNS_CM, "{%tr for pair in photos|batch(2) %}")
    cells = add_cells(table, PHOTO_COLUMNS_CM, 0.5)
    add_photo(cells[0], "pair[:1]")
    add_photo(cells[1], "pair[1:]")
    add_tag_row(table, PHOTO_COLUMNS_CM, "{%tr endfor %}")
    add_par(document, "{%p else %}")
    add_par(document, "（无）", indent=True)
    add_par(document, "{%p endif %}")


def add_section_finance(document: DocxDocument) -> None:
    """七、财务总结, with 合计 in figures and the actual total in capitals."""
    table = add_list_table(document, FINANCE)
    total = add_cells(table, FINANCE.widths_cm, 0.9)
    fill_cell(total[0], "合计", font=TABLE_LABEL)
    fill_cell(total[1], "{{ budget_total }}", font=TABLE_BODY)
    fill_cell(total[2], "{{ actual_total }}", font=TABLE_BODY)
    fill_cell(total[3], "大写：{{ actual_capital }}", font=TABLE_BODY, align=LEFT)
    add_stamp(table)


def add_stamp(table: Table) -> None:
    """The closing row of 七、财务总结: the Party organisation's leader signs, its seal goes in
    the box under 说明 (5.2 cm). A row of the table, so that it is never a page of its own: at
    worst it starts a page under the repeated header; Word also keeps it with 合计."""
    keep_with_next(table.rows[-1])
    cells = add_cells(table, FINANCE.widths_cm, SEAL_CM)
    text, seal = span(cells, 0, 2), cells[3]
    text.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    add_par(text, "")
    add_par(text, "学会党组织负责人（签字）：", align=LEFT)
    seal.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    add_seal_lines(seal, "学会党组织", "年　　月　　日")


# heading, the builder of its body
SECTIONS: tuple[tuple[str, Callable[[DocxDocument], None]], ...] = (
    ("一、项目实施情况", add_section_summary),
    ("二、活动记录", add_section_activities),
    ("三、目标完成情况", add_section_goals),
    ("四、宣传报道", add_section_news),
    ("五、党建元素", add_section_elements),
    ("六、活动照片", add_section_photos),
    ("七、财务总结", add_section_finance),
)


def build() -> bytes:
    """The 结题报告 template as normalised .docx bytes."""
    document = new_document(FORM_TITLE)
    add_title(document, (FORM_TITLE[:18],), (FORM_TITLE[18:],))
    add_subtitle(document, "（", "{{ year }}", "年度）")
    add_field_rows(new_table(document, len(FIELDS), FIELD_COLUMNS_CM), FIELDS)
    for heading, builder in SECTIONS:
        add_section_heading(document, heading)
        builder(document)
    return to_bytes(document)
