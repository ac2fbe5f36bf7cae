"""`make bench` as a smoke test: the benchmark runs end to end at a small N and the round it
generates is clean — every file validates and the history passes the who-may-change-what
check. No timing is asserted (CI machines are too noisy for that)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.generate import generate, git_env
from pipeline.documents.pdf import find_office

pytestmark = pytest.mark.slow       # a whole bench run on a small round

ROOT = Path(__file__).resolve().parents[1]
QIANGHUI = Path(sys.executable).with_name("qianghui")
ROWS = 10 + (1 if find_office() else 0) + 5   # the PDF row needs LibreOffice; 5 national rows


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """`python -m bench --n 20 --repeat 1`, keeping its trees."""
    work = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, "-m", "bench", "--n", "20", "--repeat", "1",
                           "--keep", str(work / "trees"), "--out", str(work / "bench.json")],
                          cwd=ROOT, env=git_env(), capture_output=True, text=True, timeout=900)
    return done, work


def qianghui(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(QIANGHUI), *args], cwd=root, env=git_env(), capture_output=True,
                          text=True)


def test_bench_prints_the_table(bench_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, work = bench_run
    assert done.returncode == 0, done.stdout + done.stderr
    header = next(line for line in done.stdout.splitlines() if line.startswith("| what"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "what", "ours", "baseline", "ratio", "target", "met?"]
    assert "peak memory" in done.stdout
    data = json.loads((work / "bench.json").read_text(encoding="utf-8"))
    assert data["n"] == 20 and len(data["rows"]) == ROWS
    assert all(row["ours"] > 0 and row["baseline"] > 0 and not row["error"] for row in data["rows"])


def test_generated_round_validates_clean(bench_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    root = bench_run[1] / "trees" / "round"
    done = qianghui(root, "validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 个错误" in done.stdout


def test_generated_history_passes_check_history(
        bench_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    root = bench_run[1] / "trees" / "round"
    done = qianghui(root, "check-history")
    assert done.returncode == 0, done.stdout + done.stderr
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, env=git_env(),
                            capture_output=True, text=True, check=True)
    assert status.stdout == "", "the working tree must be exactly HEAD"


def test_every_state_of_the_round_is_present(
        bench_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    root = bench_run[1] / "trees" / "round"
    done = qianghui(root, "list", "--json")
    states = {row["状态"] for row in json.loads(done.stdout)}
    assert {"草稿", "已驳回", "未立项", "验收通过"} <= states


def test_history_has_about_n_over_two_commits(tmp_path: Path) -> None:
    made = generate(tmp_path / "round", 100)
    assert made.commits == 50
    log = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=made.root, env=git_env(),
                         capture_output=True, text=True, check=True)
    assert int(log.stdout) == 50


def test_generation_is_reproducible(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 12, seed=7, commits=0)
    second = generate(tmp_path / "b", 12, seed=7, commits=0)
    files = sorted(p.relative_to(first.root) for p in first.root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second.root) for p in second.root.rglob("*") if p.is_file())
    assert all((first.root / f).read_bytes() == (second.root / f).read_bytes() for f in files)
    assert not (first.root / ".git").exists()
