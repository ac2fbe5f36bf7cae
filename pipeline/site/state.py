"""The rows of every project, kept in build/.cache/site-rows.json between runs, so a save
rebuilds the list from its own project and the others' kept rows (as status.json is merged)."""

from __future__ import annotations

import json
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


def save(build: Path, rows: dict[str, Row], registry: list[list[str]]) -> None:
    path = path_of(build)
    path.parent.mkdir(parents=True, exist_ok=True)
    content = {"rows": rows, "registry": registry}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    _KEPT[path] = (path.stat().st_mtime_ns, content)
