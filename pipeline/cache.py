"""A content-hash manifest of rendered outputs: a document is rebuilt only when its inputs change."""

from __future__ import annotations

import hashlib
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

_ENGINE_FILES = ("documents.py", "summaries.py", "plan.py", "render.py", "cache.py")


@cache
def engine_version() -> str:
    """A hash of the code that shapes documents; a change invalidates every cached output."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _ENGINE_FILES:
        path = here / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=256)
def _file_digest(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered per (path, mtime, size) within one process."""
    stat = path.stat()
    return _file_digest(path, stat.st_mtime_ns, stat.st_size)


def input_key(template: Path | None, context: Any) -> str:
    """The key of one rendering: template bytes, context and engine version."""
    payload = json.dumps(context, ensure_ascii=False, sort_keys=True, default=str)
    template_digest = file_digest(template) if template else "-"
    digest = hashlib.sha256(f"{engine_version()}\0{template_digest}\0".encode())
    digest.update(payload.encode())
    return digest.hexdigest()


class Manifest:
    """build/.manifest.json: output path → input key of the rendering that produced it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, str] = {}
        self.dirty = False
        try:
            self.entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    def fresh(self, output: Path, key: str) -> bool:
        return self.entries.get(str(output)) == key and output.exists()

    def record(self, output: Path, key: str) -> None:
        if self.entries.get(str(output)) != key:
            self.entries[str(output)] = key
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True),
                       encoding="utf-8")
        tmp.replace(self.path)
        self.dirty = False
