"""Hostile input through git: words on the command line that git would read as options, commit
metadata git accepts but a parser may not (separator bytes, other encodings, dates Python cannot
hold, no e-mail), names that point at trees and blobs, and an unrelated history merged into
main. Every case runs the real engine on a real temporary repository (and, for the hook, a
real bare remote with the shipped hooks): a message or a judged commit, never a crash."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from gitrepo import (
    ADMIN,
    AFTER,
    BEFORE,
    HBJX,
    LATER,
    MAINTAINER,
    STRANGER,
    Repo,
    Who,
    application,
    isolated_env,
    make_central,
    make_repo,
    push,
    remote_ref,
    run_git,
)

from pipeline.history.revisions import range_revs
from pipeline.history.vcs import Vcs

from .conftest import assert_refused, attempt


@pytest.fixture
def repo(tmp_path: Path, isolated_git: None) -> Repo:
    return make_repo(tmp_path / "work")


@pytest.fixture
def central(tmp_path: Path, isolated_git: None) -> tuple[Repo, Path]:
    """A working repository and the central bare one with the shipped hooks, first push made."""
    return make_central(tmp_path)


def edit(repo: Repo, who: Who, members: str = "24", when: str = BEFORE) -> str:
    """A real change to hbjx's application, committed as `who`."""
    path = application("hbjx")
    text = repo.read(path)
    line = next(ln for ln in text.splitlines() if ln.startswith("党员人数: "))
    repo.write(path, text.replace(line, f"党员人数: {members}"))
    return repo.commit(who, "修改申报表", when=when)


def craft(repo: Repo, author: bytes, subject: bytes, *, parent: str = "HEAD",
          tree: str | None = None) -> str:
    """A commit object written byte for byte (`git hash-object --literally`): git keeps what
    `git commit` would clean up or refuse, as a hostile client may send it. HEAD moves to it."""
    tree = tree or repo.head(f"{parent}^{{tree}}")
    body = (b"tree " + tree.encode() + b"\nparent " + repo.head(parent).encode() + b"\n"
            b"author " + author + b"\ncommitter " + author + b"\n\n" + subject + b"\n")
    done = subprocess.run(["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"],
                          cwd=repo.root, input=body, capture_output=True, env=isolated_env(),
                          timeout=60, check=True)
    sha = done.stdout.decode().strip()
    repo.git("update-ref", "HEAD", sha)
    repo.git("reset", "-q", "--hard")
    return sha


def ident(who: Who, when: str = "1652148000 +0800") -> bytes:
    return f"{who.name} <{who.email}> {when}".encode()


