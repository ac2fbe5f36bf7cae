"""考核表: the seed's 阵地建设与特色活动项目考核表, per expert or combined.

Context: ``year``, ``society_name``, ``project_name``; ``rows``
({no, name, max, note, score, remark}, the seven 指标 of the seed); ``total_max``, ``total``,
``grade``; ``goal_rate``, ``satisfaction``, ``approval_rate`` ("—" on one expert's sheet);
``opinion`` (paragraphs, may be empty: a blank line is left to write by hand);
``signatures`` (lines holding a blank to sign for the expert of a sheet or for every member
of the acceptance group, two to a line, the date after the last; they close the opinion
cell, so no signature is ever alone on a page);
``method`` (how the score was computed: the sheets kept and dropped, and the one rounding
rule under which the rows add up to 合计). The table is in 五号 so that a sheet fits on
one page.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.table import Table

from templates.pages import add_subtitle, add_title, new_document, to_bytes
from templates.style import (
    CENTER,
    JUSTIFY,
    LEFT,
    RIGHT,
    SMALL_BODY,
    SMALL_LABEL,
    SMALL_TITLE,
    add_loop,
    add_par,
    add_unless,
)
from templates.tables import (
    ListTable,
    add_cells,
    add_label_row,
    add_list_table,
    fill_cell,
    new_table,
    set_row,
    span,
)

NAME = "考核表.docx"
FORM_TITLE = "“党建强会计划”之阵地建设与特色活动项目考核表"
COLUMNS_CM = (1.2, 1.9, 1.2, 7.3, 1.4, 2.6)  # 15.6 cm
LABEL_SPAN = 3  # 序号, 指标 and 分值 hold the label of a closing row
FONTS = (SMALL_LABEL, SMALL_BODY)
LINE = 14.0  # exact line height of the table's paragraphs
HEADING_COLUMNS_CM = (1.4, 4.6, 1.4, 8.2)
SCORES = ListTable(
    header=("序号", "指标", "分值", "内容说明", "得分", "评分说明"),
    widths_cm=COLUMNS_CM,
    loop="row in rows",
    cells=(
        "{{ row.no }}",
        "{{ row.name }}",
        "{{ row.max }}",
        "{{ row.note }}",
        "{{ row.score }}",
        "{{ row.remark }}",
    ),
    aligns=(CENTER, CENTER, CENTER, JUSTIFY, CENTER, LEFT),
    label=SMALL_LABEL,
    body=SMALL_BODY,
    height_cm=0.7,
    line=LINE,
)
RATES = (
    ("等级", "{{ grade }}"),
    ("目标实现率", "{{ goal_rate }}"),
    ("群众满意率", "{{ satisfaction }}"),
    ("民主测评好评率", "{{ approval_rate }}"),
)


def add_total_row(table: Table) -> None:
    """合计: the maximum under 分值, the score under 得分."""
    cells = add_cells(table, COLUMNS_CM, 0.7)
    fill_cell(span(cells, 0, 1), "合计", font=SMALL_LABEL, line=LINE)
    fill_cell(cells[2], "{{ total_max }}", font=SMALL_BODY, line=LINE)
    fill_cell(cells[4], "{{ total }}", font=SMALL_BODY, line=LINE)
    for empty in (cells[3], cells[5]):
        fill_cell(empty, "", font=SMALL_BODY, line=LINE)


def add_method_row(table: Table) -> None:
    """计分方法: which sheets count, and how the rows are rounded and added up."""
    add_label_row(
        table,
        COLUMNS_CM,
        LABEL_SPAN,
        "计分方法",
        "{{ method }}",
        align=JUSTIFY,
        height_cm=0.7,
        fonts=FONTS,
        line=LINE,
    )


def add_opinion_row(table: Table) -> None:
    """总体意见: one paragraph per item, or blank lines for a handwritten opinion."""
    cell = add_label_row(
        table, COLUMNS_CM, LABEL_SPAN, "总体意见", height_cm=2.0, fonts=FONTS, line=LINE
    )
    add_loop(cell, "para", "opinion", "{{ para }}", font=SMALL_BODY, line=LINE)
    add_unless(cell, "opinion", "", font=SMALL_BODY, line=LINE * 1.2)
    # the signatures stay inside the form, so they can never be pushed alone onto a new page
    add_loop(cell, "line", "signatures", "{{ line }}", font=SMALL_BODY, line=LINE * 1.5,
             indent=False)
    for par in cell.paragraphs[-2:-1]:
        par.alignment = RIGHT


def add_heading_rows(document: DocxDocument) -> None:
    """学会 and 项目 above the scores, in a row of their own."""
    table = new_table(document, 1, HEADING_COLUMNS_CM)
    texts = ("学会", "{{ society_name }}", "项目", "{{ project_name }}")
    for cell, text, align in zip(table.rows[0].cells, texts, (CENTER, LEFT) * 2, strict=True):
        fill_cell(cell, text, font=SMALL_BODY if "{{" in text else SMALL_LABEL, align=align,
                  line=LINE)
    set_row(0, table, 0.7, keep_together=True)
    add_par(document, "", line=4)


def build() -> bytes:
    """The 考核表 template as normalised .docx bytes."""
    document = new_document(FORM_TITLE)
    add_title(document, (FORM_TITLE,), font=SMALL_TITLE)
    add_subtitle(document, "（", "{{ year }}", "年度）")
    add_heading_rows(document)
    table = add_list_table(document, SCORES)
    add_total_row(table)
    add_method_row(table)
    for label, value in RATES:
        add_label_row(
            table, COLUMNS_CM, LABEL_SPAN, label, value, height_cm=0.6, fonts=FONTS, line=LINE
        )
    add_opinion_row(table)
    return to_bytes(document)
