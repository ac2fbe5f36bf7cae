"""The validator of 实施方案 (plan.yaml), and the check of a 结题报告 against the plan reported.

Errors: the form's shape, 年度/学会 against its folder, an activity dated outside the project's
year (a hint while the plan is a draft). A report's activity on a date the plan did not name is a warning: plans change, and the
report explains why (项目实施情况); the office reads the warning, nothing is refused.
Whether a plan may be reported at all (only once 已立项) is the status's to say: see
core.projects (the working tree) and history.check (who changed it when).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.core.layout import FileKind, Layout
from pipeline.core.rules import check_identity
from pipeline.errors import Finding
from pipeline.forms.loading import Config, FileResult, load_form, loaded
from schemas.completion import Completion
from schemas.plan import ImplementationPlan

KIND = "plan"


def validate_plan(lay: Layout, path: Path, kind: FileKind, config: Config,
                  today: date) -> FileResult:
    result, doc = load_form(path, lay.rel(path), KIND, ImplementationPlan)
    if doc is None or not isinstance(doc.data, dict) or not kind.year or not kind.society:
        return result
    findings = check_identity(doc.data.get("年度"), doc.data.get("学会"), folder_year=kind.year,
                              folder_society=kind.society, registry=config.registry)
    draft = doc.data.get("状态") == "草稿"           # a draft's rule findings are hints
    result.add(findings)
    result.add(outside_year(doc.data, kind.year), warning=draft)
    return result


def outside_year(data: dict[str, object], year: int) -> list[Finding]:
    """Activities dated outside the project's year, read from the form as typed (a draft's
    activities are not models yet)."""
    activities = data.get("活动安排")
    found = []
    for i, activity in enumerate(activities if isinstance(activities, list) else []):
        typed = activity.get("日期") if isinstance(activity, dict) else None
        try:
            day = date.fromisoformat(str(typed)) if typed else None
        except ValueError:
            day = None                   # not a date: the model says so, in Chinese
        if day is not None and day.year != year:
            found.append(Finding(("活动安排", i, "日期"), "plan-outside-year",
                                 f"活动日期 {day.isoformat()} 不在 {year} 年度内：实施方案的活动须在项目年度内开展"))
    return found


def reported_plan(lay: Layout, year: int, society: str, config: Config) -> ImplementationPlan | None:
    """The project's plan, once reported (状态: 已提交) and valid."""
    path = lay.submission_dir(year, society) / "plan.yaml"
    if not path.exists():
        return None
    result = loaded(lay, path, KIND, ImplementationPlan, config)
    plan = result.model
    return plan if isinstance(plan, ImplementationPlan) and plan.state == "已提交" else None


def report_against_plan(report: Completion, plan: ImplementationPlan) -> list[Finding]:
    """Warnings: each activity of the report on a date the plan did not name."""
    planned = {a.date for a in plan.activities}
    return [Finding(("活动记录", i, "日期"), "report-not-in-plan",
                    f"{a.date.isoformat()} 的活动「{a.name}」不在实施方案中：请在“项目实施情况”中说明调整的原因")
            for i, a in enumerate(report.activities) if a.date not in planned]
