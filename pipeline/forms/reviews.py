"""Validators of the review-side files and the completion report.

decision.yaml, selection.yaml, panel and acceptance score sheets, survey.yaml, spot-check.yaml
and completion.yaml — each checked on its own and against the application it belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipeline.core import layout, scoring
from pipeline.core.facts import ineligibility
from pipeline.core.layout import FileKind, Layout
from pipeline.core.rules import (
    Rule,
    apply,
    check_finance,
    check_goals,
    check_identity,
    yuan,
)
from pipeline.errors import Finding
from pipeline.forms import files
from pipeline.forms.blanks import REPORT_EXAMPLES
from pipeline.forms.loading import Config, FileResult, load_form
from pipeline.forms.plan import report_against_plan, reported_plan
from pipeline.forms.scaffold import examples_left
from schemas.application import Application
from schemas.completion import Completion
from schemas.decision import Decision, Selection
from schemas.program import Program
from schemas.registry import Person
from schemas.sheets import ScoreSheet, SpotCheck, Survey


def validate_decision(lay: Layout, path: Path, kind: FileKind, config: Config,
                      today: date) -> FileResult:
    """decision.yaml: each stage's 审核人 is an enabled administrator; the project exists."""
    result, _ = load_form(path, lay.rel(path), layout.DECISION, Decision)
    decision = result.model
    if not isinstance(decision, Decision):
        return result
    assert kind.year is not None and kind.society is not None
    findings = []
    if not lay.application(kind.year, kind.society).exists():
        findings.append(Finding((), "decision-orphan",
                                f"{kind.year} 年度没有学会「{kind.society}」的申报表，不能对它作出审核决定"))
    for key, verdict in (("申报", decision.application), ("结题", decision.completion)):
        if verdict is not None:
            findings += check_admin(config, verdict.reviewer, (key, "审核人"))
    result.add(findings)
    return result


def check_admin(config: Config, person_id: str, loc: tuple[str | int, ...]) -> list[Finding]:
    """The person named is an enabled 管理员 in config/people.yaml."""
    if config.people is None:
        return []
    person = config.people.by_id(person_id)
    if person is None or person.role != "管理员" or not person.enabled:
        return [Finding(loc, "not-admin", f"「{person_id}」不是已启用的管理员（config/people.yaml）")]
    return []


def validate_selection(lay: Layout, path: Path, kind: FileKind, config: Config,
                       today: date) -> FileResult:
    """selection.yaml: within the quota and amount, no duplicates, eligible applicants only."""
    result, _ = load_form(path, lay.rel(path), layout.SELECTION, Selection)
    config.loaded[result.path] = result              # the spot check reads it next
    selection = result.model
    if not isinstance(selection, Selection) or kind.year is None:
        return result
    program = config.programs.get(kind.year)
    findings = check_selection(selection, kind.year, program, config,
                               lambda s: lay.application(kind.year or 0, s).exists())
    if selection.approval is not None:
        findings += check_admin(config, selection.approval.approver, ("审批", "审批人"))
    result.add(findings)
    return result


def check_selection(selection: Selection, year: int, program: Program | None, config: Config,
                    applied: Callable[[str], bool]) -> list[Finding]:
    """Every funded society applied, is registered and eligible, once; quota and amount kept."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for i, entry in enumerate(selection.funded):
        loc: tuple[str | int, ...] = ("立项", i, "学会")
        if entry.society in seen:
            findings.append(Finding(loc, "selection-duplicate", f"学会「{entry.society}」重复列入"))
        seen.add(entry.society)
        if not applied(entry.society):
            findings.append(Finding(loc, "selection-no-application",
                                    f"学会「{entry.society}」没有 {year} 年度的申报表"))
        society = config.registry.get(entry.society) if config.registry else None
        if society is not None:
            findings += [Finding(loc, "ineligible", r) for r in ineligibility(year, society, ())]
        if program is not None and entry.amount > program.amount:
            findings.append(Finding(("立项", i, "资助金额"), "amount-over",
                                    f"资助金额超过每个项目的上限 {yuan(program.amount)} 元"))
    if program is not None and len(selection.funded) > program.quota:
        findings.append(Finding(("立项",), "over-quota",
                                f"立项 {len(selection.funded)} 个，超过资助数量 {program.quota} 个"))
    return findings


def loaded(lay: Layout, path: Path, kind: str, model: type, config: Config) -> FileResult:
    """A form read once per run (cached in config.loaded), e.g. the application of a report."""
    rel = lay.rel(path)
    if rel not in config.loaded:
        config.loaded[rel], _ = load_form(path, rel, kind, model)
    return config.loaded[rel]


def application_of(lay: Layout, year: int, society: str, config: Config) -> Application | None:
    path = lay.application(year, society)
    if not path.exists():
        return None
    model = loaded(lay, path, layout.APPLICATION, Application, config).model
    return model if isinstance(model, Application) else None


def grant_of(lay: Layout, year: int, society: str, config: Config, app: Application) -> Decimal:
    """The amount funded: the approved selection's 资助金额, else what was applied for."""
    path = lay.selection(year)
    selection = loaded(lay, path, layout.SELECTION, Selection, config).model if path.exists() else None
    if isinstance(selection, Selection):
        for entry in selection.funded:
            if entry.society == society:
                return entry.amount
    return app.amount


