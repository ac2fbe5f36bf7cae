"""Projects of a round: one per application, with its derived status (pure over loaded files).

Long because a project is read from every kind of file: the Project record, the Index of the
review-side files, the scores and the status facts stay together so one read serves all three.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline.core import facts, kinds, layout, scoring, status
from pipeline.errors import Problem
from pipeline.forms.loading import Config, FileResult
from pipeline.forms.validate import ValidationResult
from schemas.application import Application
from schemas.completion import Completion
from schemas.decision import Decision, Selection
from schemas.program import Program
from schemas.sheets import ScoreSheet, SpotCheck, Survey


@dataclass
class Scores:
    """The numbers of one project: panel and acceptance scores, grade, rates, rank, spot check."""

    panel: Decimal | None = None
    panel_sheets: list[ScoreSheet] = field(default_factory=list)
    acceptance: Decimal | None = None
    acceptance_sheets: list[ScoreSheet] = field(default_factory=list)
    grade: str = ""
    goal_rate: Decimal | None = None
    satisfaction: Decimal | None = None
    approval: Decimal | None = None
    rank: int | None = None
    spot_checked: bool = False


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
    scores: Scores = field(default_factory=Scores)
    report: Completion | None = None
    survey: Survey | None = None
    grant: Decimal | None = None          # 资助金额 in the approved selection
    ineligible: tuple[str, ...] = ()      # why the society may not be funded this year

    def applied(self) -> Decimal | None:
        """申报资助金额: from the valid model, else as typed (a draft may be incomplete)."""
        if self.model is not None:
            return self.model.amount
        try:
            return Decimal(str(self.raw.get("申报资助金额")))
        except (ArithmeticError, ValueError):
            return None

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
                "状态": self.status, "立项评分": _num(self.scores.panel),
                "排名": self.scores.rank or "", "验收得分": _num(self.scores.acceptance),
                "等级": self.scores.grade, "错误": self.problem_count or "",
                "不符合条件原因": "；".join(self.ineligible),
                "文档": "、".join(self.documents)}


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


COLUMNS = ["年度", "学会", "学会名称", "项目名称", "类别", "项目形式", "金额", "状态", "立项评分",
           "排名", "验收得分", "等级", "错误"]


def build_projects(result: ValidationResult, config: Config) -> list[Project]:
    """One Project per application file in the validation result, status derived — year by
    year, since a society's eligibility depends on how its earlier projects ended."""
    index = Index.of(result)
    found: list[tuple[int, str, FileResult]] = []
    for fr in result.files:
        kind = layout.classify(fr.path)
        if fr.kind == layout.APPLICATION and kind is not None and kind.year and kind.society:
            found.append((kind.year, kind.society, fr))
    done: dict[str, list[facts.Earlier]] = {}
    projects: dict[int, Project] = {}
    for position, (year, society, fr) in sorted(enumerate(found), key=lambda e: e[1][0]):
        project = make_project(year, society, fr, index, config, done.get(society, ()))
        done.setdefault(society, []).append(
            facts.Earlier(year, facts.project_name(project.raw), project.status))
        projects[position] = project
    return [projects[i] for i in range(len(found))]


@dataclass
class Index:
    """The review-side files of a validation result, filed as the table of kinds says: one per
    project, one per expert and project (sheets), one per year."""

    by_project: dict[str, dict[tuple[int, str], FileResult]] = field(default_factory=dict)
    by_sheet: dict[str, dict[tuple[int, str], list[FileResult]]] = field(default_factory=dict)
    by_year: dict[str, dict[int, FileResult]] = field(default_factory=dict)

    @classmethod
    def of(cls, result: ValidationResult) -> Index:
        index = cls()
        for fr in result.files:
            spec = kinds.BY_NAME.get(fr.kind)
            if spec is None or not spec.per or fr.kind == layout.APPLICATION:
                continue
            kind = layout.classify(fr.path)
            if kind is None or kind.year is None:
                continue
            key = (kind.year, kind.society or "")
            if spec.per == "year":
                index.by_year.setdefault(fr.kind, {})[kind.year] = fr
            elif spec.per == "sheets":
                index.by_sheet.setdefault(fr.kind, {}).setdefault(key, []).append(fr)
            else:
                index.by_project.setdefault(fr.kind, {})[key] = fr
        return index

    def one(self, kind: str, key: tuple[int, str]) -> FileResult | None:
        return self.by_project.get(kind, {}).get(key)

    def sheets(self, kind: str, key: tuple[int, str]) -> list[FileResult]:
        return self.by_sheet.get(kind, {}).get(key, [])

    @property
    def selections(self) -> dict[int, FileResult]:
        return self.by_year.get(layout.SELECTION, {})

    @property
    def spot_checks(self) -> dict[int, FileResult]:
        return self.by_year.get(layout.SPOT_CHECK, {})

    def spot_checked(self, year: int) -> set[str]:
        fr = self.spot_checks.get(year)
        return set(fr.model.drawn) if fr and isinstance(fr.model, SpotCheck) else set()

    def ranking(self, year: int) -> dict[str, int]:
        """Position of each society in the year's selection list (proposed or approved)."""
        fr = self.selections.get(year)
        if not fr or not isinstance(fr.model, Selection):
            return {}
        return {e.society: i for i, e in enumerate(fr.model.funded, 1)}

    def grant(self, year: int, society: str) -> Decimal | None:
        fr = self.selections.get(year)
        model = fr.model if fr else None
        if not isinstance(model, Selection) or model.approval is None:
            return None
        return next((e.amount for e in model.funded if e.society == society), None)

    def funded(self, year: int) -> set[str]:
        """Societies in the year's selection once it carries the 审批."""
        fr = self.selections.get(year)
        model = fr.model if fr else None
        if not isinstance(model, Selection) or model.approval is None:
            return set()
        return {entry.society for entry in model.funded}


