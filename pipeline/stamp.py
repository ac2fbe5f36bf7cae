"""Nothing changed, nothing to do: a stat-only fingerprint of everything a full run reads.

`make render` / `make all` on an unchanged tree replays the previous result instead of
validating and rendering again, like make's own timestamps — but keyed on size and mtime of
every input file, the engine's own source, and today's date (validation depends on it).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import date
from pathlib import Path

from pipeline.layout import Layout

INPUTS = ("config", "submissions", "reviews", "templates")
ENGINE = ("pipeline", "schemas")


RACY_NS = 2_000_000_000     # like git: a file changed this recently may change again unseen


def tree_key(lay: Layout) -> str:
    """A fingerprint of the inputs' paths, sizes and mtimes (and of the engine's code);
    empty when some input changed so recently that its mtime cannot be trusted yet."""
    digest, newest = fingerprint(lay)
    return "" if time.time_ns() - newest < RACY_NS else digest


def fingerprint(lay: Layout) -> tuple[str, int]:
    """The fingerprint, and the newest mtime among the inputs."""
    digest = hashlib.sha256(date.today().isoformat().encode())
    engine = Path(__file__).parent.parent
    newest = 0
    for folder, base in [*((lay.root / n, lay.root) for n in INPUTS),
                         *((engine / n, engine) for n in ENGINE)]:
        for path, size, mtime, inode in _walk(folder):
            newest = max(newest, mtime)
            digest.update(f"{os.path.relpath(path, base)}\0{size}\0{mtime}\0{inode}\n".encode())
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


def replay(lay: Layout, command: str, key: str) -> tuple[int, str] | None:
    """The exit code and output of the last run of `command` if nothing changed since."""
    try:
        saved = json.loads(_file(lay, command).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not key or saved.get("key") != key or not all((lay.root / d).exists() for d in saved["outputs"]):
        return None
    return int(saved["code"]), str(saved["output"])


def record(lay: Layout, command: str, key: str, code: int, output: str) -> None:
    """Remember this run's result (only of full runs, under the key computed before them)."""
    if not key:
        return
    try:
        statuses = json.loads((lay.build / "status.json").read_text(encoding="utf-8"))
        outputs = [d for p in statuses["projects"].values() for d in p["文档"]]
    except (OSError, ValueError, KeyError, TypeError):
        return
    target = _file(lay, command)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, "code": code, "output": output, "outputs": outputs},
                              ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)
