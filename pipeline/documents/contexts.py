"""Contexts of the official documents, built from validated models (pure, no I/O).

A context is plain JSON-able data (it is hashed into the cache key); a picture is the dict
``image(path, sha256, width_mm)``, which only ``pipeline.documents.docx`` turns into an embedded image.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core import scoring
from pipeline.core.rules import yuan
from pipeline.forms.files import locate
from schemas.application import Application
from schemas.completion import Completion, Photo
from schemas.plan import ImplementationPlan
from schemas.program import Program, RubricItem
from schemas.sheets import ScoreSheet

if TYPE_CHECKING:
    from pipeline.core.projects import Project

BLANK_DATE = "　　年　　月　　日"
CHECKED, UNCHECKED = "☑", "□"
PHOTO_WIDTH_MM = 70     # two photos side by side in the 结题报告's 15 cm wide section


def capital(amount: Decimal) -> str:
    """Amounts in Chinese capitals as official forms write them: 20000 → 贰万元整."""
    import cn2an

    return str(cn2an.an2cn(str(amount), "rmb"))


def chinese_date(value: date | None) -> str:
    """2022-05-10 → 2022年5月10日 (blank form placeholder when None)."""
    return f"{value.year}年{value.month}月{value.day}日" if value else BLANK_DATE


def paragraphs(text: str) -> list[str]:
    """Split typed text into paragraphs at blank lines; single line breaks stay inside."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def application_context(app: Application, society_name: str,
                        approval: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the 申报表 template shows; section 五 stays blank until the approval."""
    return {
        "year": str(app.year), "society_name": society_name,
        "org_name": app.org_name, "founded": chinese_date(app.founded),
        "members": str(app.members), "secretary": app.secretary,
        "contact": app.contact, "phone": app.phone, "email": app.email,
        "box_position": CHECKED if app.category == "阵地建设" else UNCHECKED,
        "box_activity": CHECKED if app.category == "特色活动" else UNCHECKED,
        "form": app.subtype, "project_name": app.name,
        "amount": yuan(app.amount), "amount_capital": capital(app.amount),
        "theme": paragraphs(app.theme.theme), "effects": paragraphs(app.theme.effects),
        "goals": list(app.theme.goals),
        "significance": paragraphs(app.design.significance),
        "approach": paragraphs(app.design.approach),
        "measures": paragraphs(app.design.measures),
        "plan": [{"time": s.time, "content": s.content} for s in app.design.plan],
        "budget": [{"no": str(i), "item": line.item, "amount": yuan(line.amount),
                    "note": line.note or ""} for i, line in enumerate(app.budget, 1)],
        "budget_total": yuan(sum((b.amount for b in app.budget), Decimal(0))),
        "budget_total_capital": capital(sum((b.amount for b in app.budget), Decimal(0))),
        "society_opinion": paragraphs(app.opinion.opinion),
        "society_leader": app.opinion.leader, "society_date": chinese_date(app.opinion.date),
        **approval_context(approval),
    }


def approval_context(approval: dict[str, Any] | None) -> dict[str, Any]:
    """Section 五 (省科协审批意见): the 党组 approval of the list that funds the project (opinion,
    approver, date) and the grant; blank, to write by hand, until then."""
    if not approval:
        return {"approval_opinion": [], "approval_leader": "", "approval_date": BLANK_DATE,
                "approval_amount": "", "approval_capital": ""}
    grant = approval.get("amount")
    return {"approval_opinion": paragraphs(str(approval.get("opinion") or "")),
            "approval_leader": str(approval.get("leader") or ""),
            "approval_date": chinese_date(approval.get("date")),
            "approval_amount": yuan(grant) if grant else "",
            "approval_capital": capital(grant) if grant else ""}


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def points(value: Decimal) -> str:
    """A score as every 考核表 prints one: two decimals (13.50, 14.00)."""
    return f"{value.quantize(scoring.CENT, ROUND_HALF_UP):.2f}"


def sheet_rows(rubric: Sequence[RubricItem], sheets: Sequence[ScoreSheet]) -> list[dict[str, str]]:
    """The seven 考核表 rows: one sheet's scores, or each indicator's mean over several sheets
    (rounded as ``scoring.indicator_scores`` does, so the rows add up to the total)."""
    scores = scoring.indicator_scores(sheets, rubric)
    rows = []
    for i, item in enumerate(rubric, 1):
        typed = sheets[0].scores.get(item.name) if len(sheets) == 1 else None
        rows.append({"no": str(i), "name": item.name, "max": f"{item.max:g}", "note": item.note,
                     "score": points(scores[item.name]) if item.name in scores else "",
                     "remark": (typed.note or "") if typed else ""})
    return rows


SIGN_HERE = "＿" * 5     # a blank to sign on


def signature_lines(signers: Sequence[tuple[str, date | None]]) -> list[str]:
    """One blank to sign per person, two to a line, the latest date after the last."""
    blanks = [f"{name}（签字）：{SIGN_HERE}" for name, _ in signers]
    lines = ["　　".join(blanks[i:i + 2]) for i in range(0, len(blanks), 2)]
    days = [day for _, day in signers if day]
    if lines:
        lines[-1] += "　　" + chinese_date(max(days) if days else None)
    return lines


def assessment_context(project: Project, program: Program, sheets: Sequence[ScoreSheet],
                       signers: Sequence[tuple[str, date | None]], method: str) -> dict[str, Any]:
    """考核表 of one expert (one sheet) or of the whole group (the sheets kept for the mean);
    ``signers`` are the people who sign it, with the date beside each signature."""
    s = project.scores
    total = scoring.sheet_total(sheets, program.acceptance_rubric)
    opinion = sheets[0].opinion if len(sheets) == 1 and sheets[0].opinion else ""
    return {"year": str(project.year), "society_name": project.society_name,
            "project_name": str(project.raw.get("项目名称") or ""),
            "signatures": signature_lines(signers),
            "rows": sheet_rows(program.acceptance_rubric, sheets),
            "total_max": f"{sum((i.max for i in program.acceptance_rubric), Decimal(0)):g}",
            "total": points(total), "grade": scoring.grade(total, program.bands),
            "opinion": paragraphs(opinion), "method": method,
            "goal_rate": percent(s.goal_rate), "satisfaction": percent(s.satisfaction),
            "approval_rate": percent(s.approval)}


def image(path: Path, sha256: str, width_mm: int) -> dict[str, Any]:
    """A picture in a context: its file, the hash of its bytes (so the cache key follows the
    file) and its printed width (the height keeps the aspect ratio)."""
    return {"path": str(path), "sha256": sha256, "width_mm": width_mm}


def photos(folder: Path, items: Sequence[Photo],
           digests: Mapping[str, str]) -> list[dict[str, Any]]:
    """The activity photos: each with the caption typed (else its file's name) and its picture."""
    return [{"name": p.caption or Path(p.file.replace("\\", "/")).stem,
             "image": image(locate(folder, p.file), digests.get(p.file, ""), PHOTO_WIDTH_MM)}
            for p in items]


def report_context(project: Project, report: Completion, folder: Path,
                   digests: Mapping[str, str]) -> dict[str, Any]:
    """结题报告: the report as typed, with totals and the goal rate; ``folder`` is where the
    report's files are and ``digests`` the sha256 of each photo reference."""
    app = project.model
    amount = project.grant or (app.amount if app else Decimal(0))
    budget = sum((f.budget for f in report.finance), Decimal(0))
    actual = sum((f.actual for f in report.finance), Decimal(0))
    yes = {True: "是", False: "否"}
    return {"year": str(project.year), "society_name": project.society_name,
            "org_name": app.org_name if app else "", "project_name": app.name if app else "",
            "category": app.category if app else "", "form": app.subtype if app else "",
            "amount": yuan(amount), "amount_capital": capital(amount) if amount else "",
            "summary": paragraphs(report.summary),
            "activities": [{"date": chinese_date(a.date), "place": a.place, "name": a.name,
                            "attendees": str(a.attendees), "members": str(a.members)}
                           for a in report.activities],
            "goals": [{"goal": g.goal, "done": g.done, "note": g.note or ""} for g in report.goals],
            "goal_rate": percent(scoring.goal_rate(report)),
            "news": [{"platform": n.platform, "title": n.title, "link": str(n.link),
                      "date": chinese_date(n.date)} for n in report.news],
            "flag": yes[report.elements.flag], "badge": yes[report.elements.badge],
            "logo": yes[report.elements.logo],
            "photos": photos(folder, report.photos, digests),
            "finance": [{"item": f.item, "budget": yuan(f.budget), "actual": yuan(f.actual),
                         "note": f.note or ""} for f in report.finance],
            "budget_total": yuan(budget), "actual_total": yuan(actual),
            "actual_capital": capital(actual) if actual else "零元整"}


def plan_context(plan: ImplementationPlan, society_name: str, project_name: str) -> dict[str, Any]:
    """Everything the 实施方案 template shows."""
    return {"year": str(plan.year), "society_name": society_name, "project_name": project_name,
            "first": {"name": plan.first.name, "post": plan.first.post},
            "direct": {"name": plan.direct.name, "post": plan.direct.post},
            "rows": [{"no": str(i), "date": chinese_date(a.date), "place": a.place,
                      "content": a.content, "expected": str(a.expected), "elements": a.elements}
                     for i, a in enumerate(plan.activities, 1)],
            "date": chinese_date(None)}
