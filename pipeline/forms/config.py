"""The checks of the config files beyond their shape: a society id or a person id listed twice,
one e-mail for two people (the e-mail is who a commit's author is: pipeline.history), and a
年度通知 whose 年度 is not the year its file name says.

Pure functions of a loaded model (or the partial model of a broken file), returning findings;
pipeline.forms.loading attaches them before it decides what the config cache keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pipeline.core import layout
from pipeline.errors import Finding, Loc


def check_config(kind: str, path: str, model: Any) -> list[Finding]:
    """Every finding for one config file of `kind` at repository path `path`."""
    check = _CHECKS.get(kind)
    return check(path, model) if check is not None and model is not None else []


def _societies(path: str, registry: Any) -> list[Finding]:
    entries = getattr(registry, "societies", None) or []
    return repeated(((("学会", i, "id"), s.id) for i, s in enumerate(entries)),
                    "society-duplicate", lambda v, n: f"学会 id「{v}」重复：第 {n} 个学会已经用了它")


def _people(path: str, people: Any) -> list[Finding]:
    entries = getattr(people, "people", None) or []
    findings = repeated(((("人员", i, "id"), p.id) for i, p in enumerate(entries)),
                        "person-duplicate", lambda v, n: f"人员 id「{v}」重复：第 {n} 个人员已经用了它")
    emails = ((("人员", i, "邮箱", j), e.strip().lower())
              for i, p in enumerate(entries) for j, e in enumerate(p.emails))
    return findings + repeated(emails, "email-shared", lambda v, n: (
        f"邮箱「{v}」已属于第 {n} 个人员：一个邮箱只能属于一个人（git 提交按邮箱认人）"))


def _program(path: str, program: Any) -> list[Finding]:
    kind = layout.classify(path)
    year = getattr(program, "year", None)
    if kind is None or kind.year is None or year is None or year == kind.year:
        return []
    return [Finding(("年度",), "program-year",
                    f"年度写的是 {year}，但这是 {kind.year} 年度的通知（文件名 program-{kind.year}.yaml）："
                    f"请改为 {kind.year}，或改文件名")]


def repeated(values: Iterable[tuple[Loc, str]], code: str,
             message: Callable[[str, int], str]) -> list[Finding]:
    """A finding at each value seen before, naming the entry (counted from 1) that had it first."""
    first: dict[str, int] = {}
    findings = []
    for loc, value in values:
        entry = int(loc[1]) + 1
        if value in first and first[value] != entry:
            findings.append(Finding(loc, code, message(value, first[value])))
        first.setdefault(value, entry)
    return findings


_CHECKS: dict[str, Callable[[str, Any], list[Finding]]] = {
    layout.SOCIETIES: _societies, layout.PEOPLE: _people, layout.PROGRAM: _program}
