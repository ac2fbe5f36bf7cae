"""Contexts of the official documents, built from validated models (pure, no I/O)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pipeline.rules import yuan
from schemas.application import Application

BLANK_DATE = "　　年　　月　　日"
CHECKED, UNCHECKED = "☑", "□"


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
