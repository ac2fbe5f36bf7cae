"""Contexts of the official documents, built from validated models (pure, no I/O).

A context is plain JSON-able data (it is hashed into the cache key); a picture is the dict
``image(path, sha256, width_mm)``, which only ``pipeline.render`` turns into an embedded image.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core import scoring
from pipeline.core.rules import yuan
from pipeline.forms.files import locate
from schemas.application import Application
from schemas.completion import Completion
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
                        decision: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the 申报表 template shows; section 五 stays blank until there is a decision."""
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
        **approval_context(decision),
    }


def approval_context(decision: dict[str, Any] | None) -> dict[str, Any]:
    """Section 五 (省科协审批意见): filled from the admin's decision, else blank for handwriting."""
    if not decision:
        return {"approval_opinion": [], "approval_leader": "", "approval_date": BLANK_DATE}
    return {"approval_opinion": paragraphs(str(decision.get("opinion") or "")),
            "approval_leader": str(decision.get("leader") or ""),
            "approval_date": chinese_date(decision.get("date"))}


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def sheet_rows(rubric: Sequence[RubricItem], sheets: Sequence[ScoreSheet]) -> list[dict[str, str]]:
    """The seven 考核表 rows: one sheet's scores, or each indicator's mean over several sheets."""
    rows = []
    for i, item in enumerate(rubric, 1):
        scores = [s.scores[item.name] for s in sheets if item.name in s.scores]
        mean = (sum((x.score for x in scores), Decimal(0)) / len(scores)) if scores else None
        remark = scores[0].note or "" if len(sheets) == 1 and scores else ""
        rows.append({"no": str(i), "name": item.name, "max": f"{item.max:g}", "note": item.note,
                     "score": "" if mean is None else f"{mean:.2f}".removesuffix(".00"),
                     "remark": remark})
    return rows


def assessment_context(project: Project, program: Program, sheets: Sequence[ScoreSheet],
                       expert: str, day: date | None, method: str) -> dict[str, Any]:
    """考核表 of one expert (one sheet) or of the whole group (the sheets kept for the mean)."""
    s = project.scores
    total = scoring.mean([sh.total() for sh in sheets]) or Decimal(0)   # sheets already kept
    opinion = sheets[0].opinion if len(sheets) == 1 and sheets[0].opinion else ""
    return {"year": str(project.year), "society_name": project.society_name,
            "project_name": str(project.raw.get("项目名称") or ""), "expert": expert,
            "date": chinese_date(day) if day else BLANK_DATE,
            "rows": sheet_rows(program.acceptance_rubric, sheets),
            "total_max": f"{sum((i.max for i in program.acceptance_rubric), Decimal(0)):g}",
            "total": f"{total:.2f}", "grade": scoring.grade(total, program.bands),
            "opinion": paragraphs(opinion), "method": method,
            "goal_rate": percent(s.goal_rate), "satisfaction": percent(s.satisfaction),
            "approval_rate": percent(s.approval)}


def image(path: Path, sha256: str, width_mm: int) -> dict[str, Any]:
    """A picture in a context: its file, the hash of its bytes (so the cache key follows the
    file) and its printed width (the height keeps the aspect ratio)."""
    return {"path": str(path), "sha256": sha256, "width_mm": width_mm}


def photos(folder: Path, refs: Sequence[str], digests: Mapping[str, str]) -> list[dict[str, Any]]:
    """The activity photos: each reference (as typed, the caption) with its picture."""
    return [{"name": ref, "image": image(locate(folder, ref), digests.get(ref, ""), PHOTO_WIDTH_MM)}
            for ref in refs]


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
