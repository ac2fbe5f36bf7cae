"""结题报告: a project's completion report, fields then seven sections, as the 申报表.

Context: ``year``, ``society_name``, ``org_name``, ``project_name``, ``category``, ``form``,
``amount``, ``amount_capital``; ``summary`` (paragraphs); ``activities`` ({date, place, name,
attendees, members}); ``goals`` ({goal, done, note}) and ``goal_rate``; ``news`` ({platform,
title, link, date}); ``flag``, ``badge``, ``logo`` (是/否); ``photos`` ({name, image}: the
reference as typed, shown as the caption, and the picture, which ``pipeline.render`` embeds);
``finance`` ({item, budget, actual, note}) with ``budget_total``, ``actual_total``,
``actual_capital``.

Page breaks: the body of a table section is one row that does not break across pages (the
photos: one such row per two photos), each heading row is kept with the row after it, and
七、财务总结 with the closing stamp row; so no header row, 目标实现率 or 盖章 line is left
alone at the top or bottom of a page. LibreOffice honours only these row properties; Word
also the keep-with-next of the paragraphs in table rows and widow control.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from docx.enum.text import WD_LINE_SPACING
from docx.shared import Pt
from docx.table import Table, _Cell

from templates.pages import add_subtitle, add_title, new_document, to_bytes
from templates.style import (
    BODY,
    CENTER,
    LEFT,
    RIGHT,
    SMALL_BODY,
    SMALL_LABEL,
    TABLE_BODY,
    TABLE_LABEL,
    add_labelled,
    add_loop,
    add_par,
    add_spacer,
)
from templates.tables import (
    ListTable,
    add_cells,
    add_field_rows,
    add_heading,
    add_list_table,
    add_tag_row,
    add_wide_row,
    fill_cell,
    keep_with_next,
    new_table,
    set_row,
)

NAME = "结题报告.docx"
FORM_TITLE = "“党建强会计划”之阵地建设与特色活动项目结题报告"
# The 申报表's columns, the last split in two: docxtpl rescales an outer table whose grid has
# fewer columns than a nested table's row (二、活动记录 has five).
FIELD_COLUMNS_CM = (3.4, 5.6, 2.4, 2.1, 2.1)
FIELDS = (
    ("学会名称", "{{ society_name }}"),
    ("党组织名称", "{{ org_name }}"),
    ("项目名称", "{{ project_name }}"),
    ("资助类别", "{{ category }}", "项目形式", "{{ form }}"),
    ("资助金额", "{{ amount }} 元（大写：{{ amount_capital }}）"),
)
ACTIVITIES = ListTable(
    header=("日期", "地点", "活动名称", "参加人数", "党员人数"),
    widths_cm=(2.7, 3.1, 4.8, 2.2, 2.2),
    loop="item in activities",
    cells=tuple(
        f"{{{{ item.{key} }}}}" for key in ("date", "place", "name", "attendees", "members")
    ),
    aligns=(CENTER, LEFT, LEFT, CENTER, CENTER),
)
GOALS = ListTable(
    header=("序号", "预期目标", "完成情况", "说明"),
    widths_cm=(1.4, 6.0, 2.4, 5.2),
    loop="item in goals",
    cells=("{{ loop.index }}", "{{ item.goal }}", "{{ item.done }}", "{{ item.note }}"),
    aligns=(CENTER, LEFT, CENTER, LEFT),
)
NEWS = ListTable(
    header=("发布平台", "标题", "链接", "发布日期"),
    widths_cm=(2.8, 5.0, 4.8, 2.4),
    loop="item in news",
    cells=("{{ item.platform }}", "{{ item.title }}", "{{ item.link }}", "{{ item.date }}"),
    aligns=(CENTER, LEFT, LEFT, CENTER),
    label=SMALL_LABEL,
    body=SMALL_BODY,
    height_cm=0.8,
)
FINANCE = ListTable(
    header=("项目", "预算（元）", "实际支出（元）", "说明"),
    widths_cm=(4.0, 2.8, 3.4, 4.8),
    loop="item in finance",
    cells=("{{ item.item }}", "{{ item.budget }}", "{{ item.actual }}", "{{ item.note }}"),
    aligns=(LEFT, CENTER, CENTER, LEFT),
)
PHOTO_COLUMNS_CM = (7.5, 7.5)  # room for two 7 cm photos side by side
ELEMENTS = (
    ("活动现场悬挂党旗", "{{ flag }}"),
    ("党员佩戴党徽", "{{ badge }}"),
    ("使用统一标识", "{{ logo }}"),
)


def add_table_section(cell: _Cell, spec: ListTable) -> Table:
    """A section whose body is one list table, with thin gaps around it."""
    add_spacer(cell)
    table = add_list_table(cell, spec)
    add_spacer(cell)
    return table


def add_section_summary(cell: _Cell) -> None:
    """一、项目实施情况."""
    add_loop(cell, "para", "summary", "{{ para }}")


def add_section_activities(cell: _Cell) -> None:
    """二、活动记录."""
    add_table_section(cell, ACTIVITIES)


def add_section_goals(cell: _Cell) -> None:
    """三、目标完成情况, then the 目标实现率, kept on the page of the table's last row."""
    add_spacer(cell)
    table = add_list_table(cell, GOALS)
    keep_with_next(table.rows[2])  # the item row, the last once docxtpl has repeated it
    add_labelled(cell, ("目标实现率", "{{ goal_rate }}"), align=RIGHT)


def add_section_news(cell: _Cell) -> None:
    """四、宣传报道."""
    add_table_section(cell, NEWS)


