"""What one project's files say, gathered into the status machine's Facts in one place.

The working tree (`projects`) and the history walk (`snapshot.Tree`) read their files in
different ways — validated files on disk, blobs at a point of the history — but both hand the
same `ProjectFiles` to `facts_of`, so a project's status is derived one way for both: with its
acceptance scores, its eligibility and the closing of its year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.core import scoring, status
from schemas.decision import Decision, Selection
from schemas.decision import Verdict as DecisionVerdict
from schemas.program import Program
from schemas.registry import Society
from schemas.sheets import ScoreSheet

# A project of an earlier year that ended in one of these never passed acceptance.
UNFINISHED = (status.FUNDED, status.IMPLEMENTING, status.REPORTED, status.REPORT_RETURNED, status.FAILED)


@dataclass(frozen=True)
class Earlier:
    """A project of the same society in an earlier year of this repository."""

    year: int
    name: str
    status: str


@dataclass(frozen=True)
class ProjectFiles:
    """The files that decide one project's status, already read."""

    year: int
    society: str
    application: Mapping[str, Any] | None
    application_sha: str = ""
    decision: Decision | None = None
    selection: Selection | None = None
    report: Mapping[str, Any] | None = None
    report_sha: str = ""
    plan: Mapping[str, Any] | None = None      # plan.yaml (实施方案)
    acceptance: Sequence[ScoreSheet] = ()      # the sheets that pass their checks
    program: Program | None = None
    registered: Society | None = None          # the registry entry
    earlier: Sequence[Earlier] = field(default_factory=tuple)


def facts_of(files: ProjectFiles) -> status.Facts:
    """The status machine's input for one project."""
    app = files.application or {}
    decision, program = files.decision, files.program
    selection = files.selection
    funded = ({e.society for e in selection.funded}
              if selection is not None and selection.approval is not None else set())
    trim = program.trim_at if program else 5
    report = files.report
    return status.Facts(
        form_state=str(app.get("状态") or status.DRAFT), sha256=files.application_sha,
        review=_verdict(decision.application if decision else None),
        selected=files.society in funded, round_closed=bool(program and program.closed),
        report_state=str(report.get("状态") or status.DRAFT) if report is not None else None,
        report_sha256=files.report_sha,
        report_review=_verdict(decision.completion if decision else None),
        acceptance=scoring.acceptance_score(files.acceptance,
                                            program.acceptance_rubric if program else [], trim),
        pass_line=program.pass_line if program else status.Facts.pass_line,
        ineligible=tuple(ineligibility(files.year, files.registered, files.earlier)),
        plan_state=str(files.plan.get("状态") or status.DRAFT) if files.plan is not None else None)


def _verdict(v: DecisionVerdict | None) -> status.Verdict | None:
    return status.Verdict(v.outcome, v.version) if v else None


def ineligibility(year: int, society: Society | None, earlier: Iterable[Earlier]) -> list[str]:
    """Why a society may not be funded in `year` (empty when it may): a failed 年检 in either of
    the two previous years, or an earlier project — in the registry's records from before this
    repository, or in this repository's own history — that did not end 验收通过."""
    reasons = []
    name = society.name if society else ""
    if society is not None:
        reasons += [f"{name} {y} 年年检{society.inspections[y]}：近两年年检不合格的学会不予资助"
                    for y in (year - 2, year - 1) if society.inspections.get(y) == "不合格"]
        reasons += [f"{name}往年项目「{p.name}」（{p.year} 年度）尚未验收通过：不予资助"
                    for p in society.past if p.year < year and not p.accepted]
    reasons += [f"{name or '该学会'}{p.year} 年度项目「{p.name}」为“{p.status}”，未验收通过：不予资助"
                for p in earlier if p.year < year and p.status in UNFINISHED]
    return reasons


def missing_inspections(year: int, society: Society | None) -> list[int]:
    """The years whose 年检 result the eligibility rule needs but the registry does not hold."""
    if society is None:
        return []
    return [y for y in (year - 2, year - 1) if y not in society.inspections]


def project_name(application: Mapping[str, Any] | None) -> str:
    name = (application or {}).get("项目名称")
    return str(name) if name else "（未填写项目名称）"
