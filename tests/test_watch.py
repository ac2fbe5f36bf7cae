"""The watcher on a real temporary tree with real watchdog observers.

Every test waits (generously) for the document or build/status.json entry it expects — never
a timed assertion — and checks the watcher is still alive afterwards.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline import watch as watch_module
from pipeline.core.layout import Layout
from pipeline.watch import Watcher, is_ignored, watch

REPO = Path(__file__).resolve().parents[1]
APP = "submissions/2022/hbjx/application.yaml"
DOC = "build/2022/hbjx/申报表.docx"
TIMEOUT = 60.0

pytestmark = pytest.mark.skipif(not (REPO / "templates" / "申报表.docx").exists(),
                                reason="templates/申报表.docx not built (python -m templates.build_templates)")


@pytest.fixture
def lay(tmp_path: Path) -> Layout:
    """A small tree in an open round: the real config and templates, one society (hbjx) with
    its application and files (its later completion report is left out: it is not funded here)."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    program = tmp_path / "config/program-2022.yaml"
    program.write_text(re.sub(r"^已结束: 是", "已结束: 否", program.read_text("utf-8"), flags=re.M),
                       encoding="utf-8")
    shutil.copytree(REPO / "templates", tmp_path / "templates",
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copytree(REPO / "submissions/2022/hbjx", tmp_path / "submissions/2022/hbjx",
                    ignore=shutil.ignore_patterns("completion.yaml"))
    (tmp_path / "reviews/2022").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    return Layout(tmp_path)


class Started:
    """A running watcher with its output."""

    def __init__(self, watcher: Watcher, out: io.StringIO) -> None:
        self.watcher, self.out = watcher, out

    @property
    def text(self) -> str:
        return self.out.getvalue()

    def wait(self, what: str, check: Callable[[], Any]) -> None:
        """Poll until `check()` is true; fail with the watcher's output after TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if _quietly(check):
                assert self.watcher.alive
                return
            time.sleep(0.05)
        pytest.fail(f"timed out waiting for {what}; watcher output:\n{self.text}")


@pytest.fixture
def start(lay: Layout) -> Iterator[Callable[..., Started]]:
    watchers: list[Watcher] = []

    def _start(**kwargs: Any) -> Started:
        out = io.StringIO()
        kwargs.setdefault("settle", 0.1)
        watcher = Watcher(lay, out=out, **kwargs)
        watchers.append(watcher)
        watcher.start()
        assert watcher.ready.wait(TIMEOUT), out.getvalue()
        return Started(watcher, out)

    yield _start
    for watcher in watchers:
        watcher.stop()
        assert not watcher.alive


def _quietly(check: Callable[[], Any]) -> bool:
    try:
        return bool(check())
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return False


def status(lay: Layout) -> dict[str, Any]:
    projects: dict[str, Any] = json.loads((lay.build / "status.json").read_text("utf-8"))["projects"]
    return projects


def doc_text(lay: Layout) -> str:
    with zipfile.ZipFile(lay.root / DOC) as z:
        return z.read("word/document.xml").decode("utf-8")


def app_text(lay: Layout) -> str:
    return (lay.root / APP).read_text("utf-8")


def renamed(lay: Layout, name: str) -> str:
    """The application with another 项目名称."""
    lines = [f"项目名称: {name}" if line.startswith("项目名称:") else line
             for line in app_text(lay).splitlines()]
    return "\n".join(lines) + "\n"


def has_name(lay: Layout, name: str) -> Callable[[], bool]:
    return lambda: name in doc_text(lay)


def test_start_renders_everything_and_writes_status(lay: Layout, start: Callable[..., Started]) -> None:
    w = start()
    assert status(lay)["2022/hbjx"]["状态"] == "未审核"
    assert (lay.root / DOC).exists()
    assert "正在监视" in w.text and w.watcher.alive


def test_in_place_write_in_two_halves(lay: Layout, start: Callable[..., Started]) -> None:
    w = start()
    text = renamed(lay, "就地保存的新项目名称")
    with open(lay.root / APP, "w", encoding="utf-8") as f:
        f.write(text[: len(text) // 2])
        f.flush()
        time.sleep(0.02)
        f.write(text[len(text) // 2:])
    w.wait("the re-rendered document", has_name(lay, "就地保存的新项目名称"))
    w.wait("the project line", lambda: "2022/hbjx 未审核 → 生成 申报表.docx" in w.text)


def test_atomic_save_by_rename(lay: Layout, start: Callable[..., Started]) -> None:
    w = start()
    fd, tmp = tempfile.mkstemp(dir=lay.root / "submissions/2022/hbjx", prefix=".application.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(renamed(lay, "原子保存的新项目名称"))
    os.replace(tmp, lay.root / APP)
    w.wait("the re-rendered document", has_name(lay, "原子保存的新项目名称"))


def test_vim_style_save_with_backup_rename(lay: Layout, start: Callable[..., Started]) -> None:
    w = start()
    folder, text = lay.root / "submissions/2022/hbjx", renamed(lay, "vim保存的新项目名称")
    (folder / "4913").write_text("")
    (folder / "4913").unlink()
    os.rename(folder / "application.yaml", folder / "application.yaml~")
    (folder / "application.yaml").write_text(text, encoding="utf-8")
    (folder / "application.yaml~").unlink()
    w.wait("the re-rendered document", has_name(lay, "vim保存的新项目名称"))
    assert not any("4913" in p or p.endswith("~") for b in w.watcher.handled for p in b)


def test_delete_then_recreate(lay: Layout, start: Callable[..., Started]) -> None:
    w = start()
    text = app_text(lay)
    (lay.root / APP).unlink()
    w.wait("the project to leave status.json", lambda: "2022/hbjx" not in status(lay))
    assert "2022/hbjx 已删除" in w.text
    (lay.root / APP).write_text(text, encoding="utf-8")
    w.wait("the project to come back", lambda: status(lay)["2022/hbjx"]["状态"] == "未审核")
    assert status(lay)["2022/hbjx"]["文档"] == [DOC]


def test_broken_file_then_its_fix(lay: Layout, start: Callable[..., Started]) -> None:
    w = start()
    good = app_text(lay)
    (lay.root / APP).write_text(good.replace("\n状态: 已提交", "\n\t状态: 已提交"), encoding="utf-8")
    w.wait("the error in status.json", lambda: status(lay)["2022/hbjx"]["错误"])
    error = status(lay)["2022/hbjx"]["错误"][0]
    assert error.startswith(f"{APP}:4:1: ") and "Tab" in error
    w.wait("the error line", lambda: f"{APP}:4:1: " in w.text)
    assert "个错误）" in w.text
    (lay.root / APP).write_text(good, encoding="utf-8")
    w.wait("the fix", lambda: status(lay)["2022/hbjx"]["错误"] == []
           and status(lay)["2022/hbjx"]["状态"] == "未审核")


def test_storm_of_300_files_is_one_batch(lay: Layout, start: Callable[..., Started]) -> None:
    w = start(settle=0.5)
    before = w.watcher.batches
    draft = app_text(lay).replace("状态: 已提交", "状态: 草稿")
    ids = [f"s{i:03}" for i in range(299)]
    registry = (lay.root / "config/societies.yaml").read_text("utf-8") + "".join(
        f"  - id: {s}\n    学会名称: 第{s}学会\n    党组织名称: 第{s}学会党支部\n" for s in ids)
    (lay.root / "config/societies.yaml").write_text(registry, encoding="utf-8")
    for s in ids:
        folder = lay.root / "submissions/2022" / s
        folder.mkdir()
        (folder / "application.yaml").write_text(draft.replace("学会: hbjx", f"学会: {s}"), "utf-8")
    w.wait("all 300 projects", lambda: len(status(lay)) == 300 and all(
        not e["错误"] and e["状态"] == "草稿" for k, e in status(lay).items() if k != "2022/hbjx"))
    assert w.watcher.batches - before <= 5, list(w.watcher.handled)
    assert max(len(b) for b in w.watcher.handled) >= 100


def test_same_content_and_ignored_files_change_nothing(lay: Layout,
                                                       start: Callable[..., Started]) -> None:
    w = start()
    (lay.root / APP).write_text(app_text(lay), encoding="utf-8")  # saved without a change
    (lay.root / "build/notes.txt").write_text("x")
    (lay.root / ".git/index").write_text("x")
    folder = lay.root / "submissions/2022/hbjx"
    for name in (".application.yaml.swp", "application.yaml~", ".#application.yaml",
                 "#application.yaml#", "x.tmp", ".~lock.附件.docx#", "~$附件.docx"):
        (folder / name).write_text("x")
    decision = lay.root / "reviews/2022/hbjx/decision.yaml"
    decision.parent.mkdir(parents=True)
    decision.write_text("申报: {}\n", encoding="utf-8")  # the sentinel
    w.wait("the sentinel", lambda: any("reviews/2022/hbjx/decision.yaml" in b
                                       for b in w.watcher.handled))
    assert [p for b in w.watcher.handled for p in b] == ["reviews/2022/hbjx/decision.yaml"]


def test_a_tree_created_later_is_watched(lay: Layout, start: Callable[..., Started]) -> None:
    shutil.rmtree(lay.root / "reviews")
    w = start()
    decision = lay.root / "reviews/2022/hbjx/decision.yaml"
    decision.parent.mkdir(parents=True)
    decision.write_text("申报: {}\n", encoding="utf-8")
    w.wait("the new tree's file", lambda: any("reviews/2022/hbjx/decision.yaml" in b
                                              for b in w.watcher.handled))


def test_template_error_is_a_message_then_recovers(lay: Layout, start: Callable[..., Started]) -> None:
    w = start()
    template = lay.root / "templates/申报表.docx"
    good = template.read_bytes()
    template.write_bytes(b"not a docx")
    w.wait("the render error", lambda: "生成 build/2022/hbjx/申报表.docx 失败" in w.text)
    template.write_bytes(good)
    w.wait("the document again", lambda: w.text.count("全部检查（templates/申报表.docx）") == 2)
    assert (lay.root / DOC).exists()


def test_a_crash_in_a_batch_is_a_message(lay: Layout, start: Callable[..., Started],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    w = start()

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(watch_module.orchestrator, "run", boom)
    (lay.root / APP).write_text(renamed(lay, "崩溃"), encoding="utf-8")
    w.wait("the internal error line", lambda: "内部错误（RuntimeError: kaboom）" in w.text)
    monkeypatch.undo()
    (lay.root / APP).write_text(renamed(lay, "恢复之后"), encoding="utf-8")
    w.wait("the re-rendered document", has_name(lay, "恢复之后"))


def test_rescan_recovers_dropped_events(lay: Layout, start: Callable[..., Started]) -> None:
    w = start(rescan=0.5)
    w.watcher._observer.unschedule_all()  # as if the OS dropped every event from now on
    (lay.root / APP).write_text(renamed(lay, "扫描发现的修改"), encoding="utf-8")
    w.wait("the rescanned change", has_name(lay, "扫描发现的修改"))


def test_polling_observer(lay: Layout, start: Callable[..., Started]) -> None:
    w = start(polling=True)
    (lay.root / APP).write_text(renamed(lay, "轮询发现的修改"), encoding="utf-8")
    w.wait("the re-rendered document", has_name(lay, "轮询发现的修改"))


def test_watch_returns_130_on_ctrl_c(lay: Layout) -> None:
    out = io.StringIO()

    def interrupt() -> None:
        deadline = time.monotonic() + TIMEOUT
        while "正在监视" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    assert watch(lay, polling=False, out=out) == 130


@pytest.mark.parametrize("rel, ignored", [
    (APP, False), ("submissions/2022/hbjx/files/盖章页.png", False), ("config/people.yaml", False),
    ("build/2022/hbjx/申报表.docx", True), (".git/index", True), ("Makefile", True),
    ("submissions/2022/hbjx/.application.yaml.swp", True), ("submissions/2022/hbjx/4913", True),
    ("submissions/2022/hbjx/application.yaml~", True), ("templates/~$申报表.docx", True),
    ("templates/.~lock.申报表.docx#", True), ("config/#people.yaml#", True),
    ("submissions/2022/hbjx/.git/x", True),
])
def test_is_ignored(rel: str, ignored: bool) -> None:
    assert is_ignored(rel) is ignored


def test_project_lines_on_a_hand_built_project() -> None:
    from pipeline.core.projects import Project
    from pipeline.errors import Problem
    from pipeline.forms.validate import FileResult
    from pipeline.watch import project_lines

    ok = Project(2022, "hbjx", "湖北省机械工程学会", FileResult(APP, "application"), "未审核",
                 documents=[DOC])
    assert project_lines(ok, ["申报表.docx"])[0].endswith(" 2022/hbjx 未审核 → 生成 申报表.docx")
    assert project_lines(ok, [])[0].endswith(" 2022/hbjx 未审核（文档无变化）")
    bad = FileResult(APP, "application", [Problem(APP, 4, 1, "", "yaml", "不能用 Tab 键缩进")])
    lines = project_lines(Project(2022, "hbjx", "湖北省机械工程学会", bad, "草稿"), [])
    assert lines[0].endswith(" 2022/hbjx 草稿（1 个错误）")
    assert lines[1:] == [f"{APP}:4:1: 不能用 Tab 键缩进"]


def test_a_save_updates_the_web_page(lay: Layout, start: Callable[..., Started]) -> None:
    w = start()
    page = lay.build / "site" / "2022" / "hbjx.html"
    assert page.exists() and (lay.build / "site" / "index.html").exists()
    (lay.root / APP).write_text(renamed(lay, "网页上的新项目名称"), encoding="utf-8")
    w.wait("the project's page", lambda: "网页上的新项目名称" in page.read_text("utf-8"))
    w.wait("the list's data", lambda: "网页上的新项目名称" in
           (lay.build / "site" / "data.js").read_text("utf-8"))
