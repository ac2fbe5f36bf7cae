"""The rows of every project, kept in build/.cache/site-rows.json between runs, so a save
rebuilds the list from its own project and the others' kept rows (as status.json is merged)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ConfigDict, TypeAdapter, with_config
from typing_extensions import TypedDict

from pipeline.site.contexts import Row
from pipeline.state.files import read_json, write_state

_KEPT: dict[Path, tuple[int, dict[str, Any]]] = {}     # file → (mtime, its content)


@with_config(ConfigDict(extra="forbid", strict=True))
class _Row(TypedDict):
    """A row as contexts.row_of makes it (the shape a kept row must have to be used)."""

    y: int
    s: str
    n: str
    t: str
    c: str
    f: str
    a: str
    am: float | None
    st: str
    p: float | None
    r: int | None
    ac: float | None
    g: str
    e: int
    gr: float | None
    sa: float | None
    gt: float | None
    commit: str
    date: str
    dirty: bool


@with_config(ConfigDict(extra="forbid"))
class _Kept(TypedDict):
    rows: dict[str, _Row]
    registry: list[tuple[str, str]]


@cache
def _shape() -> Any:
    """The file's adapter, built on first use (building it costs an import ~10 ms)."""
    return TypeAdapter(_Kept).validate_python


def path_of(build: Path) -> Path:
    return build / ".cache" / "site-rows.json"


def load(build: Path) -> dict[str, Any]:
    """{"rows": {"2022/hbjx": row}, "registry": [[id, name], …]}; empty when absent or broken."""
    path = path_of(build)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {"rows": {}, "registry": []}
    kept = _KEPT.get(path)
    if kept is not None and kept[0] == mtime:
        return kept[1]
    found = read_json(path, _shape(), root=build)
    if found is None:                   # damaged or foreign: as if absent
        return {"rows": {}, "registry": []}
    return {"rows": found["rows"], "registry": [list(pair) for pair in found["registry"]]}


_TEXT: dict[tuple[str, str], tuple[object, str]] = {}   # (use, key) → (the object, its JSON)


def encoded(use: str, key: str, value: Any, encode: Callable[[Any], Any] = lambda v: v) -> str:
    """The JSON of ``encode(value)``, remembered while ``value`` is the same object: a save
    re-encodes its own rows only, not the other 5,000."""
    found = _TEXT.get((use, key))
    if found is not None and found[0] is value:
        return found[1]
    text = json.dumps(encode(value), ensure_ascii=False)
    _TEXT[(use, key)] = (value, text)
    return text


class _Entry:
    """A row as one entry of the rows object: {"2022/hbjx": row} (its braces are cut off)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, row: Any) -> dict[str, Any]:
        return {self.key: row}


def save(build: Path, rows: dict[str, Row], registry: list[list[str]]) -> None:
    path = path_of(build)
    content = {"rows": rows, "registry": registry}
    body = ", ".join(encoded("state", k, r, _Entry(k))[1:-1] for k, r in rows.items())
    write_state(path, f'{{"rows": {{{body}}}, "registry": {encoded("state", "", registry)}}}')
    _KEPT[path] = (path.stat().st_mtime_ns, content)
