"""Year-level documents: 立项名单, 验收结果汇总, 财务抽查 contexts, and the office's .xlsx register."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pipeline.core import status
from pipeline.core.projects import Project
from pipeline.core.rules import yuan
from pipeline.documents.contexts import capital, chinese_date, percent
from schemas.decision import Selection
from schemas.program import Program
from schemas.sheets import SpotCheck


def _score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def selection_context(year: int, projects: Sequence[Project], selection: Selection,
                      people_names: dict[str, str]) -> dict[str, Any]:
    """立项名单: the selection's projects in its order, with scores and the 审批."""
    by_id = {p.society: p for p in projects}
    rows = []
    for i, entry in enumerate(selection.funded, 1):
        p = by_id.get(entry.society)
        raw = p.raw if p else {}
        rows.append({"no": str(i), "society_name": p.society_name if p else entry.society,
                     "project_name": str(raw.get("项目名称") or ""),
                     "category": str(raw.get("申请资助类别") or ""),
                     "form": str(raw.get("项目形式") or ""),
                     "amount": yuan(entry.amount), "score": _score(p.scores.panel if p else None)})
    total = sum((e.amount for e in selection.funded), Decimal(0))
    approval = selection.approval
    return {"year": str(year), "count": str(len(rows)), "rows": rows, "total": yuan(total),
            "total_capital": capital(total) if total else "零元整",
            "approver": people_names.get(approval.approver, approval.approver) if approval else "",
            "approval_date": chinese_date(approval.date if approval else None),
            "approval_opinion": approval.opinion if approval else "",
            "status_line": approval.opinion if approval else "拟立项名单，待省科协党组审批"}


RESULTS = {status.ACCEPTED: "验收通过", status.FAILED: "验收不通过", status.REPORTED: "待验收",
           status.REPORT_RETURNED: "结题驳回", status.FUNDED: "未提交结题报告",
           status.IMPLEMENTING: "未提交结题报告"}


def acceptance_context(year: int, projects: Sequence[Project], program: Program) -> dict[str, Any]:
    """验收结果汇总: every funded project's acceptance score, grade, rates and result."""
    funded = [p for p in projects if p.status in RESULTS]
    rows = [{"no": str(i), "society_name": p.society_name,
             "project_name": str(p.raw.get("项目名称") or ""), "score": _score(p.scores.acceptance),
             "grade": p.scores.grade or "—", "goal_rate": percent(p.scores.goal_rate),
             "satisfaction": percent(p.scores.satisfaction), "result": RESULTS[p.status]}
            for i, p in enumerate(funded, 1)]
    grades = Counter(p.scores.grade for p in funded if p.scores.grade)
    parts = [f"{band.grade} {grades[band.grade]} 个" for band in program.bands]
    scored = sum(grades.values())
    dates = [s.date for p in funded for s in p.scores.acceptance_sheets]
    return {"year": str(year), "pass_line": f"{program.pass_line:g}", "rows": rows,
            "summary_line": f"共验收 {scored} 个项目：" + "、".join(parts),
            "date": chinese_date(max(dates) if dates else None)}


def spot_check_context(year: int, projects: Sequence[Project], check: SpotCheck,
                       funded_count: int) -> dict[str, Any]:
    """财务抽查: the public draw and what was found."""
    by_id = {p.society: p for p in projects}
    findings = {f.society: f for f in check.findings}
    rows = []
    for i, society in enumerate(check.drawn, 1):
        p = by_id.get(society)
        f = findings.get(society)
        amount = p.grant if p else None
        rows.append({"no": str(i), "society_name": p.society_name if p else society,
                     "project_name": str(p.raw.get("项目名称") or "") if p else "",
                     "amount": yuan(amount) if amount else "—",
                     "finding": f.issue if f else "未发现问题", "action": (f.action or "") if f else ""})
    return {"year": str(year), "funded_count": str(funded_count), "rate": f"{(check.rate * 100).normalize():f}%",
            "count": str(check.count), "seed": check.seed, "method": check.method,
            "date": chinese_date(check.date), "rows": rows,
            "note": "任何人可用上述种子按同一方法重新抽取，结果应与本表一致。"}


REGISTER_COLUMNS = ["年度", "学会", "学会名称", "项目名称", "申请资助类别", "项目形式", "申报资助金额",
                    "资助金额", "状态", "立项评分", "立项排名", "验收得分", "等级", "目标实现率", "群众满意率",
                    "财务抽查", "错误数"]


def register_rows(projects: Sequence[Project]) -> list[list[Any]]:
    """One row per project, numbers as numbers (so the office can sort and sum in Excel);
    rates as fractions (99.13% is 0.9913), shown as percentages by the cell format."""
    def num(v: Decimal | None) -> float | None:
        return None if v is None else float(v)

    def rate(v: Decimal | None) -> float | None:
        return None if v is None else float(v / 100)

    return [[p.year, p.society, p.society_name, str(p.raw.get("项目名称") or ""),
             str(p.raw.get("申请资助类别") or ""), str(p.raw.get("项目形式") or ""),
             num(p.applied()), num(p.grant), p.status, num(p.scores.panel),
             p.scores.rank, num(p.scores.acceptance), p.scores.grade or None,
             rate(p.scores.goal_rate), rate(p.scores.satisfaction),
             "是" if p.scores.spot_checked else "否", len(p.application.problems)]
            for p in projects]


FORMATS = {"申报资助金额": "#,##0", "资助金额": "#,##0", "立项评分": "0.00", "验收得分": "0.00",
           "目标实现率": "0.00%", "群众满意率": "0.00%"}


def set_print_layout(ws: Any, year: int, provenance: str) -> None:
    """A4 landscape, all columns on one page's width, the header row on every page, page
    numbers and the 数据版本 line in the footer, and a number format per column."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddHeader.center.text = f"{year}年度“党建强会计划”项目登记表"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if provenance:
        ws.oddFooter.left.text, ws.oddFooter.left.size = provenance, 6
    for index, name in enumerate(REGISTER_COLUMNS, 1):
        if name in FORMATS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = FORMATS[name]


def register_xlsx(rows: Sequence[Sequence[Any]], year: int, provenance: str = "") -> bytes:
    """登记表.xlsx: Chinese headers, frozen header row, filters, sensible widths, print-ready."""
    from datetime import datetime

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{year}年度项目登记表"
    ws.append(REGISTER_COLUMNS)
    for row in rows:
        ws.append(list(row))
    for cell in ws[1]:
        cell.font = Font(bold=True, name="黑体")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths = [6, 8, 20, 36, 12, 14, 12, 10, 10, 10, 8, 10, 8, 10, 10, 8, 6]
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    set_print_layout(ws, year, provenance)
    wb.properties.creator = "qianghui"
    wb.properties.created = wb.properties.modified = datetime(2000, 1, 1)
    out = io.BytesIO()
    wb.save(out)
    return _fixed_times(out.getvalue())


_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fixed_times(data: bytes) -> bytes:
    """openpyxl stamps the current time into docProps/core.xml: fix it, so exports repeat."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(info, content)
    return out.getvalue()
