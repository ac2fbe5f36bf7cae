"""The central repository set up as the README says: a bare repository with the shipped
pre-receive and post-receive hooks, its first push `git push origin main round-2022`, then real
pushes from clones with different identities and chosen dates — one test per hole of issue 11
the server closes (refs, the server's clock, content at the gate, the first day, a broken engine).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest
from gitrepo import (
    ADMIN,
    AFTER,
    BEFORE,
    HBJSJ,
    HBJX,
    HBNX,
    LATER,
    MAINTAINER,
    PROGRAM,
    QIANGHUI,
    ROOT,
    TIMEOUT,
    Repo,
    Who,
    application,
    fund,
    install_hook,
    isolated_env,
    make_central,
    make_remote,
    push,
    push_env,
    remote_ref,
    run_git,
    verdict,
)

from pipeline.history.vcs import RECEIVED

pytestmark = [pytest.mark.slow,     # a central repository with real hooks per test
              pytest.mark.skipif(not QIANGHUI.exists(), reason=f"{QIANGHUI} is not installed")]

MAIN = "refs/heads/main"
TAG = "refs/tags/round-2022"


@pytest.fixture
def central(tmp_path: Path, isolated_git: None) -> tuple[Repo, Path]:
    """A working repository and the central one, hooks installed before the first push."""
    return make_central(tmp_path)


def edit(repo: Repo, who: Who, society: str = "hbjx", members: str = "24", when: str = BEFORE) -> str:
    path = application(society)
    text = repo.read(path)
    line = next(ln for ln in text.splitlines() if ln.startswith("党员人数: "))
    repo.write(path, text.replace(line, f"党员人数: {members}"))
    return repo.commit(who, "修改申报表", when=when)


def engine(remote: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`qianghui -C <dir> …` as a user (or the office, on the server) runs it."""
    return subprocess.run([str(QIANGHUI), "-C", str(remote), *args], env=isolated_env(), text=True,
                          capture_output=True, timeout=TIMEOUT)


# -- refs --------------------------------------------------------------------------------------

