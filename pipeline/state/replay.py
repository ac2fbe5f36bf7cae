"""Nothing changed, nothing to do: the replay of a full `render` / `run`.

`make render` / `make all` on an unchanged tree replays the previous result instead of
validating and rendering again, like make's own timestamps — keyed on size, mtime and inode of
every input file, the engine's fingerprint (state.engine) and today's date (validation depends
on it). The record vouches for every output the run made (documents, year documents, the
register, build/status.json) by its seal (pipeline.state.seals): one deleted, truncated or
altered, and the run is redone. A record that is not exactly ours is no record.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from pipeline.core.layout import Layout
from pipeline.state import engine
from pipeline.state.files import read_json, write_state
from pipeline.state.lock import holding
from pipeline.state.seals import Seal, as_seal, intact, seal

INPUTS = ("config", "submissions", "reviews", "templates")


RACY_NS = 2_000_000_000     # like git: a file changed this recently may change again unseen


def tree_key(lay: Layout) -> str:
    """A fingerprint of the inputs' paths, sizes and mtimes (and of the engine's code);
    empty when some input changed so recently that its mtime cannot be trusted yet."""
    digest, newest = fingerprint(lay)
    return "" if time.time_ns() - newest < RACY_NS else digest


def fingerprint(lay: Layout) -> tuple[str, int]:
    """The fingerprint, and the newest mtime among the inputs."""
    digest = hashlib.sha256(f"{date.today().isoformat()}\0{engine.fingerprint()}".encode())
    newest = 0
    for folder in (lay.root / n for n in INPUTS):
        for path, size, mtime, inode in _walk(folder):
            newest = max(newest, mtime)
            digest.update(f"{os.path.relpath(path, lay.root)}\0{size}\0{mtime}\0{inode}\n".encode())
    for state in git_state(lay.root):     # a commit changes the documents' 数据版本 line
        info = state.stat()
        digest.update(f"{state.name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest(), newest


def git_state(root: Path) -> list[Path]:
    """The files git rewrites on every commit or checkout (HEAD, its reflog, the index)."""
    git = root / ".git"
    if git.is_file():                   # a linked worktree: "gitdir: <path>"
        text = git.read_text(encoding="utf-8", errors="replace").strip()
        git = (root / text.removeprefix("gitdir:").strip()) if text.startswith("gitdir:") else git
    return [path for path in (git / "HEAD", git / "index", git / "logs" / "HEAD") if path.is_file()]


def _walk(folder: Path) -> list[tuple[str, int, int, int]]:
    found: list[tuple[str, int, int, int]] = []
    stack = [str(folder)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append(entry.path)
            else:
                info = entry.stat(follow_symlinks=False)
                found.append((entry.path, info.st_size, info.st_mtime_ns, info.st_ino))
    return sorted(found)


def _file(lay: Layout, command: str) -> Path:
    return lay.build / f".stamp-{command}.json"


@dataclass(frozen=True)
class Stamp:
    """The record of one full run (build/.stamp-<command>.json)."""

    key: str
    code: int
    output: str
    outputs: dict[str, Seal]

    @classmethod
    def of(cls, found: Any) -> Stamp:
        """The stamp in loaded JSON, or ValueError (checked by hand: no pydantic on this path)."""
        if not isinstance(found, dict) or set(found) != {"key", "code", "output", "outputs"}:
            raise ValueError("not a stamp")
        key, code, output, outputs = (found[k] for k in ("key", "code", "output", "outputs"))
        if not (isinstance(key, str) and type(code) is int and isinstance(output, str)
                and isinstance(outputs, dict)):
            raise ValueError("not a stamp")
        return cls(key, code, output, {str(rel): as_seal(v) for rel, v in outputs.items()})


def replay(lay: Layout, command: str, key: str) -> tuple[int, str] | None:
    """The exit code and output of the last run of `command` if nothing changed since: no
    input, and none of the outputs it made (each exactly as that run left it)."""
    if not key:
        return None
    saved = read_json(_file(lay, command), Stamp.of, root=lay.build)
    if saved is None or saved.key != key:
        return None
    for rel, sealed in saved.outputs.items():
        if not _in_build(lay, rel) or not intact(lay.root / rel, sealed):
            return None             # a missing, changed or unreadable output: run again
    return saved.code, saved.output


def _in_build(lay: Layout, rel: str) -> bool:
    return not os.path.isabs(rel) and ".." not in Path(rel).parts and rel.startswith("build/")


def record(lay: Layout, command: str, key: str, code: int, output: str,
           outputs: Iterable[str]) -> None:
    """Remember this run's result and what it made (only of full runs, under the key computed
    before them)."""
    if not key:
        return
    made: dict[str, Seal] = {}
    for rel in outputs:
        sealed = seal(lay.root / rel)
        if sealed is None:
            return
        made[rel] = sealed
    write_state(_file(lay, command), json.dumps(
        {"key": key, "code": code, "output": output, "outputs": made}, ensure_ascii=False))


Work = Callable[[TextIO], tuple[int, list[str]]]


class Tee(io.StringIO):
    """Text kept in memory and written through to a stream at once."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text)
        self.stream.flush()
        return super().write(text)


@holding
def unless_unchanged(lay: Layout, name: str, work: Work) -> int:
    """Replay the previous full run of `name` when nothing changed since, else do the work (its
    output to stdout; it returns its exit code and the outputs it vouches for) and remember it
    when nothing changed while it ran."""
    before = tree_key(lay)            # "" while an input is too recent to be trusted
    previous = replay(lay, name, before)
    if previous is not None:
        code, output = previous
        lines = output.rstrip("\n").split("\n")
        checked = lines[-1].split("；")[0] + "；" if "；" in lines[-1] else ""
        print("\n".join([*lines[:-1], f"{checked}输入没有变化，文档均为最新（沿用上次的结果）"]))
        return code
    buffer = Tee(sys.stdout)          # shown as it is written, kept for the replay
    code, outputs = work(buffer)
    if before and tree_key(lay) == before:    # trusted before, and nothing changed since
        record(lay, name, before, code, buffer.getvalue(), outputs)
    return code
