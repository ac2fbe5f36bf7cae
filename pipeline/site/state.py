"""The rows of every project, kept in build/.cache/site-rows.json between runs, so a save
rebuilds the list from its own project and the others' kept rows (as status.json is merged)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.site.contexts import Row

_KEPT: dict[Path, tuple[int, dict[str, Any]]] = {}     # file → (mtime, its content)


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
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(found, dict) or not isinstance(found.get("rows"), dict):
            raise ValueError
    except (OSError, ValueError):
        return {"rows": {}, "registry": []}
    return found


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
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {"rows": rows, "registry": registry}
    body = ", ".join(encoded("state", k, r, _Entry(k))[1:-1] for k, r in rows.items())
    tmp = path.with_suffix(".tmp")
    tmp.write_text(f'{{"rows": {{{body}}}, "registry": {encoded("state", "", registry)}}}',
                   encoding="utf-8")
    tmp.replace(path)
    _KEPT[path] = (path.stat().st_mtime_ns, content)