# -- 1. words that would be options --------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["check-history", "HEAD --output={out}"],           # one word, spaces inside
    ["check-history", "--", "--output={out}"],
    ["check-history", "--output={out}"],
    ["check-history", "--", "HEAD..--output={out}"],
    ["check-history", "--", "^--output={out} HEAD"],
    ["diff", "--", "--output={out}", "HEAD"],
    ["diff", "HEAD", "--", "--output={out}"],
    ["history", "--", "--output={out}"],
])
def test_option_like_words_never_reach_git(repo: Repo, tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / "written-by-git.txt"
    words = [a.format(out=out) for a in args]
    before = repo.read("config/people.yaml")
    assert_refused(attempt(repo.root, *words), 2, "--output=")
    assert not out.exists()
    assert repo.read("config/people.yaml") == before


def test_overwriting_people_cannot_hide_a_violation(repo: Repo) -> None:
    """The attack of the issue: git's --output overwrote config/people.yaml, the check passed."""
    edit(repo, STRANGER)
    target = repo.path("config/people.yaml")
    done = attempt(repo.root, "check-history", f"HEAD --output={target}")
    assert_refused(done, 2, f"--output={target}")
    assert attempt(repo.root, "check-history").returncode == 1


@pytest.mark.parametrize("text", ["round-2022..HEAD", "round-2022...HEAD", "^round-2022 HEAD",
                                  "HEAD~2..", "..HEAD", "HEAD ^HEAD~1", "HEAD~1...HEAD~2"])
def test_ranges_are_parsed_by_us_as_git_would(repo: Repo, text: str) -> None:
    """Each side verified alone; the commit ids we give git select what git's own reading of
    the range selects."""
    for members in ("24", "25", "26"):
        edit(repo, HBJX, members)
    repo.git("checkout", "-q", "-b", "side", "HEAD~2")
    edit(repo, HBJX, "30")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-edit", "-s", "ours", "side")
    vcs = Vcs(repo.root)
    revs = range_revs(vcs, text)
    assert all(rev.lstrip("^") == vcs.resolve(rev.lstrip("^")) for rev in revs)   # commit ids only
    ours = run_git(repo.root, "rev-list", *revs).stdout.split()
    theirs = run_git(repo.root, "rev-list", *text.split()).stdout.split()
    assert sorted(ours) == sorted(theirs)


@pytest.mark.parametrize(("text", "said"), [
    ("", "提交范围是空的"), ("^HEAD", "只排除了提交"), ("^ HEAD", "空的版本名"),
    ("HEAD\x07", "控制字符")])
def test_malformed_ranges_are_usage_errors(repo: Repo, text: str, said: str) -> None:
    assert_refused(attempt(repo.root, "check-history", "--", text), 2, said)


@pytest.mark.parametrize("kind", ["tree", "blob"])
def test_a_tag_on_a_tree_or_a_blob_is_named(repo: Repo, kind: str) -> None:
    target = repo.head("HEAD^{tree}") if kind == "tree" else repo.head("HEAD:config/people.yaml")
    repo.git("tag", "-a", "-m", "奇怪的标签", "odd", target)
    for text in ("odd", "odd..HEAD"):
        assert_refused(attempt(repo.root, "check-history", text), 1, "「odd」", f"指向的是 {kind}")
    assert_refused(attempt(repo.root, "diff", "odd"), 2, "找不到版本「odd」")


def test_an_option_like_society_is_a_usage_error(repo: Repo) -> None:
    for command in ("history", "submit", "review"):
        extra = ["--驳回", "-m", "意见"] if command == "review" else []
        done = attempt(repo.root, command, *extra, "--", "--output=/tmp/x")
        assert_refused(done, 2, "「--output=/tmp/x」", "学会 id")


# -- 2. metadata git allows ------------------------------------------------------------------

def judged(repo: Repo, *rev_range: str) -> str:
    """check-history over the round (or a range): exit 0 or 1 (a judgement), never a crash."""
    done = attempt(repo.root, "check-history", *rev_range)
    text = done.stdout + done.stderr
    assert "Traceback" not in text and "内部错误" not in text, text
    assert done.returncode in (0, 1), text
    return done.stdout


@pytest.mark.parametrize(("author", "subject"), [
    (b"Eve <eve\x1f@example.com> 1652148000 +0800", b"ok"),
    (b"Eve \x1e\x1f <eve@example.com> 1652148000 +0800", b"sub\x1eject\x1f with separators"),
    (b"\xff\xfe\xb2\xe2 <eve@example.com> 1652148000 +0800", b"\xc4\xe3\xba\xc3 in GBK"),
    (b"Eve <> 1652148000 +0800", b"no e-mail"),
    (b"Eve <eve@example.com> 1652148000 +0800", b"x" * 1_000_000),
    (b"Eve <eve@example.com> 1652148000 +9959", b"an offset of 99 hours"),
    (b"Eve <eve@example.com> 253402300800 +0000", b"the year 10000"),
    (b"Eve <eve@example.com> 0 +0000", b"1970"),
    (b"Eve <eve@example.com> notadate +0000", b"no date at all"),
    (b"Eve <eve@example.com> 1652148000 +0800", b"a NUL\x00 in the message"),
])
def test_crafted_metadata_is_judged_not_crashed(repo: Repo, author: bytes, subject: bytes) -> None:
    edit(repo, HBJX)
    sha = craft(repo, author, subject)
    out = judged(repo)
    assert f"{sha[:10]} " in out and "[身份]" in out        # a stranger, named, judged


def test_a_maintainers_separator_bytes_are_no_internal_error(repo: Repo) -> None:
    """A registered person's e-mail behind separator bytes of the old format is still that
    person: the commit passes."""
    repo.write("docs/说明.md", "维护说明\n")
    repo.git("add", "-A")
    craft(repo, ident(MAINTAINER, "1652148000 +0800"), "文档\x1e更新\x1f（维护）".encode(),
          tree=repo.git("write-tree").stdout.strip())
    assert attempt(repo.root, "check-history").returncode == 0


def test_far_future_dates_are_late(repo: Repo) -> None:
    """A date Python cannot hold is never on time: an application submitted then is late."""
    path = application("hbjx")
    repo.write(path, repo.read(path).replace("党员人数: ", "党员人数: 1", 1))
    repo.git("add", "-A")
    craft(repo, ident(HBJX, "253402300800 +0000"), b"late", tree=repo.git("write-tree").stdout.strip())
    assert "[截止时间]" in judged(repo)


@pytest.mark.slow
def test_the_hook_accepts_a_maintainers_commit_with_separator_bytes(
        central: tuple[Repo, Path]) -> None:
    """Through the real pre-receive hook: the commit of the issue was refused with an
    internal error; it is a maintainer's ordinary change and is accepted."""
    repo, remote = central
    repo.write("docs/说明.md", "维护说明\n")
    repo.git("add", "-A")
    sha = craft(repo, ident(MAINTAINER), b"docs\x1eupdate\x1fnotes",
                tree=repo.git("write-tree").stdout.strip())
    done = push(repo, "main")
    assert done.returncode == 0, done.stderr
    assert "内部错误" not in done.stderr and remote_ref(remote, "refs/heads/main") == sha
    edit(repo, STRANGER)
    craft(repo, b"Eve <eve\x1f@example.com> 1652148000 +0800", b"x\x1ey")
    refused = push(repo, "main")
    assert refused.returncode != 0 and "[身份]" in refused.stderr and "内部错误" not in refused.stderr


@pytest.mark.slow
def test_the_hook_judges_a_tag_on_a_blob(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    repo.git("tag", "-a", "-m", "blob", "blobtag", repo.head("HEAD:config/people.yaml"))
    done = push(repo, "refs/tags/blobtag")
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr                # a tag names no commit to judge


# -- 3. an unrelated history merged into main --------------------------------------------------

def orphan(repo: Repo, who: Who, files: dict[str, str], when: str) -> str:
    """A branch with no common history, its one commit by `who` dated `when`; back on main."""
    repo.git("checkout", "-q", "--orphan", "imported")
    repo.git("rm", "-q", "-rf", "--cached", ".")
    for name in list(repo.root.iterdir()):
        if name.name != ".git":
            run_git(repo.root, "clean", "-q", "-fdx")
            break
    for name, text in files.items():
        repo.write(name, text)
    root = repo.commit(who, "导入", when=when)
    repo.git("checkout", "-q", "-f", "main")
    return root


def merge_unrelated(repo: Repo, who: Who, when: str = LATER) -> str:
    repo.git("merge", "-q", "--no-edit", "--allow-unrelated-histories", "imported",
             who=who, when=when)
    return repo.head()


def test_a_maintainer_merging_an_orphan_branch_passes(repo: Repo) -> None:
    """The orphan's commit is older than the round (so it comes first in the walk): it is
    judged on the round's state — people list and all — not on an empty repository."""
    orphan(repo, MAINTAINER, {"docs/tools/导入.md": "工具说明\n"}, "2021-01-01T09:00:00+08:00")
    merge_unrelated(repo, MAINTAINER)
    edit(repo, HBJX, when=LATER.replace("06-01", "05-11"))     # later commits still judged
    out = judged(repo)
    assert "未在 config/people.yaml 中登记" not in out
    assert "[截止时间]" in out or "历史检查通过" in out


def test_an_unrelated_root_by_a_society_user_is_its_own_violation(repo: Repo) -> None:
    root = orphan(repo, HBJX, {"docs/notes.md": "x\n"}, "2021-01-01T09:00:00+08:00")
    merge_unrelated(repo, MAINTAINER)
    out = judged(repo)
    assert f"{root[:10]} " in out and "[无关历史]" in out and "只有维护者可以带入无关的历史" in out


def test_an_unrelated_root_is_judged_by_its_own_author(repo: Repo) -> None:
    """What the orphan brings is judged by who wrote it: a stranger stays a stranger, and an
    admin file brought by a maintainer breaks the admin rule."""
    stranger = orphan(repo, STRANGER, {"docs/a.md": "a\n"}, "2021-01-01T09:00:00+08:00")
    merge_unrelated(repo, MAINTAINER)
    out = judged(repo)
    assert f"{stranger[:10]} 路人甲" in out and "[身份]" in out
    repo.git("branch", "-D", "imported")
    brought = orphan(repo, MAINTAINER, {"reviews/2022/hbjx/decision.yaml": "申报: {}\n"}, AFTER)
    merge_unrelated(repo, ADMIN)
    out = judged(repo)
    assert f"{brought[:10]} " in out and "只有管理员可以修改此文件" in out
    assert os.path.exists(repo.path("reviews/2022/hbjx/decision.yaml"))


def test_a_rules_start_tag_on_a_tree_says_so(repo: Repo) -> None:
    repo.git("tag", "-d", "round-2022")
    repo.git("tag", "round-2022", repo.head("HEAD^{tree}"))
    assert_refused(attempt(repo.root, "check-history"), 1, "规则起始「round-2022」指向的是 tree")


def test_an_orphan_branch_on_its_own_is_judged_on_main(repo: Repo) -> None:
    """A range holding only an unrelated history (a side branch pushed for review) is judged on
    the state of what it is compared with, not on an empty repository."""
    root = orphan(repo, HBJX, {"docs/notes.md": "x\n"}, BEFORE)
    out = judged(repo, "main..imported")
    assert f"{root[:10]} " in out and "[无关历史]" in out
    assert "未在 config/people.yaml 中登记" not in out


@pytest.mark.slow
def test_the_hook_judges_a_pushed_orphan_branch_on_main(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    orphan(repo, MAINTAINER, {"docs/tools/导入.md": "工具说明\n"}, "2021-01-01T09:00:00+08:00")
    done = push(repo, "imported")
    assert done.returncode == 0, done.stderr          # a maintainer's import: accepted
    repo.git("branch", "-D", "imported")
    orphan(repo, HBJX, {"docs/notes.md": "x\n"}, BEFORE)
    done = push(repo, "+imported")
    assert done.returncode != 0 and "[无关历史]" in done.stderr
    assert "未在 config/people.yaml 中登记" not in done.stderr
