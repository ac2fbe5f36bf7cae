"""立项名单 (reviews/<年度>/selection.yaml): the funded societies against the quota, the amounts and
the applications: each funded one registered, eligible, listed once, its application submitted and
not rejected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pipeline.core import layout, status
from pipeline.core.facts import ineligibility
from pipeline.core.layout import FileKind, Layout
from pipeline.core.rules import yuan
from pipeline.errors import Finding
from pipeline.forms.decision import check_admin
from pipeline.forms.loading import Config, FileResult, load_form, loaded
from schemas.application import Application
from schemas.decision import Decision, Selection
from schemas.program import Program


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
                               standing(lay, kind.year, config))
    if selection.approval is not None:
        findings += check_admin(config, selection.approval.approver, ("审批", "审批人"))
    result.add(findings)
    return result


def standing(lay: Layout, year: int, config: Config) -> Callable[[str], tuple[str, str] | None]:
    """Why a society's application of `year` cannot be funded (None when it can): there is
    none, it is still a draft, or its current version was rejected (驳回) in decision.yaml."""
    def refusal(society: str) -> tuple[str, str] | None:
        path = lay.application(year, society)
        if not path.is_file():
            return "selection-no-application", f"学会「{society}」没有 {year} 年度的申报表"
        application = loaded(lay, path, layout.APPLICATION, Application, config)
        data = application.data if isinstance(application.data, dict) else {}
        if data.get("状态") != "已提交":
            return "selection-not-submitted", (f"学会「{society}」的申报表没有提交"
                                               f"（状态为“{data.get('状态') or status.DRAFT}”），不能立项")
        if not lay.decision(year, society).is_file():
            return None
        decided = loaded(lay, lay.decision(year, society), layout.DECISION, Decision, config)
        verdict = decided.model.application if isinstance(decided.model, Decision) else None
        if verdict is not None and verdict.outcome == "驳回" \
                and status.Verdict(verdict.outcome, verdict.version).judged(application.sha256):
            return "selection-rejected", (f"学会「{society}」的申报已被驳回"
                                          f"（{lay.rel(lay.decision(year, society))}），不能立项")
        return None
    return refusal


def check_selection(selection: Selection, year: int, program: Program | None, config: Config,
                    refusal: Callable[[str], tuple[str, str] | None]) -> list[Finding]:
    """Every funded society applied and was not rejected, is registered and eligible, once;
    quota and amount kept."""
    findings: list[Finding] = []
    seen: set[str] = set()
    for i, entry in enumerate(selection.funded):
        loc: tuple[str | int, ...] = ("立项", i, "学会")
        if entry.society in seen:
            findings.append(Finding(loc, "selection-duplicate", f"学会「{entry.society}」重复列入"))
        seen.add(entry.society)
        reason = refusal(entry.society)
        if reason is not None:
            findings.append(Finding(loc, *reason))
        society = config.registry.get(entry.society) if config.registry else None
        if society is not None:
            findings += [Finding(loc, "ineligible", r) for r in ineligibility(year, society, ())]
        elif config.registry is not None:
            findings.append(Finding(loc, "selection-unknown-society",
                                    f"学会「{entry.society}」不在学会名录（config/societies.yaml）中，不能立项"))
        if program is not None and entry.amount > program.amount:
            findings.append(Finding(("立项", i, "资助金额"), "amount-over",
                                    f"资助金额超过每个项目的上限 {yuan(program.amount)} 元"))
    if program is not None and len(selection.funded) > program.quota:
        findings.append(Finding(("立项",), "over-quota",
                                f"立项 {len(selection.funded)} 个，超过资助数量 {program.quota} 个"))
    return findings