def valid_sheets(results: list[FileResult]) -> list[ScoreSheet]:
    """Score sheets that passed validation (a broken sheet never counts)."""
    return [r.model for r in results if isinstance(r.model, ScoreSheet) and not r.problems]


def _valid(fr: FileResult | None, model: type) -> Any:
    return fr.model if fr and isinstance(fr.model, model) and not fr.problems else None


def score_project(year: int, society: str, index: Index, program: Program | None) -> Scores:
    """Aggregate the project's sheets and reports into its numbers."""
    key = (year, society)
    trim = program.trim_at if program else 5
    rubric = program.acceptance_rubric if program else []
    panel = valid_sheets(index.sheets(layout.PANEL, key))
    accepted = valid_sheets(index.sheets(layout.ACCEPTANCE, key))
    report: Completion | None = _valid(index.one(layout.COMPLETION, key), Completion)
    survey: Survey | None = _valid(index.one(layout.SURVEY, key), Survey)
    scores = Scores(panel=scoring.combine([s.total() for s in panel], trim), panel_sheets=panel,
                    acceptance=scoring.acceptance_score(accepted, rubric, trim),
                    acceptance_sheets=accepted, rank=index.ranking(year).get(society),
                    spot_checked=society in index.spot_checked(year))
    if scores.acceptance is not None and program is not None:
        scores.grade = scoring.grade(scores.acceptance, program.bands)
    if report is not None:
        scores.goal_rate = scoring.goal_rate(report)
    if survey is not None:
        scores.satisfaction = scoring.satisfaction(survey)
        scores.approval = scoring.approval_rate(survey)
    return scores


def project_files(year: int, society: str, fr: FileResult, index: Index, config: Config,
                  earlier: Sequence[facts.Earlier] = ()) -> facts.ProjectFiles:
    """The files that decide one project's status, from the validation result."""
    key = (year, society)
    decision = index.one(layout.DECISION, key)
    report = index.one(layout.COMPLETION, key)
    plan = index.one(kinds.PLAN, key)
    selection = index.selections.get(year)
    return facts.ProjectFiles(
        year, society, fr.data if isinstance(fr.data, dict) else {}, fr.sha256,
        decision=decision.model if decision and isinstance(decision.model, Decision) else None,
        selection=selection.model if selection and isinstance(selection.model, Selection) else None,
        report=report.data if report and isinstance(report.data, dict) else None,
        report_sha=report.sha256 if report else "",
        plan=plan.data if plan and isinstance(plan.data, dict) else None,
        acceptance=valid_sheets(index.sheets(layout.ACCEPTANCE, key)),
        program=config.programs.get(year),
        registered=config.registry.get(society) if config.registry else None,
        earlier=tuple(earlier))


def make_project(year: int, society: str, fr: FileResult, index: Index,
                 config: Config, earlier: Sequence[facts.Earlier] = ()) -> Project:
    """Derive the status; a contradiction in the files becomes a problem of the application."""
    scores = score_project(year, society, index, config.programs.get(year))
    files = project_files(year, society, fr, index, config, earlier)
    the_facts = facts.facts_of(files)
    outcome = status.derive(the_facts)
    decision_file = index.one(layout.DECISION, (year, society))
    decision = decision_file.model if decision_file else None
    messages = list(outcome.violations)
    if the_facts.form_state != status.DRAFT:
        messages += [f"config/societies.yaml 中缺少{files.registered.name if files.registered else society}"
                     f" {y} 年的年检结果：判断 {year} 年度申报资格需要 {year - 2}、{year - 1} 两年的年检记录，"
                     "请管理员补录" for y in facts.missing_inspections(year, files.registered)]
    for message in messages:
        line, column = fr.doc.locate(("状态",)) if fr.doc else (0, 0)
        code = "status-violation" if message in outcome.violations else "inspection-missing"
        fr.problems.append(Problem(fr.path, line, column, "状态", code, message))
    plan_too_early(index.one(kinds.PLAN, (year, society)), outcome.status)
    entry = files.registered
    key = (year, society)
    return Project(year, society, entry.name if entry else society, fr, outcome.status,
                   outcome.violations,
                   decision=decision if isinstance(decision, Decision) else None,
                   scores=scores,
                   report=_valid(index.one(layout.COMPLETION, key), Completion),
                   survey=_valid(index.one(layout.SURVEY, key), Survey),
                   grant=index.grant(year, society), ineligible=the_facts.ineligible)


def plan_too_early(plan: FileResult | None, state: str) -> None:
    """A 实施方案 is reported after 立项: one submitted before is a problem of the plan."""
    data = plan.data if plan is not None else None
    if plan is None or not isinstance(data, dict) or data.get("状态") != "已提交":
        return
    if state in (*status.REPORTABLE, *status.FINAL):
        return
    line, column = plan.doc.locate(("状态",)) if plan.doc else (0, 0)
    plan.problems.append(Problem(plan.path, line, column, "状态", "plan-before-funding",
                                 f"项目状态为“{state}”：实施方案在立项后上报（请先保存为“草稿”）"))
