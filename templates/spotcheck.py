"""财务抽查: the year's financial spot check — how the projects were drawn, and what was found.

Context: ``year``, ``funded_count``, ``rate`` ("5%"), ``count``, ``seed``, ``method``,
``date``; ``rows`` ({no, society_name, project_name, amount, finding, action}); ``note``
("" leaves the 备注 line out); the 落款 is dated ``date``, under the issuer's seal box.
"""

from __future__ import annotations

from templates.pages import new_year_form, to_bytes
from templates.style import (
    CENTER,
    JUSTIFY,
    LEFT,
    SMALL_BODY,
    SMALL_LABEL,
    add_labelled,
    add_par,
)
from templates.tables import (
    ListTable,
    add_field_section,
    add_list_table,
    add_section_heading,
    add_sign_off,
)

NAME = "财务抽查.docx"
FORM_TITLE = "“党建强会计划”项目财务抽查情况"
FIELD_COLUMNS_CM = (3.0, 4.0, 3.0, 5.6)  # 15.6 cm
FIELDS = (
    ("立项项目数", "{{ funded_count }}", "抽查比例", "{{ rate }}"),
    ("抽查项目数", "{{ count }}", "抽取日期", "{{ date }}"),
    ("随机种子", "{{ seed }}"),
    ("抽取方法", "{{ method }}"),
)
ROWS = ListTable(
    header=("序号", "学会", "项目名称", "资助金额（元）", "抽查发现", "处理意见"),
    widths_cm=(1.1, 2.5, 3.0, 2.0, 4.2, 2.8),  # 15.6 cm: the findings get the room
    loop="row in rows",
    cells=tuple(
        f"{{{{ row.{key} }}}}"
        for key in ("no", "society_name", "project_name", "amount", "finding", "action")
    ),
    aligns=(CENTER, LEFT, LEFT, CENTER, LEFT, LEFT),
    label=SMALL_LABEL,
    body=SMALL_BODY,
    height_cm=0.8,
)


def build() -> bytes:
    """The 财务抽查 template as normalised .docx bytes."""
    document = new_year_form(FORM_TITLE)
    fields = add_field_section(document, "一、抽查方式", FIELDS, FIELD_COLUMNS_CM)
    fields.cell(len(FIELDS) - 1, 1).paragraphs[0].alignment = JUSTIFY  # 抽取方法, a sentence
    add_section_heading(document, "二、抽查结果")
    add_list_table(document, ROWS)
    add_par(document, "", line=12)
    text = add_sign_off(document, sum(ROWS.widths_cm), "{{ date }}")
    add_par(text, "{%p if note %}")
    add_labelled(text, ("备注", "{{ note }}"))       # beside the seal: one block
    add_par(text, "{%p endif %}")
    return to_bytes(document)
