"""Hostile reads: every file the engine opens is a regular file read up to a limit — a FIFO, a
socket, a device, a file of many gigabytes or one that cannot be read gets a Chinese message
naming it, never a hang or a traceback; the watcher, seeing such a file (or a link to /) appear,
names it and keeps serving saves."""

from __future__ import annotations

import io
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hostile.conftest import QIANGHUI, REPO, assert_refused, attempt
from pipeline.core.layout import Layout
from pipeline.watch import Watcher

APP = "submissions/2022/hbjx/application.yaml"
STAMP = "submissions/2022/hbjx/files/盖章页.png"
QUICK = 60                  # seconds: a read that blocks would wait for ever


def fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def unix_socket(path: Path) -> socket.socket:
    path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    return server


@pytest.mark.parametrize("rel", ["config/people.yaml", "config/program-2022.yaml", APP,
                                 "reviews/2022/hbjx/decision.yaml"])
def test_a_form_that_is_a_fifo_is_named_not_waited_on(demo: Path, rel: str) -> None:
    fifo(demo / rel)
    assert_refused(attempt(demo, "validate", timeout=QUICK), 1, rel, "FIFO")


def test_a_fifo_named_on_the_command_line(demo: Path) -> None:
    fifo(demo / APP)
    assert_refused(attempt(demo, "validate", APP, timeout=QUICK), 1, APP, "FIFO")


def test_a_stamp_that_is_a_fifo(demo: Path) -> None:
    fifo(demo / STAMP)
    assert_refused(attempt(demo, "validate", APP, timeout=QUICK), 1, "files/盖章页.png", "FIFO")


def test_a_form_that_is_a_socket(demo: Path) -> None:
    server = unix_socket(demo / "submissions/2022/hbjx/plan.yaml")
    try:
        assert_refused(attempt(demo, "validate", timeout=QUICK), 1,
                       "submissions/2022/hbjx/plan.yaml", "套接字")
    finally:
        server.close()


def test_a_form_that_is_a_device(demo: Path) -> None:
    target = demo / "config/people.yaml"
    target.unlink()
    try:
        os.mknod(target, stat.S_IFCHR | 0o644, os.makedev(1, 5))     # like /dev/zero
    except (PermissionError, OSError) as e:
        pytest.skip(f"cannot create a device node here: {e}")
    assert_refused(attempt(demo, "validate", timeout=QUICK), 1, "config/people.yaml", "设备")


@pytest.mark.parametrize("rel,said", [(APP, "过大"), (STAMP, "过大")])
def test_a_file_of_gigabytes_is_never_read_whole(demo: Path, rel: str, said: str) -> None:
    with open(demo / rel, "r+b") as handle:
        handle.truncate(8 * 1024 ** 3)          # sparse: 8 GB claimed, nothing on the disk
    assert_refused(attempt(demo, "validate", APP, timeout=QUICK), 1,
                   rel.removeprefix("submissions/2022/hbjx/"), said)


# Unreadable files and folders: root reads everything, so as root the command runs as nobody
# (setpriv) on a world-readable copy of the demo.

def attempt_unprivileged(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    proc = subprocess.run([*prefix, str(QIANGHUI), "-C", str(root), *args], capture_output=True,
                          timeout=QUICK, check=False, cwd="/")
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


@pytest.fixture
def shared_demo(demo: Path) -> Iterator[Path]:
    """The demo where another user can read it (as everyone's files are on a shared PC)."""
    root = Path(tempfile.mkdtemp(prefix="qianghui-perm-"))
    try:
        shutil.copytree(demo, root, dirs_exist_ok=True)
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield root
    finally:
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(root)


def test_an_unreadable_society_folder_is_reported_not_skipped(shared_demo: Path) -> None:
    (shared_demo / "submissions/2022/hbnx").chmod(0)
    for args in (("validate",), ("validate", "submissions")):
        assert_refused(attempt_unprivileged(shared_demo, *args), 1, "submissions/2022/hbnx",
                       "没有读取权限")


def test_an_unreadable_form_is_reported(shared_demo: Path) -> None:
    (shared_demo / APP).chmod(0)
    assert_refused(attempt_unprivileged(shared_demo, "validate"), 1, APP, "没有读取权限")


def test_an_unreadable_stamp_is_reported(shared_demo: Path) -> None:
    (shared_demo / STAMP).chmod(0)
    assert_refused(attempt_unprivileged(shared_demo, "validate", APP), 1, "files/盖章页.png",
                   "没有读取权限")


# The watcher, with a real observer: a FIFO or a socket appears; saves are still served.

WAIT = 90.0


def wait_for(what: str, check: Callable[[], bool], out: io.StringIO) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}; watcher output:\n{out.getvalue()}")


