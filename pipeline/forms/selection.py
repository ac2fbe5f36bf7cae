"""立项名单 (reviews/<年度>/selection.yaml): the funded societies against the quota, the amounts and the applications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pipeline.core import layout
from pipeline.core.facts import ineligibility
from pipeline.core.layout import FileKind, Layout
from pipeline.core.rules import (
    yuan,
)
from pipeline.errors import Finding
from pipeline.forms.decision import check_admin
from pipeline.forms.loading import Config, FileResult, load_form
from schemas.decision import Selection
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
