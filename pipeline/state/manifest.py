"""The manifest of rendered outputs: a document is rebuilt only when its inputs change, or when
the file in build/ is no longer the one the engine wrote (its seal: pipeline.state.seals)."""

from __future__ import annotations

import hashlib
import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from pipeline import reading
from pipeline.state.engine import fingerprint
from pipeline.state.files import read_json, write_state
from pipeline.state.seals import Seal, intact, seal

Entry = tuple[str, int, int, int, int, str]      # the input key, then the output's seal
@cache
def _shape() -> Any:
    """The file's adapter, built on first use (building it costs an import ~10 ms)."""
    return TypeAdapter(dict[str, Entry]).validate_python


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

    Each entry is the key with the seal of the output as written: an output deleted, replaced,
    truncated or altered since is stale, whatever its key. A manifest that is not exactly of
    this shape (damaged, foreign, a link, too large) is read as empty: everything is rebuilt."""

    NAME = ".manifest.json"

    def __init__(self, build: Path) -> None:
        self.build = build
        self.folders: dict[Path, dict[str, Entry]] = {}
        self.dirty: set[Path] = set()

    def _entries(self, output: Path) -> dict[str, Entry]:
        folder = output.parent
        if folder not in self.folders:
            found = read_json(folder / self.NAME, _shape(), root=self.build)
            self.folders[folder] = found if found is not None else {}
        return self.folders[folder]

    def fresh(self, output: Path, key: str) -> bool:
        entry = self._entries(output).get(output.name)
        return entry is not None and entry[0] == key and intact(output, _seal_of(entry))

    def record(self, output: Path, key: str) -> None:
        entries = self._entries(output)
        sealed = seal(output)
        if sealed is None:
            self.forget(output)
            return
        entry = (key, *sealed)
        if entries.get(output.name) != entry:
            entries[output.name] = entry
            self.dirty.add(output.parent)

    def forget(self, output: Path) -> None:
        entries = self._entries(output)
        if entries.pop(output.name, None) is not None:
            self.dirty.add(output.parent)

    def save(self) -> None:
        for folder in sorted(self.dirty):
            write_state(folder / self.NAME, json.dumps(self.folders[folder], ensure_ascii=False,
                                                      indent=1, sort_keys=True))
        self.dirty.clear()


def _seal_of(entry: Entry) -> Seal:
    return (entry[1], entry[2], entry[3], entry[4], entry[5])
