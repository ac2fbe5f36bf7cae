"""The git reader: the parallel history pass must say exactly what one `git log` says, and the
pipelined blob reader must answer every request, in any order, on real repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gitrepo import HBJX, HBNX, STRANGER, Repo, application, make_repo, run_git

from pipeline import parallel
from pipeline.errors import QianghuiError
from pipeline.history import check as history
from pipeline.history import streams, vcs
from pipeline.history.vcs import Vcs, parse_log


@pytest.fixture(autouse=True)
def _no_global_git(isolated_git: None) -> None:
    """Every test here runs git without the global configuration (tests/conftest.py)."""


def one_git_log(root: Path, *revs: str) -> list[vcs.Commit]:
    """The reference: a single `git log --raw --cc` over the range, parsed."""
    fmt = "".join(f"{f}%x00" for f in ["%H", "%P", "%an", "%ae", "%aI", "%cI", "%s"])
    out = run_git(root, "log", "-z", "--reverse", "--raw", "--cc",
                  "--no-renames", "--no-abbrev", f"--format={fmt}", *revs).stdout
    return list(parse_log(iter(out.split("\0"))))


@pytest.fixture
def branchy(tmp_path: Path) -> Path:
    """A repository with a root commit, a Chinese path, a deletion, a merge that resolves a
    conflict and adds a file of its own, and a plain merge."""
    root = tmp_path / "branchy"
    root.mkdir()

    def git(*args: str) -> None:
        run_git(root, *args)

    def commit(message: str, **files: str) -> None:
        for name, text in files.items():
            (root / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
            (root / name.replace("__", "/")).write_text(text, encoding="utf-8")
        git("add", "-A")
        git("-c", "user.name=测试", "-c", "user.email=t@example.org", "commit", "-q", "-m", message)

    git("init", "-q", "-b", "main")
    commit("root", a="1\n", b="2\n")
    commit("chinese", **{"材料__盖章页.txt": "章\n"})
    (root / "b").unlink()
    commit("delete")
    git("checkout", "-q", "-b", "side")
    commit("side", a="1\nside\n", s="s\n")
    git("checkout", "-q", "main")
    commit("main", a="1\nmain\n")
    run_git(root, "merge", "-q", "side", check=False)          # conflicts on a
    commit("resolve", a="1\nboth\n", evil="added by the merge\n")
    git("checkout", "-q", "-b", "later", "HEAD~1")
    commit("later", z="z\n")
    git("checkout", "-q", "main")
    run_git(root, "-c", "user.name=测试", "-c", "user.email=t@example.org", "merge", "-q",
            "--no-edit", "later")
    return root


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_parallel_log_says_what_one_git_log_says(branchy: Path, workers: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vcs, "CHUNK_MIN", 1)        # split even this small history
    found = list(Vcs(branchy).log(["HEAD"], workers=workers))
    expected = one_git_log(branchy, "HEAD")
    assert found == expected
    paths = {c.path for commit in found for c in commit.changes}
    assert "材料/盖章页.txt" in paths and "evil" in paths
    merge = next(c for c in found if c.subject == "resolve")
    assert {c.path for c in merge.changes} == {"a", "evil"}      # what the merge introduced


def test_path_limited_log_matches_git_log(branchy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vcs, "CHUNK_MIN", 1)
    found = list(Vcs(branchy).log(["HEAD"], paths=["a"], workers=2))
    expected = one_git_log(branchy, "HEAD", "--", "a")
    assert found == expected and found


def test_empty_range_yields_nothing(branchy: Path) -> None:
    assert list(Vcs(branchy).log(["HEAD", "^HEAD"], workers=2)) == []


def test_blobs_pipelined_past_the_window(branchy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "WINDOW", 2)
    with Vcs(branchy) as repo:
        blobs = repo.tree_blobs("HEAD")
        repo.prefetch(list(blobs.values()) * 3)               # repeats are asked once
        for path, sha in reversed(list(blobs.items())):      # read in another order
            assert repo.blob(sha) == (branchy / path).read_bytes()


def test_missing_blob_is_a_clear_error(branchy: Path) -> None:
    with Vcs(branchy) as repo, pytest.raises(QianghuiError, match="缺少对象"):
        repo.blob("1" * 40)


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(QianghuiError, match="不是 git 仓库"):
        Vcs(tmp_path)
    with pytest.raises(QianghuiError, match="不是 git 仓库"):
        Vcs(tmp_path / "missing")


def test_bare_repository_keeps_its_cache_in_its_own_folder(branchy: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(branchy), str(bare)], check=True)
    assert Vcs(bare).bare and Vcs(bare).cache_root == bare / "qianghui" / "cache"
    assert not Vcs(branchy).bare and Vcs(branchy).cache_root == branchy / "build"


def test_history_check_the_same_on_any_number_of_workers(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    repo: Repo = make_repo(tmp_path / "repo")
    for who, society in ((STRANGER, "hbjx"), (HBJX, "hbjx"), (HBNX, "hbjx"), (HBNX, "hbnx")):
        repo.replace(application(society), "项目名称: ", "项目名称: 改")
        repo.commit(who, "改名称")
    serial = repo.violations()
    assert [v.rule for v in serial] == ["身份", "权限"]
    monkeypatch.setattr(vcs, "CHUNK_MIN", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 3)
    assert history.check_range(Vcs(repo.root), ["HEAD", "^round-2022"]) == serial
