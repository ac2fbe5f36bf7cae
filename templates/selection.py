"""立项名单: the year's list of funded projects, ranked, with the 党组 approval once given.

Context: ``year``, ``status_line`` (e.g. "经省科协党组审批同意" or "拟立项名单，待省科协党组
审批"), ``count``, ``rows`` ({no, society_name, project_name, category, form, score, amount}),
``total``, ``total_capital``; ``approval_opinion``, ``approver`` ("" before approval: the
approval lines are then left out), ``approval_date`` (a blank date to fill in before), dated
in the 落款 under the issuer's seal box.
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.table import Table

from templates.pages import add_subtitle, add_title, new_document, to_bytes
from templates.style import (
    CENTER,
    LEFT,
    SMALL_BODY,
    SMALL_LABEL,
    add_labelled,
    add_par,
)
from templates.tables import ListTable, add_cells, add_list_table, add_sign_off, fill_cell, span

NAME = "立项名单.docx"
FORM_TITLE = "“党建强会计划”之阵地建设与特色活动立项项目名单"
ROWS = ListTable(
    header=("序号", "学会", "项目名称", "类别", "项目形式", "立项评审得分", "资助金额（元）"),
    widths_cm=(1.2, 3.3, 3.6, 1.9, 2.1, 1.5, 2.0),  # 15.6 cm
    loop="row in rows",
    cells=tuple(
        f"{{{{ row.{key} }}}}"
        for key in ("no", "society_name", "project_name", "category", "form", "score", "amount")
    ),
    aligns=(CENTER, LEFT, LEFT, CENTER, CENTER, CENTER, CENTER),
    label=SMALL_LABEL,
    body=SMALL_BODY,
    height_cm=0.8,
)


def add_total_row(table: Table) -> None:
    """合计: the number of projects and the total in capitals, the total in figures last."""
    cells = add_cells(table, ROWS.widths_cm, 0.8)
    fill_cell(span(cells, 0, 1), "合计", font=SMALL_LABEL)
    text = "共 {{ count }} 个项目，资助总额大写：{{ total_capital }}"
    fill_cell(span(cells, 2, 5), text, font=SMALL_BODY, align=LEFT)
    fill_cell(cells[6], "{{ total }}", font=SMALL_BODY)


def add_approval(document: DocxDocument) -> None:
    """The 落款 with its seal box; once approved, the opinion and the approver beside it."""
    text = add_sign_off(document, sum(ROWS.widths_cm), "{{ approval_date }}")
    add_par(text, "{%p if approval_opinion %}")
    add_labelled(text, ("审批意见", "{{ approval_opinion }}"))
    add_labelled(text, ("审批人", "{{ approver }}"))
    add_par(text, "{%p endif %}")


def build() -> bytes:
    """The 立项名单 template as normalised .docx bytes."""
    document = new_document(FORM_TITLE)
    add_title(document, ("{{ year }}", "年度“党建强会计划”之"), ("阵地建设与特色活动立项项目名单",))
    add_subtitle(document, "（", "{{ status_line }}", "）")
    add_par(document, "", line=12)
    table = add_list_table(document, ROWS)
    add_total_row(table)
    add_par(document, "", line=12)
    add_approval(document)
    return to_bytes(document)
