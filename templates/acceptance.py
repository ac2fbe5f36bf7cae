"""验收结果汇总: the year's acceptance results, one row per project, on landscape A4.

Context: ``year``, ``pass_line`` (the passing score, a bare number such as "60"), ``rows``
({no, society_name, project_name, score, grade, goal_rate, satisfaction, result}),
``summary_line`` (e.g. "共验收 5 个项目：优秀 1 个、良好 2 个、合格 1 个、不合格 1 个"),
``date`` (of the last acceptance, in the 落款 under the issuer's seal box).
"""

from __future__ import annotations

from templates.pages import add_subtitle, add_title, new_document, to_bytes
from templates.style import CENTER, LEFT, SMALL_BODY, SMALL_LABEL, SMALL_TITLE, add_par
from templates.tables import ListTable, add_list_table, add_sign_off

NAME = "验收结果汇总.docx"
FORM_TITLE = "“党建强会计划”之阵地建设与特色活动项目验收结果汇总表"
ROWS = ListTable(
    header=("序号", "学会", "项目名称", "考核得分", "等级", "目标实现率", "群众满意率", "验收结果"),
    widths_cm=(1.3, 4.4, 6.6, 2.1, 1.8, 2.6, 2.6, 2.3),  # 23.7 cm: landscape A4 less margins
    loop="row in rows",
    cells=tuple(
        f"{{{{ row.{key} }}}}"
        for key in (
            "no",
            "society_name",
            "project_name",
            "score",
            "grade",
            "goal_rate",
            "satisfaction",
            "result",
        )
    ),
    aligns=(CENTER, LEFT, LEFT, CENTER, CENTER, CENTER, CENTER, CENTER),
    label=SMALL_LABEL,
    body=SMALL_BODY,
    height_cm=0.8,
)


def build() -> bytes:
    """The 验收结果汇总 template as normalised .docx bytes."""
    document = new_document(FORM_TITLE, landscape=True)
    # one 小二 line: the table, the summary and the seal then share the landscape page
    add_title(document, ("{{ year }}", "年度" + FORM_TITLE), font=SMALL_TITLE)
    add_subtitle(document, "（合格线：", "{{ pass_line }}", "分）")
    add_par(document, "", line=12)
    add_list_table(document, ROWS)
    add_par(document, "", line=12)
    text = add_sign_off(document, sum(ROWS.widths_cm), "{{ date }}")
    add_par(text, "{{ summary_line }}", indent=True)      # beside the seal: one block
    return to_bytes(document)

