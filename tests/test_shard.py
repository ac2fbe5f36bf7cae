"""`qianghui render --shard K/N`: the union of the shards is the full render, byte for byte."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.core.layout import Layout
from pipeline.documents.shard import Shard, parse, share
from tests.gitrepo import (
    QIANGHUI,
    TIMEOUT,
    demo_repo,
    isolate_git,
    isolated_env,
    run_git,
)


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo round committed in a fresh repository (provenance reads its history)."""
    isolate_git(monkeypatch, tmp_path / "home")
    return demo_repo(tmp_path / "demo").root


def render(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(QIANGHUI), "-C", str(root), "render", *args], capture_output=True,
                          text=True, timeout=TIMEOUT, env=isolated_env())


def documents(build: Path) -> dict[str, bytes]:
    return {p.relative_to(build).as_posix(): p.read_bytes() for p in sorted(build.rglob("*"))
            if p.is_file() and p.suffix in (".docx", ".xlsx")}


def test_the_union_of_shards_is_the_full_render(demo: Path, tmp_path: Path) -> None:
    done = render(demo)
    assert done.returncode == 0, done.stdout + done.stderr
    full = documents(demo / "build")
    assert len(full) > 20
    union: dict[str, bytes] = {}
    counts = []
    for k in (1, 2, 3):
        clone = tmp_path / f"shard{k}"
        run_git(tmp_path, "clone", "-q", str(demo), str(clone))
        done = render(clone, "--shard", f"{k}/3")
        assert done.returncode == 0, done.stdout + done.stderr
        mine = documents(clone / "build")
        assert not mine.keys() & union.keys()             # each document is built by one shard
        union.update(mine)
        counts.append(len(mine))
    assert union == full
    assert max(counts) - min(counts) <= 1                 # balanced by documents
    year_docs = [name for name in full if name.count("/") == 1]
    assert year_docs and all(name in documents(tmp_path / "shard1" / "build") for name in year_docs)


def test_shares_are_deterministic_and_balanced(demo: Path) -> None:
    from pipeline.core.projects import Index
    from pipeline.documents.plan import plan
    from pipeline.run import evaluate

    lay = Layout(demo)
    validation, projects, config = evaluate(lay, None)
    jobs = plan(lay, projects, config, Index.of(validation), {2022})
    shares = [share(lay, jobs, Shard(k, 4)) for k in range(1, 5)]
    assert sorted(j.output for s in shares for j in s) == sorted(j.output for j in jobs)
    assert [len(s) for s in shares] == [len(s) for s in
                                        (share(lay, jobs, Shard(k, 4)) for k in range(1, 5))]
    assert max(map(len, shares)) - min(map(len, shares)) <= 1


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "a/b", "-1/3", "1/3/4", ""])
def test_a_bad_shard_is_a_usage_error(demo: Path, text: str) -> None:
    from pipeline.errors import UsageError

    with pytest.raises(UsageError):
        parse(text)
    done = render(demo, f"--shard={text}")
    assert done.returncode == 2 and "--shard" in done.stderr and "Traceback" not in done.stderr
