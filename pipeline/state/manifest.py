"""The manifest of rendered outputs: a document is rebuilt only when its inputs change, or when
the file in build/ is no longer the one the engine wrote."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline import reading
from pipeline.atomic import write_text
from pipeline.state.engine import fingerprint


@lru_cache(maxsize=256)
def _file_digest(path: Path, mtime_ns: int, size: int) -> str:
    try:                            # never blocks on a FIFO, never follows a link
        return reading.digest(path)
    except reading.ReadError as e:  # validation reports the file; the key only has to differ
        return f"unreadable:{e.code}"


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered per (path, mtime, size) within one process."""
    stat = path.stat()
    return _file_digest(path, stat.st_mtime_ns, stat.st_size)


def input_key(template: Path | None, context: Any) -> str:
    """The key of one rendering: the engine's fingerprint, the template's bytes, the context."""
    payload = json.dumps(context, ensure_ascii=False, sort_keys=True, default=str)
    template_digest = file_digest(template) if template else "-"
    digest = hashlib.sha256(f"{fingerprint()}\0{template_digest}\0".encode())
    digest.update(payload.encode())
    return digest.hexdigest()


class Manifest:
    """Input keys of rendered outputs, kept beside them (`.manifest.json` in each output folder),
    so a run that renders one project's documents reads and writes only that project's record.

    Each entry is the key with the size and mtime of the output as written: an output deleted,
    replaced or touched since is stale, whatever its key."""

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
        entry = self._entries(output).get(output.name)
        return entry is not None and entry == _entry(output, key)

    def record(self, output: Path, key: str) -> None:
        entries = self._entries(output)
        entry = _entry(output, key)
        if entries.get(output.name) != entry:
            entries[output.name] = entry
            self.dirty.add(output.parent)

    def forget(self, output: Path) -> None:
        entries = self._entries(output)
        if entries.pop(output.name, None) is not None:
            self.dirty.add(output.parent)

    def save(self) -> None:
        for folder in sorted(self.dirty):
            folder.mkdir(parents=True, exist_ok=True)
            write_text(folder / self.NAME, json.dumps(self.folders[folder], ensure_ascii=False,
                                                      indent=1, sort_keys=True))
        self.dirty.clear()




def _entry(output: Path, key: str) -> str:
    """The manifest's record of one output: its key, size and mtime (empty when it is gone)."""
    try:
        info = output.stat()
    except OSError:
        return ""
    return f"{key} {info.st_size} {info.st_mtime_ns}"
