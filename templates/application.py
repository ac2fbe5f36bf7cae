"""申报表: the seed's application form, one outer table of fields and sections.

Context: ``year``; the fields ``org_name``, ``founded``, ``members``, ``secretary``,
``contact``, ``phone``, ``email``, ``form``, ``project_name``, ``box_position`` and
``box_activity`` (□ or ☑), ``amount``, ``amount_capital``; the paragraph lists ``theme``,
``effects``, ``goals``, ``significance``, ``approach``, ``measures``; ``plan`` ({time,
content}); ``budget`` ({no, item, amount, note}) with ``budget_total`` and
``budget_total_capital``; ``society_opinion`` / ``society_leader`` / ``society_date`` and
``approval_opinion`` / ``approval_leader`` / ``approval_date``.
"""

from __future__ import annotations

from docx.shared import Cm
from docx.table import Table, _Cell

from templates import tables
from templates.pages import add_subtitle, add_title, new_document, to_bytes
from templates.style import (
    BODY,
    CENTER,
    GAP,
    JUSTIFY,
    LABEL,
    LEFT,
    RIGHT,
    SUBHEADING,
    TABLE_BODY,
    TABLE_LABEL,
    add_blank_lines,
    add_loop,
    add_par,
    add_signature,
    add_spacer,
)
from templates.tables import (
    ListTable,
    add_heading,
    add_list_table,
    fill_cell,
    new_table,
    set_row,
)

NAME = "申报表.docx"
FORM_TITLE = "“党建强会计划”之阵地建设与特色活动项目申报表"
FIELD_COLUMNS_CM = (3.4, 5.6, 2.4, 4.2)  # 15.6 cm: A4 minus the 2.8 cm and 2.6 cm margins

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


def add_subheading(cell: _Cell, text: str) -> None:
    """A sub-heading (（一）…) in 楷体, indented like body text."""
    add_par(cell, text, font=SUBHEADING, indent=True)


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


def add_leader_signature(cell: _Cell, label: str, leader: str, date: str) -> None:
    """A right-aligned 负责人 line; an empty name leaves room to sign by hand."""
    add_signature(cell, label, f"{{{{ {leader} or '{GAP}' }}}}", f"{{{{ {date} }}}}")


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
    add_leader_signature(cell, "学会党组织负责人：", "society_leader", "society_date")


def add_section_approval(cell: _Cell) -> None:
    """Body of 五、省科协审批意见; without an opinion, blank lines leave room to write by hand."""
    add_loop(cell, "para", "approval_opinion", "{{ para }}")
    add_par(cell, "{%p if not approval_opinion %}")
    add_blank_lines(cell, 3)
    add_par(cell, "{%p endif %}")
    add_blank_lines(cell, 2)
    add_leader_signature(cell, "负责人：", "approval_leader", "approval_date")


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
    return tables.add_wide_row(table, FIELD_COLUMNS_CM)


def add_section_rows(table: Table) -> None:
    """As in the seed: per section a heading row and a body row, then the 备注 row."""
    for heading, builder, keep_together in SECTIONS:
        add_heading(add_wide_row(table), heading)
        set_row(len(table.rows) - 1, table, 1.0, keep_together=True)
        builder(add_wide_row(table))
        set_row(len(table.rows) - 1, table, 1.0, keep_together=keep_together)
    add_note(add_wide_row(table))


def build() -> bytes:
    """The 申报表 template as normalised .docx bytes."""
    document = new_document(FORM_TITLE)
    add_title(document, (FORM_TITLE[:18],), (FORM_TITLE[18:],))
    add_subtitle(document, "（", "{{ year }}", "年度）")
    table = new_table(document, 7, FIELD_COLUMNS_CM)
    add_field_rows(table)
    add_section_rows(table)
    return to_bytes(document)
