"""The hostile suite: the engine run as a user would, in a subprocess with a timeout, on a copy
of the demo round that each test then damages. One module per kind of input (paths, forms,
images, git, build/, the command line); `attempt` is the one way a case runs, and
`assert_refused` the one way it is judged: a Chinese message naming the file or the argument,
the expected exit code, and no traceback, no internal error, no hang."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
QIANGHUI = Path(sys.executable).with_name("qianghui")
TIMEOUT = 120           # seconds: a case that takes longer has hung
_CHINESE = re.compile("[\u4e00-\u9fff]")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo round (config, submissions, reviews, templates), not a git repository."""
    root = tmp_path / "demo"
    for name in ("config", "submissions", "reviews", "templates"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.pyc"))
    return root


def attempt(root: Path, *args: str, timeout: float = TIMEOUT, stdin: bytes | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`qianghui -C root ARGS…` in a subprocess that cannot hang the suite (killed at
    ``timeout``: a hang fails the test)."""
    environment = {**os.environ, **(env or {})}
    proc = subprocess.run([str(QIANGHUI), "-C", str(root), *args], input=stdin,
                          capture_output=True, timeout=timeout, env=environment, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def assert_refused(result: subprocess.CompletedProcess[str], code: int, *names: str) -> str:
    """The command failed as a user's mistake should: exit ``code``, a Chinese message that
    names each of ``names`` (a file, a line, an argument), no traceback. Returns the output."""
    text = result.stdout + result.stderr
    assert "Traceback" not in text and "内部错误" not in text, text
    assert result.returncode == code, (result.returncode, text)
    assert _CHINESE.search(text), text
    for name in names:
        assert name in text, (name, text)
    return text


def snapshot(root: Path, *, skip: tuple[str, ...] = ("build", ".git")) -> dict[str, bytes]:
    """Every user file under ``root`` by content (build/ and .git excluded): compare before and
    after a failing command to prove it changed nothing."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            continue
        if path.is_file() and not path.is_symlink():
            files[rel.as_posix()] = path.read_bytes()
    return files
