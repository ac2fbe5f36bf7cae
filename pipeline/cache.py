"""A content-hash manifest of rendered outputs: a document is rebuilt only when its inputs change."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

_ENGINE_FILES = ("documents.py", "summaries.py", "plan.py", "render.py", "cache.py",
                 "provenance.py", "pdf.py", "fonts.conf")


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


@cache
def schema_version() -> str:
    """A hash of the models' source: cached validations die with any change to them."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).parent.parent / "schemas").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


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
    """Input keys of rendered outputs, kept beside them (`.manifest.json` in each output folder),
    so a run that renders one project's documents reads and writes only that project's record."""

    NAME = ".manifest.json"

    def __init__(self, build: Path) -> None:
        self.build = build
        self.folders: dict[Path, dict[str, str]] = {}
        self.dirty: set[Path] = set()

    def _entries(self, output: Path) -> dict[str, str]:
        folder = output.parent
        if folder not in self.folders:
            try:
                self.folders[folder] = json.loads((folder / self.NAME).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.folders[folder] = {}
        return self.folders[folder]

    def fresh(self, output: Path, key: str) -> bool:
        return self._entries(output).get(output.name) == key and output.exists()

    def record(self, output: Path, key: str) -> None:
        entries = self._entries(output)
        if entries.get(output.name) != key:
            entries[output.name] = key
            self.dirty.add(output.parent)

    def forget(self, output: Path) -> None:
        entries = self._entries(output)
        if entries.pop(output.name, None) is not None:
            self.dirty.add(output.parent)

    def save(self) -> None:
        for folder in sorted(self.dirty):
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / (self.NAME + ".tmp")
            tmp.write_text(json.dumps(self.folders[folder], ensure_ascii=False, indent=1,
                                      sort_keys=True), encoding="utf-8")
            tmp.replace(folder / self.NAME)
        self.dirty.clear()


def load_pickle(source: Path) -> Any:
    """What save_pickle stored (None when absent or unreadable: a cache only saves time)."""
    enabled = gc.isenabled()
    gc.disable()            # thousands of new objects that all live on: no collection can help
    try:
        with source.open("rb") as handle:
            return pickle.load(handle)
    except Exception:       # noqa: BLE001 - unreadable, truncated, foreign or stale: recompute
        return None
    finally:
        if enabled:
            gc.enable()


def save_pickle(target: Path, value: Any) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(target)
    except OSError:
        pass                        # a cache that cannot be written is only slower
