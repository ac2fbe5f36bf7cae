"""build/status.json: every project's status, the problems of all its files, its documents —
what the watcher, editors and scripts read."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from pipeline.core import layout
from pipeline.core.layout import Layout
from pipeline.errors import Problem
from pipeline.forms.validate import ValidationResult
from pipeline.state.files import read_json, write_state

if TYPE_CHECKING:
    from pipeline.run import RunResult


_STATUS: dict[Path, tuple[int, dict[str, str]]] = {}   # status.json → (mtime, key → its line)


class Entry(BaseModel):
    """One project in status.json, as write_status writes it."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)
    society: str = Field(alias="学会")
    society_name: str = Field(alias="学会名称")
    year: int = Field(alias="年度")
    status: str = Field(alias="状态")
    errors: list[str] = Field(alias="错误")
    documents: list[str] = Field(alias="文档")


class StatusFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)
    projects: dict[str, Entry]


@cache
def _shape() -> Any:
    """The file's adapter, built on first use (building it costs an import ~10 ms)."""
    return TypeAdapter(StatusFile).validate_python


def write_status(lay: Layout, result: RunResult, requested: set[tuple[int, str]] | None) -> None:
    """build/status.json: every project's status, errors (of all its files) and documents.

    A partial run merges into the existing file and drops requested projects that are gone;
    entries are kept serialised in memory, so a save re-encodes only its own projects."""
    path = lay.build / "status.json"
    problems = problems_by_project(result.validation)
    entries: dict[str, str] = {}
    for p in result.projects:
        key = f"{p.year}/{p.society}"
        entries[key] = f"  {json.dumps(key, ensure_ascii=False)}: " + json.dumps({
            "学会": p.society, "学会名称": p.society_name, "年度": p.year, "状态": p.status,
            "错误": [pr.format() for pr in problems.get((p.year, p.society), [])],
            "文档": p.documents}, ensure_ascii=False)
    if requested is not None:
        previous = _previous_status(path)
        gone = {f"{year}/{society}" for year, society in requested} - entries.keys()
        if (path.exists() and not gone & previous.keys()
                and all(previous.get(key) == line for key, line in entries.items())):
            return                           # a save that changed nothing anyone reads here
        entries = {**{k: v for k, v in previous.items() if k not in gone}, **entries}
    body = ",\n".join([entries[k] for k in sorted(entries)])
    write_state(path, '{"projects": {\n' + body + "\n}}\n")
    _STATUS[path] = (path.stat().st_mtime_ns, entries)


def _previous_status(path: Path) -> dict[str, str]:
    """The serialised entries of status.json: from memory while the file is ours, else read."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    cached = _STATUS.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    found = read_json(path, _shape(), root=path.parent)
    if found is None:                   # damaged or foreign: the projects of this run only
        return {}
    return {k: f"  {json.dumps(k, ensure_ascii=False)}: "
               f"{json.dumps(v.model_dump(by_alias=True), ensure_ascii=False)}"
            for k, v in found.projects.items()}


def problems_by_project(validation: ValidationResult) -> dict[tuple[int, str], list[Problem]]:
    """The problems of every file that belongs to one project, grouped by project."""
    grouped: dict[tuple[int, str], list[Problem]] = {}
    for fr in validation.files:
        kind = layout.classify(fr.path)
        if fr.problems and kind and kind.year and kind.society:
            grouped.setdefault((kind.year, kind.society), []).extend(fr.problems)
    return grouped
