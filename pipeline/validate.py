"""Files → problems: the validator of each file kind, and the whole-tree run.

Collect, then report: every file is checked and every problem kept; nothing stops at the first
broken file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline import files, layout
from pipeline.errors import Problem
from pipeline.layout import FileKind, Layout
from pipeline.loading import Config, FileResult, load_config, load_form
from pipeline.rules import Finding, check_application, check_identity, ineligibility, yuan
from schemas.application import Application
from schemas.completion import CompletionHeader
from schemas.decision import Decision, Selection
from schemas.program import Program


@dataclass
class ValidationResult:
    """Every checked file with its problems."""

    files: list[FileResult]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        bad = sum(1 for f in self.files if f.problems)
        text = f"{len(self.files)} 个文件，{len(self.problems)} 个错误"
        return text + (f"（{bad} 个文件有错误）" if bad else "")


def validate_application(lay: Layout, path: Path, kind: FileKind, config: Config,
                         today: date) -> FileResult:
    """申报表: schema, folder identity, and — once submitted — every rule and referenced file."""
    result, doc = load_form(path, lay.rel(path), layout.APPLICATION, Application)
    if doc is None or not isinstance(doc.data, dict):
        return result
    assert kind.year is not None and kind.society is not None
    findings = check_identity(doc.data.get("年度"), doc.data.get("学会"), folder_year=kind.year,
                              folder_society=kind.society, registry=config.registry)
    app = result.model
    if isinstance(app, Application) and app.state == "已提交":
        findings += check_application(app, config.programs.get(app.year), config.registry, today)
        findings += check_references(path.parent, app)
    result.add(findings)
    return result


def check_references(folder: Path, app: Application) -> list[Finding]:
    """盖章页 (image ≤ 3 MB) and 附件 (≤ 100 MB) exist inside the folder and are what they claim."""
    found = []
    for key, ref, rule in (("盖章页", app.stamp, files.IMAGE), ("附件", app.attachment, files.ATTACHMENT)):
        message = files.check_reference(folder, ref, rule) if ref else None
        if message:
            found.append(Finding((key,), "file-invalid", message))
    return found


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
    person = next((p for p in config.people.people if p.id == person_id), None)
    if person is None or person.role != "管理员" or not person.enabled:
        return [Finding(loc, "not-admin", f"「{person_id}」不是已启用的管理员（config/people.yaml）")]
    return []


def validate_selection(lay: Layout, path: Path, kind: FileKind, config: Config,
                       today: date) -> FileResult:
    """selection.yaml: within the quota and amount, no duplicates, eligible applicants only."""
    result, _ = load_form(path, lay.rel(path), layout.SELECTION, Selection)
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
            findings += [Finding(loc, "ineligible", r) for r in ineligibility(year, society)]
        if program is not None and entry.amount > program.amount:
            findings.append(Finding(("立项", i, "资助金额"), "amount-over",
                                    f"资助金额超过每个项目的上限 {yuan(program.amount)} 元"))
    if program is not None and len(selection.funded) > program.quota:
        findings.append(Finding(("立项",), "over-quota",
                                f"立项 {len(selection.funded)} 个，超过资助数量 {program.quota} 个"))
    return findings


def validate_completion(lay: Layout, path: Path, kind: FileKind, config: Config,
                        today: date) -> FileResult:
    """completion.yaml: readable, and its 年度/学会/状态 in order (the status machine gates it)."""
    result, doc = load_form(path, lay.rel(path), layout.COMPLETION, CompletionHeader)
    if doc is not None and isinstance(doc.data, dict) and kind.year and kind.society:
        result.add(check_identity(doc.data.get("年度"), doc.data.get("学会"), folder_year=kind.year,
                                  folder_society=kind.society, registry=config.registry))
    return result


Validator = Callable[[Layout, Path, FileKind, Config, date], FileResult]
VALIDATORS: dict[str, Validator] = {
    layout.APPLICATION: validate_application,
    layout.COMPLETION: validate_completion,
    layout.DECISION: validate_decision,
    layout.SELECTION: validate_selection,
}


def collect_targets(lay: Layout, paths: Iterable[Path] | None) -> list[Path]:
    """The form files to check: everything in the tree, or those named (folders expanded)."""
    if not paths:
        return lay.forms()
    targets: list[Path] = []
    for p in paths:
        targets += sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
    return targets


def validate_paths(lay: Layout, paths: Iterable[Path] | None = None, *,
                   today: date | None = None, config: Config | None = None) -> ValidationResult:
    """Validate the config and the given form files (default: every form in the tree)."""
    config = config or load_config(lay)
    today = today or date.today()
    results = list(config.results)
    seen = {r.path for r in results}
    for path in collect_targets(lay, paths):
        rel = lay.rel(path)
        if rel in seen:
            continue
        seen.add(rel)
        results.append(validate_one(lay, path, config, today))
    return ValidationResult(results)


def validate_one(lay: Layout, path: Path, config: Config, today: date) -> FileResult:
    """Dispatch one file to the validator of its kind."""
    rel = lay.rel(path)
    kind = layout.classify(rel)
    if not path.exists():
        return FileResult(rel, "", [Problem(rel, 0, 0, "", "file-missing", "文件不存在")])
    if kind is None or kind.kind not in VALIDATORS:
        return FileResult(rel, "", [Problem(rel, 0, 0, "", "unknown-file",
                                            "不认识的文件：申报表应为 submissions/<年度>/<学会>/application.yaml，"
                                            "审核决定为 reviews/<年度>/<学会>/decision.yaml")])
    return VALIDATORS[kind.kind](lay, path, kind, config, today)