def add_section_elements(cell: _Cell) -> None:
    """五、党建元素: a label row over a 是/否 row."""
    add_spacer(cell)
    table = new_table(cell, 2, (5.0, 5.0, 5.0))
    for index, (label, value) in enumerate(ELEMENTS):
        fill_cell(table.cell(0, index), label, font=TABLE_LABEL)
        fill_cell(table.cell(1, index), value, font=TABLE_BODY)
    for index in range(2):
        set_row(index, table, 0.9, keep_together=True)
    add_spacer(cell)


def add_photo(cell: _Cell, items: str) -> None:
    """The photo of ``items`` (a list of zero or one) with its file name below."""
    add_par(cell, f"{{%p for p in {items} %}}", font=TABLE_BODY)
    picture = add_par(cell, "{{ p.image }}", font=TABLE_BODY, align=CENTER)
    picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact would clip it
    picture.paragraph_format.keep_with_next = True
    add_par(cell, "{{ p.name }}", font=TABLE_BODY, align=CENTER, line=TABLE_BODY.size * 1.6)
    add_par(cell, "{%p endfor %}", font=TABLE_BODY)
    add_spacer(cell)  # a cell must end with a paragraph, also when it has no photo


def add_photo_pair(cell: _Cell) -> None:
    """Two photos side by side (``pair``, one or two of them) in a borderless table."""
    add_spacer(cell)
    table = new_table(cell, 1, PHOTO_COLUMNS_CM, borders=False)
    add_photo(table.cell(0, 0), "pair[:1]")
    add_photo(table.cell(0, 1), "pair[1:]")
    set_row(0, table, 0.5, keep_together=True)
    add_spacer(cell)


def add_none(cell: _Cell) -> None:
    """The body of a section with nothing to show."""
    add_par(cell, "（无）", indent=True)


def add_section_photos(table: Table) -> None:
    """六、活动照片: a row per two photos, each photo captioned with its file name; the rows
    flow from page to page, the heading kept with the first. Without photos, （无）."""
    add_tag_row(table, FIELD_COLUMNS_CM, "{%tr for pair in photos|batch(2) %}")
    add_body(table, add_photo_pair)
    add_tag_row(table, FIELD_COLUMNS_CM, "{%tr endfor %}")
    add_tag_row(table, FIELD_COLUMNS_CM, "{%tr if not photos %}")
    add_body(table, add_none)
    add_tag_row(table, FIELD_COLUMNS_CM, "{%tr endif %}")


def add_section_finance(cell: _Cell) -> None:
    """七、财务总结, with 合计 in figures and the actual total in capitals."""
    table = add_table_section(cell, FINANCE)
    total = add_cells(table, FINANCE.widths_cm, 0.9)
    fill_cell(total[0], "合计", font=TABLE_LABEL)
    fill_cell(total[1], "{{ budget_total }}", font=TABLE_BODY)
    fill_cell(total[2], "{{ actual_total }}", font=TABLE_BODY)
    fill_cell(total[3], "大写：{{ actual_capital }}", font=TABLE_BODY, align=LEFT)


def add_body(table: Table, builder: Callable[[_Cell], None], keep_together: bool = True) -> None:
    """A section body: one full-width row, by default one that does not break across pages
    (a table section: its header row or the line after it is then never alone on a page;
    only a body longer than a page still breaks)."""
    builder(add_wide_row(table, FIELD_COLUMNS_CM))
    set_row(len(table.rows) - 1, table, 1.0, keep_together=keep_together)


# heading, the builder of the body rows
SECTIONS: tuple[tuple[str, Callable[[Table], None]], ...] = (
    ("一、项目实施情况", partial(add_body, builder=add_section_summary, keep_together=False)),
    ("二、活动记录", partial(add_body, builder=add_section_activities)),
    ("三、目标完成情况", partial(add_body, builder=add_section_goals)),
    ("四、宣传报道", partial(add_body, builder=add_section_news)),
    ("五、党建元素", partial(add_body, builder=add_section_elements)),
    ("六、活动照片", add_section_photos),
    ("七、财务总结", partial(add_body, builder=add_section_finance)),
)


def add_section_rows(table: Table) -> None:
    """Per section a heading row (kept with the next row) and its body, as in the 申报表."""
    for heading, add_rows in SECTIONS:
        add_heading(add_wide_row(table, FIELD_COLUMNS_CM), heading)
        set_row(len(table.rows) - 1, table, 1.0, keep_together=True)
        add_rows(table)


def add_stamp(table: Table) -> None:
    """A closing row: room for the society's Party organisation to sign and stamp."""
    cell = add_wide_row(table, FIELD_COLUMNS_CM)
    add_par(cell, "")
    for text in ("学会党组织（盖章）", "年　　月　　日"):
        add_par(cell, text, align=RIGHT).paragraph_format.right_indent = Pt(BODY.size * 2)
    set_row(len(table.rows) - 1, table, 1.0, keep_together=True)


def build() -> bytes:
    """The 结题报告 template as normalised .docx bytes."""
    document = new_document(FORM_TITLE)
    document.styles["Normal"].paragraph_format.widow_control = True  # no line alone on a page
    add_title(document, (FORM_TITLE[:18],), (FORM_TITLE[18:],))
    add_subtitle(document, "（", "{{ year }}", "年度）")
    table = new_table(document, len(FIELDS), FIELD_COLUMNS_CM)
    add_field_rows(table, FIELDS)
    add_section_rows(table)
    keep_with_next(table.rows[-1])  # 七、财务总结 with the stamp: never a stamp page alone
    add_stamp(table)
    return to_bytes(document)
