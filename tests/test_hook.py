"""hooks/pre-receive on a real bare repository: a forbidden push is rejected, an allowed one
accepted, and a rejected push leaves the remote's refs as they were.

The setup (and its tag) is pushed before the hook is installed — the setup itself is not a
submission — then every push runs `qianghui hook pre-receive` on what it brings. The server's own
holes (refs, clock, content, first day, broken engine) are tests/test_server.py's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import (
    BEFORE,
    HBJX,
    HBNX,
    QIANGHUI,
    STRANGER,
    Repo,
    Who,
    application,
    install_hook,
    make_remote,
    make_repo,
    push,
    remote_ref,
)

from pipeline.errors import QianghuiError
from pipeline.history.hook import parse_updates, server_now

APP = application("hbjx")

pytestmark = pytest.mark.skipif(not QIANGHUI.exists(), reason=f"{QIANGHUI} is not installed")


@pytest.fixture
def pushed(tmp_path: Path, isolated_git: None) -> tuple[Repo, Path]:
    """A clone-like working repository whose setup and tag are on the remote, hook installed."""
    repo = make_repo(tmp_path / "work")
    remote = make_remote(tmp_path / "central.git")
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main", "round-2022")
    install_hook(remote)
    return repo, remote


def edit(repo: Repo, who: Who, society: str = "hbjx", members: str = "24") -> str:
    path = application(society)
    text = repo.read(path)
    line = next(ln for ln in text.splitlines() if ln.startswith("党员人数: "))
    repo.write(path, text.replace(line, f"党员人数: {members}"))
    return repo.commit(who, "修改申报表", when=BEFORE)


def test_hook_is_installed_executable(pushed: tuple[Repo, Path]) -> None:
    _, remote = pushed
    hook = remote / "hooks" / "pre-receive"
    assert hook.stat().st_mode & 0o111
    assert hook.read_text(encoding="utf-8").startswith("#!")


def test_allowed_commit_on_a_new_branch_is_accepted(pushed: tuple[Repo, Path]) -> None:
    repo, remote = pushed
    sha = edit(repo, HBJX)
    done = push(repo, "HEAD:refs/heads/hbjx-2022")
    assert done.returncode == 0, done.stderr
    assert remote_ref(remote, "refs/heads/hbjx-2022") == sha
    assert "检查 refs/heads/hbjx-2022" in done.stderr


def test_forbidden_commit_on_a_new_branch_is_rejected(pushed: tuple[Repo, Path]) -> None:
    repo, remote = pushed
    sha = edit(repo, HBNX)
    done = push(repo, "HEAD:refs/heads/hbnx-edits-hbjx")
    assert done.returncode != 0
    assert remote_ref(remote, "refs/heads/hbnx-edits-hbjx") == ""
    assert f"{sha[:10]} 陈静 <{HBNX.email}> {APP}: [权限]" in done.stderr
    assert "推送被拒绝" in done.stderr


def test_one_forbidden_commit_rejects_the_whole_push(pushed: tuple[Repo, Path]) -> None:
    repo, remote = pushed
    edit(repo, HBJX, members="24")
    bad = edit(repo, STRANGER, members="25")
    edit(repo, HBJX, members="26")
    done = push(repo, "HEAD:refs/heads/review")
    assert done.returncode != 0
    assert f"{bad[:10]} 路人甲 <{STRANGER.email}>" in done.stderr and "[身份]" in done.stderr
    assert remote_ref(remote, "refs/heads/review") == ""


def test_forbidden_push_to_main_leaves_main_unchanged(pushed: tuple[Repo, Path]) -> None:
    repo, remote = pushed
    before = remote_ref(remote, "refs/heads/main")
    edit(repo, HBNX)
    done = push(repo, "main")
    assert done.returncode != 0
    assert remote_ref(remote, "refs/heads/main") == before


def test_allowed_push_to_main_is_accepted(pushed: tuple[Repo, Path]) -> None:
    repo, remote = pushed
    sha = edit(repo, HBJX)
    done = push(repo, "main")
    assert done.returncode == 0, done.stderr
    assert remote_ref(remote, "refs/heads/main") == sha


def test_forbidden_push_to_main_names_the_rule(pushed: tuple[Repo, Path]) -> None:
    repo, _ = pushed
    sha = edit(repo, HBNX)
    done = push(repo, "main")
    assert done.returncode != 0
    assert f"{sha[:10]} 陈静 <{HBNX.email}> {APP}: [权限]" in done.stderr


def test_deleting_a_branch_is_not_judged(pushed: tuple[Repo, Path]) -> None:
    repo, remote = pushed
    edit(repo, HBJX)
    assert push(repo, "HEAD:refs/heads/tmp").returncode == 0
    done = push(repo, ":refs/heads/tmp")
    assert done.returncode == 0, done.stderr
    assert remote_ref(remote, "refs/heads/tmp") == ""


@pytest.mark.parametrize("line", ["garbage", "0 1 refs/heads/main", f"{'0' * 40} {'1' * 40}"])
def test_hook_input_that_is_not_gits_is_named(line: str) -> None:
    with pytest.raises(QianghuiError, match="钩子的输入无法识别"):
        parse_updates(line)


def test_server_time_must_be_iso(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIANGHUI_SERVER_TIME", "明天")
    with pytest.raises(QianghuiError, match="不是 ISO 8601 时间"):
        server_now()
    monkeypatch.setenv("QIANGHUI_SERVER_TIME", "2022-05-13T00:00:30")
    assert server_now().isoformat() == "2022-05-13T00:00:30+00:00"


def test_under_gitlab_a_refusal_carries_the_gl_hook_err_prefix(
        pushed: tuple[Repo, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Gitaly runs the hook with GL_ID/GL_USERNAME; its web pages show only prefixed lines."""
    repo, _ = pushed
    monkeypatch.setenv("GL_ID", "user-7")
    monkeypatch.setenv("GL_USERNAME", "chenjing")
    edit(repo, HBNX)
    done = push(repo, "HEAD:refs/heads/hbnx-edits-hbjx")
    assert done.returncode != 0
    refusal = [ln for ln in done.stderr.splitlines() if "推送被拒绝" in ln]
    assert refusal and all(ln.removeprefix("remote: ").startswith("GL-HOOK-ERR: qianghui: ")
                           for ln in refusal)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    edit(repo, HBJX)
    done = push(repo, "HEAD:refs/heads/hbjx-ok")
    assert done.returncode == 0, done.stderr
    assert "GL-HOOK-ERR" not in done.stderr            # an accepted push is not an error
