"""实施方案: a society's implementation plan — who answers for the project, and each activity.

Context: ``year``, ``society_name``, ``project_name``, ``first`` / ``direct`` ({name, post}),
``rows`` ({no, date, place, content, expected, elements}); the 落款 is the society's (its
seal), dated ``date`` (left blank, to be dated when it is sealed).
"""

from __future__ import annotations

from templates.pages import new_year_form, to_bytes
from templates.style import CENTER, LEFT, SMALL_BODY, SMALL_LABEL, add_par
from templates.tables import (
    ListTable,
    add_field_section,
    add_list_table,
    add_section_heading,
    add_sign_off,
)

NAME = "实施方案.docx"
FORM_TITLE = "“党建强会计划”项目实施方案"
FIELD_COLUMNS_CM = (3.0, 4.8, 3.0, 4.8)  # 15.6 cm
FIELDS = (
    ("学会名称", "{{ society_name }}"),
    ("项目名称", "{{ project_name }}"),
    ("第一责任人", "{{ first.name }}", "职务", "{{ first.post }}"),
    ("直接责任人", "{{ direct.name }}", "职务", "{{ direct.post }}"),
)
ROWS = ListTable(
    header=("序号", "日期", "地点", "活动内容", "预计人数", "党建元素"),
    widths_cm=(1.1, 2.4, 2.6, 4.5, 1.6, 3.4),  # 15.6 cm
    loop="row in rows",
    cells=tuple(f"{{{{ row.{key} }}}}"
                for key in ("no", "date", "place", "content", "expected", "elements")),
    aligns=(CENTER, CENTER, LEFT, LEFT, CENTER, LEFT),
    label=SMALL_LABEL,
    body=SMALL_BODY,
    height_cm=0.8,
)


def build() -> bytes:
    """The 实施方案 template as normalised .docx bytes."""
    document = new_year_form(FORM_TITLE)
    add_field_section(document, "一、责任落实", FIELDS, FIELD_COLUMNS_CM)
    add_section_heading(document, "二、活动安排")
    add_list_table(document, ROWS)
    add_par(document, "", line=12)
    add_sign_off(document, sum(ROWS.widths_cm), "{{ date }}", "{{ society_name }}")  # its seal
    return to_bytes(document)
