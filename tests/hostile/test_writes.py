"""Hostile input against the files commands write: a `git commit` that fails (a pre-commit hook
that refuses, a locked index) must leave the working file and the index exactly as they were,
and text typed on the command line (a seed, an opinion) is refused as an argument before
anything is written — so no command writes a file its own validation rejects. Real temporary
repositories, the real CLI in a subprocess."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import (
    ADMIN,
    HBJX,
    SPOT_CHECK,
    Repo,
    application,
    decision_path,
    fund,
    run_git,
)

from pipeline.errors import QianghuiError
from pipeline.history.vcs import Vcs
from pipeline.transaction import Transaction

from .conftest import QIANGHUI, assert_refused, attempt

APP = application("hbjx")
DECISION = decision_path("hbjx")


@pytest.fixture
def repo(dated_repo: Repo) -> Repo:
    return dated_repo


@pytest.fixture
def draft(repo: Repo) -> Repo:
    """hbjx's complete application saved as a draft, the repository acting as hbjx's user."""
    repo.replace(APP, "状态: 已提交", "状态: 草稿")
    repo.commit(HBJX, "保存草稿")
    repo.act_as(HBJX)
    return repo


def state(repo: Repo) -> tuple[dict[str, bytes], str, str, str]:
    """Everything a failed command must leave as it was: the files, the index (every entry,
    staged content included), what git status says, and HEAD."""
    files = {p.relative_to(repo.root).as_posix(): p.read_bytes()
             for p in sorted(repo.root.rglob("*"))
             if p.is_file() and ".git" not in p.relative_to(repo.root).parts
             and "build" not in p.relative_to(repo.root).parts}
    index = run_git(repo.root, "ls-files", "--stage", "-z").stdout
    return files, index, run_git(repo.root, "status", "--porcelain").stdout, repo.head()


def refusing_hook(repo: Repo) -> Callable[[], None]:
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho '钩子：本次提交被拒绝' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    return lambda: hook.unlink()


def locked_index(repo: Repo) -> Callable[[], None]:
    lock = repo.root / ".git" / "index.lock"
    lock.write_bytes(b"")
    return lambda: lock.unlink()


BREAKERS = {"a refusing pre-commit hook": refusing_hook, "a locked index": locked_index}


@pytest.mark.parametrize("breaker", list(BREAKERS))
def test_submit_restores_the_form_and_the_index(draft: Repo, breaker: str) -> None:
    draft.write("submissions/2022/hbjx/files/新照片.png", b"not committed yet")   # untracked
    before = state(draft)
    mend = BREAKERS[breaker](draft)
    done = attempt(draft.root, "submit", "hbjx")
    mend()
    assert_refused(done, 1, "git", "已恢复原样", APP)
    assert state(draft) == before


@pytest.mark.parametrize("breaker", list(BREAKERS))
def test_submit_keeps_what_the_user_had_staged(draft: Repo, breaker: str) -> None:
    """Staged content of the form (not the working copy) comes back too."""
    draft.replace(APP, "党员人数: ", "党员人数: 1")
    draft.git("add", APP)
    draft.replace(APP, "党员人数: 1", "党员人数: ")
    before = state(draft)
    mend = BREAKERS[breaker](draft)
    done = attempt(draft.root, "submit", "hbjx")
    mend()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert state(draft) == before


@pytest.mark.parametrize("breaker", list(BREAKERS))
def test_review_restores_decision_and_index(repo: Repo, breaker: str) -> None:
    repo.act_as(ADMIN)
    before = state(repo)
    mend = BREAKERS[breaker](repo)
    done = attempt(repo.root, "review", "hbjx", "--驳回", "-m", "请补充预算说明")
    mend()
    assert_refused(done, 1, "git", "已恢复原样", DECISION)
    assert state(repo) == before and not repo.path(DECISION).exists()


def test_review_over_a_hand_written_decision_restores_its_bytes(repo: Repo) -> None:
    repo.write(DECISION, "# 手写的注释\n结题: {}\n")
    repo.commit(ADMIN, "手写")
    repo.act_as(ADMIN)
    before = state(repo)
    mend = refusing_hook(repo)
    done = attempt(repo.root, "review", "hbjx", "--驳回", "-m", "请补充")
    mend()
    assert done.returncode == 1 and state(repo) == before


def test_the_transaction_restores_several_files_and_removes_new_ones(repo: Repo) -> None:
    """The one mechanism under every command: a file that existed gets its bytes back, one it
    created disappears, and entries it staged leave the index — whatever the failure."""
    kept, made = repo.path(APP), repo.path("reviews/2022/hbjx/panel/new.yaml")
    before = state(repo)
    with pytest.raises(QianghuiError, match="已恢复原样"):
        with Transaction([kept, made], Vcs(repo.root), [kept, made]) as tx:
            tx.write(kept, b"changed\n")
            tx.write(made, b"new\n")
            run_git(repo.root, "add", "--", APP, "reviews/2022/hbjx/panel/new.yaml")
            raise QianghuiError("模拟的失败")
    assert state(repo) == before and not made.exists()
    assert not repo.path("reviews").exists()          # the folders it made are gone too
    with pytest.raises(KeyboardInterrupt):
        with Transaction([kept]) as tx:
            tx.write(kept, b"changed\n")
            raise KeyboardInterrupt
    assert state(repo) == before


def linked_outside(repo: Repo, name: str, outside: Path) -> Path:
    """`name` in the repository as a symbolic link to a file outside it."""
    outside.write_text("外面的文件\n", encoding="utf-8")
    link = repo.path(name)
    link.symlink_to(outside)
    return link


@pytest.mark.parametrize("command", [["codeowners"], ["diff", "HEAD", "-o", "impact.json"]])
def test_no_write_goes_through_a_link(repo: Repo, tmp_path: Path, command: list[str]) -> None:
    outside = tmp_path / "outside.txt"
    link = linked_outside(repo, "CODEOWNERS" if command[0] == "codeowners" else command[-1], outside)
    if command[0] == "diff":
        command[-1] = str(link)
    # -o is refused as an argument (exit 2); the repository's own CODEOWNERS as a link is a
    # problem of the repository's files, refused by the transaction like every such file (exit 1)
    assert_refused(attempt(repo.root, *command), 2 if command[0] == "diff" else 1, "符号链接")
    assert outside.read_text(encoding="utf-8") == "外面的文件\n" and link.is_symlink()


# -- text from the command line that becomes file content ---------------------------------------

NASTY = [
    "#开头是井号", "a #b", "第一行\n第二行", "", "   ", "x" * 101, "种" * 100,
    "\udcff\udcfe", "铃\x07声", "\x85NEL", "行\u2028分隔", "\u202e反向", "零\u200b宽", "\ue000私用",
    "'单引号", '"双引号"', "a: b", "- 列表", "{映射: 1}", "[1, 2]", "&锚点", "*别名", "!!python/object",
    "%YAML", "@at", "`反引号`", "| 块", "> 折叠", "null", "~", "yes", "no", "0x1F", "1e3", "2022-05-01",
    "😀表情", "  前后空格  ", "中文种子", "\\反斜杠\\n", "\t制表", "---", "...",
]


@pytest.fixture
def funded(repo: Repo) -> Repo:
    """hbjx funded by an approved selection, the repository acting as the admin."""
    fund(repo)
    repo.act_as(ADMIN)
    return repo


def test_spot_check_seed_is_refused_or_written_valid(funded: Repo) -> None:
    """For each nasty seed: exit 2 naming --种子 with nothing written, or a spot-check.yaml that
    validates clean and redraws (--verify) with the seed as typed (stripped)."""
    for seed in NASTY:
        done = attempt(funded.root, "spot-check", "--种子", seed, "--日期", "2022-09-01")
        if done.returncode == 2:
            assert_refused(done, 2, "--种子")
            assert not funded.path(SPOT_CHECK).exists(), seed
            continue
        assert done.returncode == 0, (seed, done.stderr)
        text = funded.path(SPOT_CHECK).read_text(encoding="utf-8")
        valid = attempt(funded.root, "validate", SPOT_CHECK)
        assert valid.returncode == 0, (seed, valid.stdout, text)
        assert attempt(funded.root, "spot-check", "--verify").returncode == 0, (seed, text)
        assert f"种子：{seed.strip()}" in done.stdout
        funded.remove(SPOT_CHECK)


@pytest.mark.parametrize("seed", ["#开头是井号", "第一行\n第二行", "", "x" * 101, "\udcff"])
def test_the_seeds_of_the_issue_are_usage_errors_or_kept(funded: Repo, seed: str) -> None:
    done = attempt(funded.root, "spot-check", "--种子", seed)
    if seed.startswith("#"):            # a fine seed: written quoted, so it is no comment
        assert done.returncode == 0, done.stderr
        assert "种子: \"#开头是井号\"" in funded.read(SPOT_CHECK)
    else:
        assert_refused(done, 2, "--种子")


def test_review_opinion_is_refused_or_written_valid(repo: Repo) -> None:
    """For each nasty opinion: exit 2 naming -m with decision.yaml untouched, or a decision
    that validates clean and keeps the opinion as typed (stripped), committed."""
    repo.act_as(ADMIN)
    start = repo.head()
    for opinion in NASTY:
        done = attempt(repo.root, "review", "hbjx", "--驳回", "-m", opinion, "--日期", "2022-05-20")
        if done.returncode == 2:
            assert_refused(done, 2, "-m")
            assert not repo.path(DECISION).exists() and repo.head() == start, opinion
            continue
        assert done.returncode == 0, (opinion, done.stderr)
        valid = attempt(repo.root, "validate", DECISION)
        assert valid.returncode == 0, (opinion, valid.stdout)
        shown = subprocess.run(["git", "log", "-1", "--format=%B"], cwd=repo.root, text=True,
                               capture_output=True, check=True).stdout
        assert opinion.strip() in shown
        repo.git("reset", "-q", "--hard", start)


def test_review_opinion_in_invalid_utf8_is_a_usage_error(repo: Repo) -> None:
    """argv bytes that are not UTF-8 (surrogateescape in Python): exit 2, not an internal error."""
    repo.act_as(ADMIN)
    done = subprocess.run([str(QIANGHUI), "-C", str(repo.root),
                           "review", "hbjx", "--驳回", b"-m", b"\xff\xfe\xe4\xb8"],
                          capture_output=True, timeout=120, check=False)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "-m" in err and "UTF-8" in err and "内部错误" not in err
    assert not repo.path(DECISION).exists()


def test_a_conflicted_form_is_refused_before_anything_is_written(draft: Repo) -> None:
    """An index holding a merge conflict on the folder: submit says so and changes nothing."""
    draft.git("checkout", "-q", "-b", "other")
    draft.replace(APP, "党员人数: ", "党员人数: 9")
    draft.commit(HBJX, "一边")
    draft.git("checkout", "-q", "main")
    draft.replace(APP, "党员人数: ", "党员人数: 8")
    draft.commit(HBJX, "另一边")
    draft.git("merge", "-q", "other", check=False)
    draft.write(APP, draft.read(APP).replace("<<<<<<<", "#").replace("=======", "#")
                .replace(">>>>>>>", "#"))
    before = state(draft)
    done = attempt(draft.root, "submit", "hbjx")
    assert done.returncode == 1 and "Traceback" not in done.stderr and "内部错误" not in done.stderr
    assert state(draft) == before

