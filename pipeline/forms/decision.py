"""审核决定 (reviews/<年度>/<学会>/decision.yaml): its shape, the reviewer an enabled administrator."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.core import layout
from pipeline.core.layout import FileKind, Layout
from pipeline.errors import Finding
from pipeline.forms.loading import Config, FileResult, load_form
from schemas.decision import Decision


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