def validate_completion(lay: Layout, path: Path, kind: FileKind, config: Config,
                        today: date) -> FileResult:
    """结题报告: its own shape, then goals and finance against the application on what parsed
    (hints while a draft) and, once submitted, the photos (the status machine separately
    refuses a report for a project not 已立项)."""
    result, doc = load_form(path, lay.rel(path), layout.COMPLETION, Completion)
    if doc is None or not isinstance(doc.data, dict) or not kind.year or not kind.society:
        return result
    findings = check_identity(doc.data.get("年度"), doc.data.get("学会"), folder_year=kind.year,
                              folder_society=kind.society, registry=config.registry)
    report, partial = result.parsed, result.model is None
    state = getattr(report, "state", None)
    app = application_of(lay, kind.year, kind.society, config)
    if isinstance(report, Completion) and state is not None and app is not None:
        grant = grant_of(lay, kind.year, kind.society, config, app)
        rules: list[Rule] = [lambda: check_goals(report, app), lambda: check_finance(report, app, grant)]
        plan = reported_plan(lay, kind.year, kind.society, config)
        if plan is not None:
            result.add(report_against_plan(report, plan), warning=True)
        if state == "草稿":          # hints while drafting, never failing
            result.add(apply(rules, partial=True), warning=True)
        else:
            rules.append(lambda: report_files(path.parent, report))
            findings += apply(rules, partial=partial) + examples_left(doc, REPORT_EXAMPLES)
    result.add(findings)
    return result


def report_files(folder: Path, report: Completion) -> list[Finding]:
    """Activity photos (jpg/png ≤ 3 MB each, by content) and the optional attachment."""
    found = []
    for i, photo in enumerate(report.photos):
        message = files.check_reference(folder, photo.file, files.IMAGE)
        if message:
            found.append(Finding(("活动照片", i), "file-invalid", message))
    if report.attachment:
        message = files.check_reference(folder, report.attachment, files.ATTACHMENT)
        if message:
            found.append(Finding(("附件",), "file-invalid", message))
    return found


def validate_sheet(lay: Layout, path: Path, kind: FileKind, config: Config,
                   today: date) -> FileResult:
    """A panel or acceptance score sheet: rubric, maxima, the expert, conflict of interest."""
    result, _ = load_form(path, lay.rel(path), kind.kind, ScoreSheet)
    sheet = result.parsed
    if not isinstance(sheet, ScoreSheet) or not kind.year or not kind.society or not kind.expert:
        return result
    findings = sheet_findings(sheet, kind.kind, kind.expert, kind.society,
                              config.programs.get(kind.year), config.person,
                              config.people is not None, partial=result.model is None)
    if not lay.application(kind.year, kind.society).exists():
        findings.append(Finding((), "sheet-orphan", f"学会「{kind.society}」没有 {kind.year} 年度的申报表"))
    result.add(findings)
    return result


def sheet_findings(sheet: ScoreSheet, kind: str, expert: str, society: str,
                   program: Program | None, person_of: Callable[[str], Person | None],
                   people_known: bool, *, partial: bool = False) -> list[Finding]:
    """What is wrong with a sheet against its year's rubric and its expert (the history walk
    asks the same question to count exactly the sheets the working tree counts)."""
    if program is None:
        return []
    rubric = program.panel_rubric if kind == layout.PANEL else program.acceptance_rubric
    return apply([lambda: scoring.check_expert(sheet, expert, person_of(sheet.expert), society,
                                               people_known),
                  lambda: scoring.check_scores(sheet, rubric)], partial=partial)


def validate_survey(lay: Layout, path: Path, kind: FileKind, config: Config,
                    today: date) -> FileResult:
    """问卷调查 and 民主测评 counts that add up."""
    result, _ = load_form(path, lay.rel(path), layout.SURVEY, Survey)
    if isinstance(result.model, Survey):
        result.add(scoring.check_survey(result.model))
    return result


def validate_spot_check(lay: Layout, path: Path, kind: FileKind, config: Config,
                        today: date) -> FileResult:
    """The spot check names funded projects, as many as the rate demands, as the seed draws."""
    result, _ = load_form(path, lay.rel(path), layout.SPOT_CHECK, SpotCheck)
    check = result.model
    selection_path = lay.selection(kind.year or 0)
    selection = (loaded(lay, selection_path, layout.SELECTION, Selection, config).model
                 if selection_path.exists() else None)
    if not isinstance(check, SpotCheck):
        return result
    if not isinstance(selection, Selection) or selection.approval is None:
        result.add([Finding((), "spot-check-early", "立项名单尚未审批，不能抽查")])
        return result
    result.add(check_draw(check, [e.society for e in selection.funded]))
    return result


def check_draw(check: SpotCheck, funded: list[str]) -> list[Finding]:
    """Anyone can redo the draw from the seed: the file must agree with it."""
    count = scoring.draw_count(check.rate, len(funded))
    expected = scoring.draw(check.seed, funded, count)
    if check.count != count or sorted(check.drawn) != expected:
        return [Finding(("抽中",), "spot-check-mismatch",
                        f"按种子重新抽取应为：{'、'.join(expected)}（{count} 个），与文件不一致")]
    return []

