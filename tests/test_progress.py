"""Progress at round scale: plain periodic lines in a CI log, a bar with time left on a
terminal, nothing for small work; the summary table shows documents as a count."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.generate import generate
from pipeline import progress
from tests.gitrepo import QIANGHUI, ROOT, TIMEOUT, isolated_env


@pytest.fixture(scope="module")
def round_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress") / "round"
    generate(root, 250, commits=0)
    return root


def test_a_ci_log_gets_plain_periodic_lines(round_tree: Path) -> None:
    done = subprocess.run([str(QIANGHUI), "-C", str(round_tree), "validate"], capture_output=True,
                          text=True, timeout=TIMEOUT, env=isolated_env())
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("检查材料：")]
    assert 3 <= len(lines) <= 12, done.stderr
    assert lines[-1].endswith("，完成") and "/" in lines[0] and "预计还需" in lines[0]
    total = lines[-1].split("：")[1].split("（")[0]
    assert total.split("/")[0] == total.split("/")[1]
    assert "\r" not in done.stderr                     # no bar redrawn in a log


def test_a_terminal_gets_a_bar_with_time_left(round_tree: Path) -> None:
    """stderr on a real pseudo-terminal: tqdm draws (and redraws) the bar."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen([str(QIANGHUI), "-C", str(round_tree), "validate"],
                                stdout=subprocess.DEVNULL, stderr=follower, env=isolated_env())
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=TIMEOUT) == 0
    finally:
        os.close(leader)
    text = seen.decode("utf-8", "replace")
    assert "检查材料：" in text and "预计还需" in text and "\r" in text


def test_small_work_shows_nothing() -> None:
    stream = io.StringIO()
    progress.enable(stream)
    try:
        with progress.task("检查材料", progress.MINIMUM - 1):
            progress.advance(progress.MINIMUM - 1)
        with progress.task("生成文档", 1000):
            for _ in range(1000):
                progress.advance()
    finally:
        progress.enable(None)
    lines = stream.getvalue().splitlines()
    assert all(ln.startswith("生成文档：") for ln in lines) and 10 <= len(lines) <= 11
    assert lines[-1].startswith("生成文档：1000/1000（100%）")


def test_the_summary_table_counts_documents(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    for name in ("config", "templates", "submissions", "reviews"):
        shutil.copytree(ROOT / name, root / name)
    done = subprocess.run([str(QIANGHUI), "-C", str(root), "run"], capture_output=True, text=True,
                          timeout=TIMEOUT, env=isolated_env())
    assert "申报表.docx" not in done.stdout
    header = next(ln for ln in done.stdout.splitlines() if ln.startswith("年度"))
    assert header.rstrip().endswith("文档")
    assert max(len(ln) for ln in done.stdout.splitlines()) < 200
