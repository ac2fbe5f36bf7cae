"""Projects of a round: one per application, with its derived status (pure over loaded files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline import layout, status
from pipeline.errors import Problem
from pipeline.validate import Config, FileResult, ValidationResult
from schemas.application import Application
from schemas.decision import Decision, Selection, Verdict


@dataclass
class Project:
    """Everything the list, the documents and status.json need about one project."""

    year: int
    society: str
    society_name: str
    application: FileResult
    status: str
    violations: tuple[str, ...] = ()
    documents: list[str] = field(default_factory=list)
    decision: Decision | None = None

    @property
    def model(self) -> Application | None:
        model = self.application.model
        return model if isinstance(model, Application) else None

    @property
    def raw(self) -> dict[str, Any]:
        data = self.application.data
        return data if isinstance(data, dict) else {}

    @property
    def problem_count(self) -> int:
        return len(self.application.problems)

    def amount(self) -> Decimal | None:
        return self.model.amount if self.model else None

    def row(self) -> dict[str, Any]:
        """The project as a flat row for tables, CSV and JSON."""
        raw = self.raw
        return {"年度": self.year, "学会": self.society, "学会名称": self.society_name,
                "项目名称": raw.get("项目名称") or "", "类别": raw.get("申请资助类别") or "",
                "项目形式": raw.get("项目形式") or "", "金额": raw.get("申报资助金额") or "",
                "状态": self.status, "错误": self.problem_count or "",
                "文档": "、".join(self.documents)}


COLUMNS = ["年度", "学会", "学会名称", "项目名称", "类别", "项目形式", "金额", "状态", "错误"]


def build_projects(result: ValidationResult, config: Config) -> list[Project]:
    """One Project per application file in the validation result, status derived."""
    index = Index.of(result)
    projects = []
    for fr in result.files:
        kind = layout.classify(fr.path)
        if fr.kind != layout.APPLICATION or kind is None or not kind.year or not kind.society:
            continue
        projects.append(make_project(kind.year, kind.society, fr, index, config))
    return projects


@dataclass
class Index:
    """The review-side files of a validation result, by project and by year."""

    decisions: dict[tuple[int, str], FileResult] = field(default_factory=dict)
    completions: dict[tuple[int, str], FileResult] = field(default_factory=dict)
    selections: dict[int, FileResult] = field(default_factory=dict)

    @classmethod
    def of(cls, result: ValidationResult) -> Index:
        index = cls()
        for fr in result.files:
            kind = layout.classify(fr.path)
            if kind is None or kind.year is None:
                continue
            if fr.kind == layout.SELECTION:
                index.selections[kind.year] = fr
            elif kind.society and fr.kind == layout.DECISION:
                index.decisions[(kind.year, kind.society)] = fr
            elif kind.society and fr.kind == layout.COMPLETION:
                index.completions[(kind.year, kind.society)] = fr
        return index

    def funded(self, year: int) -> set[str]:
        """Societies in the year's selection once it carries the 审批."""
        fr = self.selections.get(year)
        model = fr.model if fr else None
        if not isinstance(model, Selection) or model.approval is None:
            return set()
        return {entry.society for entry in model.funded}


def _verdict(v: Verdict | None) -> status.Verdict | None:
    return status.Verdict(v.outcome, v.version) if v else None


def facts_for(year: int, society: str, fr: FileResult, index: Index,
              config: Config) -> status.Facts:
    """What the files of one project say, for the status machine."""
    data = fr.data if isinstance(fr.data, dict) else {}
    decision = index.decisions.get((year, society))
    verdicts = decision.model if decision and isinstance(decision.model, Decision) else None
    report = index.completions.get((year, society))
    report_data = report.data if report and isinstance(report.data, dict) else None
    program = config.programs.get(year)
    return status.Facts(
        form_state=str(data.get("状态") or status.DRAFT), sha256=fr.sha256,
        review=_verdict(verdicts.application if verdicts else None),
        selected=society in index.funded(year),
        round_closed=bool(program and program.closed),
        report_state=str(report_data.get("状态") or status.DRAFT) if report_data is not None else None,
        report_sha256=report.sha256 if report else "",
        report_review=_verdict(verdicts.completion if verdicts else None),
        pass_line=program.pass_line if program else status.Facts.pass_line)


def make_project(year: int, society: str, fr: FileResult, index: Index,
                 config: Config) -> Project:
    """Derive the status; a contradiction in the files becomes a problem of the application."""
    outcome = status.derive(facts_for(year, society, fr, index, config))
    decision_file = index.decisions.get((year, society))
    decision = decision_file.model if decision_file else None
    for message in outcome.violations:
        line, column = fr.doc.locate(("状态",)) if fr.doc else (0, 0)
        fr.problems.append(Problem(fr.path, line, column, "状态", "status-violation", message))
    entry = config.registry.get(society) if config.registry else None
    return Project(year, society, entry.name if entry else society, fr, outcome.status,
                   outcome.violations,
                   decision=decision if isinstance(decision, Decision) else None)