@pytest.mark.skipif(not (REPO / "templates/申报表.docx").exists(), reason="templates not built")
@pytest.mark.parametrize("polling", [False, True], ids=["inotify", "polling"])
@pytest.mark.parametrize("special", ["fifo", "socket", "link", "giant"])
def test_the_watcher_names_a_special_file_and_keeps_serving(demo: Path, polling: bool,
                                                            special: str) -> None:
    out = io.StringIO()
    watcher = Watcher(Layout(demo), polling=polling, settle=0.1, rescan=1.0, out=out)
    server = None
    watcher.start()
    try:
        assert watcher.ready.wait(WAIT), out.getvalue()
        sheet = demo / "reviews/2022/hbjx/panel/pipe-expert.yaml"
        loose = demo / "submissions/2022/hbjx/files/管道"
        if special == "fifo":
            fifo(sheet)
            fifo(loose)
        elif special == "link":
            sheet.symlink_to("/etc/passwd")
            loose.symlink_to("/", target_is_directory=True)
        elif special == "giant":
            with open(loose, "wb") as handle:
                handle.truncate(64 * 1024 ** 3)     # sparse: hashing it would take minutes
            sheet = loose = Path("")                 # nothing to name: it is a regular file
        else:
            server = unix_socket(loose)
            sheet = loose
        wait_for("the special file to be named", lambda: sheet.name in out.getvalue()
                 and loose.name in out.getvalue(), out)
        seen = len(out.getvalue())
        form = demo / APP
        form.write_text(form.read_text(encoding="utf-8") + "# 又保存了一次\n", encoding="utf-8")
        wait_for("the save to be handled", lambda: "2022/hbjx" in out.getvalue()[seen:], out)
        assert watcher.alive, out.getvalue()
        assert "Traceback" not in out.getvalue() and "内部错误" not in out.getvalue()
    finally:
        watcher.stop(timeout=30)
        if server is not None:
            server.close()
    assert not watcher.alive


def test_a_form_in_an_unreadable_folder_named_on_the_command_line(shared_demo: Path) -> None:
    (shared_demo / "submissions/2022/hbnx").chmod(0)
    result = attempt_unprivileged(shared_demo, "validate", "submissions/2022/hbnx/application.yaml")
    assert_refused(result, 1, "submissions/2022/hbnx/application.yaml", "没有读取权限")


@pytest.mark.parametrize("args", [("show", "hbnx"), ("new", "结题报告", "--学会", "hbnx", "--年度", "2022")])
def test_a_command_on_a_project_in_an_unreadable_folder(shared_demo: Path,
                                                        args: tuple[str, ...]) -> None:
    (shared_demo / "submissions/2022/hbnx").chmod(0)
    assert_refused(attempt_unprivileged(shared_demo, *args), 1, "submissions/2022/hbnx", "没有权限")


def test_a_national_registry_is_not_a_form_too_large(demo: Path) -> None:
    """config/ holds a national round's registry and people list (20,000 societies: 3.5 MB):
    their limit is the config limit, while a form a person types keeps the form limit."""
    from pipeline.forms import yamlio

    people = demo / "config/people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(text + "#" + "x" * (2 * yamlio.MAX_BYTES) + "\n", encoding="utf-8")
    assert attempt(demo, "validate", "config/people.yaml").returncode == 0
    app = demo / "submissions/2022/hbjx/application.yaml"
    app.write_text(app.read_text(encoding="utf-8") + "#" + "x" * yamlio.MAX_BYTES + "\n",
                   encoding="utf-8")
    assert_refused(attempt(demo, "validate", "submissions/2022/hbjx/application.yaml"), 1,
                   "表单文件不能超过 1024 KB")
    people.write_text("#" + "x" * yamlio.CONFIG_MAX_BYTES + "\n", encoding="utf-8")
    assert_refused(attempt(demo, "validate", "config/people.yaml"), 1, "配置文件不能超过 64 MB")