def test_force_push_rewinding_main_is_refused(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    kept = edit(repo, HBJX)
    assert push(repo, "main").returncode == 0
    repo.git("reset", "-q", "--hard", "HEAD~1")
    done = push(repo, "-f", "main")
    assert done.returncode != 0
    assert f"推送被拒绝：{MAIN}：不能改写主分支的历史" in done.stderr
    assert remote_ref(remote, MAIN) == kept


@pytest.mark.parametrize(("ref", "message"), [(MAIN, "不能删除主分支"),
                                              (TAG, "年度的规则起始标签不能删除")])
def test_deleting_main_or_the_round_tag_is_refused(central: tuple[Repo, Path], ref: str,
                                                   message: str) -> None:
    repo, remote = central
    before = remote_ref(remote, ref)
    done = push(repo, f":{ref}")
    assert done.returncode != 0 and f"{ref}：{message}" in done.stderr
    assert remote_ref(remote, ref) == before


def test_the_branch_head_names_is_protected_too(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    run_git(remote, "symbolic-ref", "HEAD", "refs/heads/trunk")
    assert push(repo, "main:refs/heads/trunk").returncode == 0
    done = push(repo, ":refs/heads/trunk")
    assert done.returncode != 0 and "refs/heads/trunk：不能删除主分支" in done.stderr


def test_moving_the_round_tag_is_refused(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    before = remote_ref(remote, TAG)
    edit(repo, HBNX)                                # a commit the rules would refuse …
    repo.git("tag", "-f", "round-2022")             # … hidden behind a moved start
    done = push(repo, "-f", "main", "round-2022")
    assert done.returncode != 0 and f"{TAG}：年度的规则起始标签不能移动" in done.stderr
    assert remote_ref(remote, TAG) == before


def open_2023(repo: Repo) -> str:
    """The admin adds the 2023 program, naming round-2023 as its start."""
    text = repo.read(PROGRAM).replace("年度: 2022", "年度: 2023")
    text = text.replace("规则起始: round-2022", "规则起始: round-2023")
    repo.write("config/program-2023.yaml", text)
    return repo.commit(ADMIN, "开放 2023 年度申报", when=BEFORE)


def test_a_round_tag_on_an_unjudged_commit_is_refused(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    opened = open_2023(repo)
    done = push(repo, "main")
    assert done.returncode == 0, done.stderr
    assert "git tag round-2023 && git push origin main round-2023" in done.stderr
    edit(repo, HBNX)                                # not judged yet: only on this clone
    repo.git("tag", "round-2023")
    done = push(repo, "refs/tags/round-2023")
    assert done.returncode != 0
    assert "refs/tags/round-2023：规则起始标签只能打在中央仓库主分支上已有的提交上" in done.stderr
    assert remote_ref(remote, "refs/tags/round-2023") == ""
    repo.git("tag", "-f", "round-2023", opened)     # the office's way: on the pushed commit
    done = push(repo, "refs/tags/round-2023")
    assert done.returncode == 0, done.stderr


# -- the server's clock ------------------------------------------------------------------------

def test_a_backdated_commit_pushed_after_the_deadline_is_refused(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    before = remote_ref(remote, MAIN)
    edit(repo, HBJX, when=BEFORE)
    done = push(repo, "main", env=push_env(server_time=AFTER))
    assert done.returncode != 0
    assert "[截止时间] 服务器收到的时间 2022-05-13 00:00 晚于申报截止时间" in done.stderr
    assert remote_ref(remote, MAIN) == before


def note(remote: Path, sha: str) -> str:
    return run_git(remote, "notes", f"--ref={RECEIVED}", "show", sha, check=False).stdout.strip()


def test_the_server_records_when_it_received_each_commit(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    first = edit(repo, HBJX, members="24")
    second = edit(repo, HBJX, members="25")
    done = push(repo, "main", env=push_env(server_time="2022-05-11T08:00:00+08:00"))
    assert done.returncode == 0, done.stderr
    assert note(remote, first) == note(remote, second) == "2022-05-11T00:00:00+00:00"


def test_check_history_trusts_the_record_over_commit_dates(central: tuple[Repo, Path]) -> None:
    """A PC clock running late: committed 'after' the deadline, received before it."""
    repo, remote = central
    late = edit(repo, HBJX, when=AFTER)
    assert push(repo, "main", env=push_env(server_time=BEFORE)).returncode == 0
    on_server = engine(remote, "check-history")
    assert on_server.returncode == 0, on_server.stdout + on_server.stderr
    local = engine(repo.root, "check-history")           # no record here yet: the commit date
    assert local.returncode == 1 and f"{late[:10]}" in local.stdout and "提交时间" in local.stdout
    repo.git("fetch", "-q", "origin", f"{RECEIVED}:{RECEIVED}")
    assert engine(repo.root, "check-history").returncode == 0


def test_nobody_can_push_the_record_of_receipt(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    sha = edit(repo, HBJX, when=AFTER)
    repo.git("notes", f"--ref={RECEIVED}", "add", "-m", "2022-05-01T00:00:00+00:00", sha)
    before = remote_ref(remote, RECEIVED)                  # the first day's record
    done = push(repo, "main", f"+{RECEIVED}:{RECEIVED}")
    assert done.returncode != 0 and f"{RECEIVED}：服务器收到提交的时间只能由服务器自己记录" in done.stderr
    assert before and remote_ref(remote, RECEIVED) == before


def test_the_first_receipt_of_a_commit_wins(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    sha = edit(repo, HBJX)
    assert push(repo, "HEAD:refs/heads/draft", env=push_env(server_time=BEFORE)).returncode == 0
    assert push(repo, ":refs/heads/draft").returncode == 0
    done = push(repo, "main", env=push_env(server_time=AFTER))      # the same commit, again
    assert done.returncode == 0, done.stderr
    assert note(remote, sha) == "2022-05-10T02:00:00+00:00"


# -- content at the gate -----------------------------------------------------------------------

def test_a_submitted_application_without_its_stamp_is_refused(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    before = remote_ref(remote, MAIN)
    path = application("hbjx")
    repo.write(path, "".join(line for line in repo.read(path).splitlines(keepends=True)
                             if not line.startswith("盖章页")))
    repo.commit(HBJX, "提交申报表", when=BEFORE)
    done = push(repo, "main")
    assert done.returncode != 0
    assert f"remote: {path}:" in done.stderr and "盖章页" in done.stderr
    assert "带来的已提交材料或审核文件有" in done.stderr and "git commit --amend" in done.stderr
    assert remote_ref(remote, MAIN) == before


def test_a_stamp_page_linking_out_of_the_repository_is_refused(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    before = remote_ref(remote, MAIN)
    stamp = repo.path("submissions/2022/hbjx/files/盖章页.png")
    stamp.unlink()
    stamp.symlink_to("/etc/passwd")
    repo.commit(HBJX, "换盖章页", when=BEFORE)
    done = push(repo, "main")
    assert done.returncode != 0 and "submissions/2022/hbjx/application.yaml:" in done.stderr
    assert remote_ref(remote, MAIN) == before


def test_a_draft_with_problems_passes(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    path = application("hbjsj")
    text = repo.read(path)
    line = next(ln for ln in text.splitlines() if ln.startswith("党员人数: "))
    repo.write(path, text.replace(line, "党员人数: 很多"))
    sha = repo.commit(HBJSJ, "保存草稿", when=BEFORE)
    assert engine(repo.root, "validate", path).returncode == 1     # it does have problems
    done = push(repo, "main")
    assert done.returncode == 0, done.stderr
    assert remote_ref(remote, MAIN) == sha


def test_a_draft_plan_with_problems_passes_and_a_submitted_one_is_refused(
        central: tuple[Repo, Path]) -> None:
    """The gate knows every draftable kind from the table of kinds, the 实施方案 too."""
    repo, remote = central
    fund(repo)
    plan = "submissions/2022/hbjx/plan.yaml"
    text = "年度: 2022\n学会: hbjx\n状态: {}\n活动安排:\n  - 日期: 下个月\n"
    repo.write(plan, text.format("草稿"))
    sha = repo.commit(HBJX, "实施方案草稿", when=LATER)
    assert engine(repo.root, "validate", plan).returncode == 1     # it does have problems
    done = push(repo, "main", env=push_env(server_time=LATER))
    assert done.returncode == 0, done.stderr
    assert remote_ref(remote, MAIN) == sha
    repo.write(plan, text.format("已提交"))
    repo.commit(HBJX, "提交实施方案", when=LATER)
    done = push(repo, "main", env=push_env(server_time=LATER))
    assert done.returncode != 0 and f"remote: {plan}:" in done.stderr
    assert remote_ref(remote, MAIN) == sha


def test_a_review_file_with_problems_is_refused(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    before = remote_ref(remote, MAIN)
    decision = "reviews/2022/hbjx/decision.yaml"
    repo.write(decision, verdict("申报", "通过", repo.sha256(application("hbjx")), reviewer="li-hbjx"))
    repo.commit(ADMIN, "审核通过", when=LATER)
    done = push(repo, "main", env=push_env(server_time=LATER))
    assert done.returncode != 0
    assert f"remote: {decision}:" in done.stderr and "不是已启用的管理员" in done.stderr
    assert remote_ref(remote, MAIN) == before


def test_a_broken_config_file_pushed_is_refused(central: tuple[Repo, Path]) -> None:
    repo, remote = central
    before = remote_ref(remote, MAIN)
    repo.replace(PROGRAM, "资助数量: 15", "资助数量: 很多")
    repo.commit(ADMIN, "修改年度通知", when=BEFORE)
    done = push(repo, "main")
    assert done.returncode != 0 and f"remote: {PROGRAM}:" in done.stderr
    assert remote_ref(remote, MAIN) == before


def test_an_explicit_range_starts_after_the_round_tag(central: tuple[Repo, Path]) -> None:
    repo, _ = central                   # the setup commit (config by the maintainer) is not judged
    done = engine(repo.root, "check-history", "HEAD")
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_history_of_a_range_validates_its_content(central: tuple[Repo, Path]) -> None:
    repo, _ = central
    path = application("hbjx")
    repo.write(path, repo.read(path).replace("党员人数: 23", "党员人数: 很多"))
    repo.commit(HBJX, "提交申报表", when=BEFORE)
    done = engine(repo.root, "check-history", "origin/main..HEAD")
    assert done.returncode == 1 and f"{path}:" in done.stdout and "个错误" in done.stdout


# -- the first day -----------------------------------------------------------------------------

def shipped_copy(folder: Path) -> Repo:
    """A clone of this repository's committed history on main, without tags — or, when this
    checkout is shallow (a CI clone: a shallow history cannot be pushed into an empty
    repository), its committed tree as one commit."""
    if run_git(ROOT, "rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        run_git(folder.parent, "init", "-q", "-b", "main", str(folder))
        tree = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, env=isolated_env(),
                              capture_output=True, check=True, timeout=TIMEOUT).stdout
        with tarfile.open(fileobj=io.BytesIO(tree)) as tar:
            tar.extractall(folder, filter="data")
        repo = Repo(folder)
        repo.commit(MAINTAINER, "系统与演示年度")
        return repo
    run_git(folder.parent, "clone", "-q", "--no-local", str(ROOT), str(folder))
    run_git(folder, "checkout", "-q", "-B", "main")
    run_git(folder, "remote", "remove", "origin")
    for tag in run_git(folder, "tag").stdout.split():
        run_git(folder, "tag", "-d", tag)
    return Repo(folder)


def test_the_first_day_the_shipped_repository_is_accepted(tmp_path: Path, isolated_git: None) -> None:
    repo = shipped_copy(tmp_path / "office")
    remote = make_remote(tmp_path / "central.git")
    run_git(remote, "config", "receive.denyNonFastForwards", "true")
    run_git(remote, "config", "receive.denyDeletes", "true")
    install_hook(remote)
    repo.git("remote", "add", "origin", str(remote))
    alone = push(repo, "main")
    assert alone.returncode != 0                     # without its tag the whole history is judged
    assert "git tag round-2022 && git push origin main round-2022" in alone.stderr
    repo.git("tag", "round-2022")
    done = push(repo, "main", "round-2022")
    assert done.returncode == 0, done.stderr
    assert remote_ref(remote, MAIN) == repo.head()
    clone = tmp_path / "clerk"
    run_git(tmp_path, "clone", "-q", str(remote), str(clone))
    checked = engine(clone, "check-history")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_check_history_without_the_tag_names_the_command(tmp_path: Path, isolated_git: None) -> None:
    repo = shipped_copy(tmp_path / "office")
    done = engine(repo.root, "check-history")
    assert done.returncode == 1
    assert "git tag round-2022 && git push origin main round-2022" in done.stderr
    assert "git fetch origin --tags" in done.stderr


# -- an engine that cannot run -----------------------------------------------------------------

@pytest.mark.parametrize("engine_path", ["missing", "not-executable", "crashing", "too-old"])
def test_a_broken_engine_refuses_honestly(central: tuple[Repo, Path], tmp_path: Path,
                                          engine_path: str) -> None:
    repo, remote = central
    fake = tmp_path / engine_path
    if engine_path != "missing":
        body = {"not-executable": "exit 0", "crashing": "exit 3",
                "too-old": "echo 'invalid choice: hook' >&2; exit 2"}[engine_path]
        fake.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        fake.chmod(0o644 if engine_path == "not-executable" else 0o755)
    before = remote_ref(remote, MAIN)
    edit(repo, HBJX)
    env = push_env()
    env["QIANGHUI"] = str(fake)
    done = push(repo, "main", env=env)
    assert done.returncode != 0
    assert "服务器上的检查程序 qianghui" in done.stderr and "这不是权限问题" in done.stderr
    assert "违反权限规则" not in done.stderr
    assert remote_ref(remote, MAIN) == before


def test_the_engine_is_found_on_path(central: tuple[Repo, Path], tmp_path: Path) -> None:
    repo, remote = central
    env = push_env()
    del env["QIANGHUI"]
    env["PATH"] = f"{QIANGHUI.parent}:{env.get('PATH', '')}"
    sha = edit(repo, HBJX)
    done = push(repo, "main", env=env)
    assert done.returncode == 0, done.stderr
    assert remote_ref(remote, MAIN) == sha


def test_a_failing_post_receive_says_the_push_went_through(central: tuple[Repo, Path],
                                                           tmp_path: Path) -> None:
    repo, remote = central
    fake = tmp_path / "half-broken"
    fake.write_text('#!/bin/sh\n[ "$2" = pre-receive ] && exit 0\nexit 3\n', encoding="utf-8")
    fake.chmod(0o755)
    env = push_env()
    env["QIANGHUI"] = str(fake)
    sha = edit(repo, HBJX)
    done = push(repo, "main", env=env)
    assert done.returncode == 0 and remote_ref(remote, MAIN) == sha
    assert "推送已被接受，但服务器没能记录收到提交的时间" in done.stderr
