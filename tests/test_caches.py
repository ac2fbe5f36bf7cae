"""Caches you can trust: every cache in build/ is rebuilt when any part of its key changes.

The replay of `qianghui render` / `run` (pipeline.state.replay), the validated config pickles
(pipeline.forms.loading) and the engine fingerprint that keys them all (pipeline.state.engine),
exercised in-process on a copy of the demo round.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.state import engine, replay

REPO = Path(__file__).resolve().parent.parent
REPLAYED = "输入没有变化，文档均为最新（沿用上次的结果）"
Capture = pytest.CaptureFixture[str]


def settle(root: Path) -> None:
    """Age every input by an hour: a file changed in the last 2 s is never trusted."""
    past = time.time() - 3600
    for folder in ("config", "submissions", "reviews", "templates"):
        for path in (root / folder).rglob("*"):
            os.utime(path, (past, past), follow_symlinks=False)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    for name in ("config", "submissions", "reviews", "templates"):
        shutil.copytree(REPO / name, root / name)
    settle(root)
    return root


@pytest.fixture
def fresh_engine() -> Iterator[None]:
    engine.fingerprint.cache_clear()
    yield
    engine.fingerprint.cache_clear()


def render(root: Path, capsys: Capture, command: str = "render") -> str:
    assert main(["-C", str(root), command]) == 0
    return capsys.readouterr().out


def rendered_and_replayed(root: Path, capsys: Capture, command: str = "render") -> None:
    assert REPLAYED not in render(root, capsys, command)
    assert REPLAYED in render(root, capsys, command)


@pytest.mark.parametrize("command", ["render", pytest.param("run", marks=pytest.mark.slow)])
@pytest.mark.parametrize("output", ["build/2022/立项名单.docx", "build/2022/登记表.xlsx",
                                    "build/status.json", "build/2022/hbjx/申报表.docx"])
def test_a_deleted_output_is_rebuilt(demo: Path, capsys: Capture, command: str,
                                     output: str) -> None:
    rendered_and_replayed(demo, capsys, command)
    (demo / output).unlink()
    assert REPLAYED not in render(demo, capsys, command)
    assert (demo / output).is_file()
    assert REPLAYED in render(demo, capsys, command)


def test_a_touched_output_is_rebuilt(demo: Path, capsys: Capture) -> None:
    rendered_and_replayed(demo, capsys)
    target = demo / "build/2022/立项名单.docx"
    target.write_bytes(b"not a document")
    assert REPLAYED not in render(demo, capsys)
    assert target.read_bytes().startswith(b"PK")


def test_each_part_of_the_replay_key(demo: Path, capsys: Capture, fresh_engine: None,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    rendered_and_replayed(demo, capsys)
    form = demo / "submissions/2022/hbjx/application.yaml"
    os.utime(form, (time.time() - 60, time.time() - 60))          # an input's mtime
    assert REPLAYED not in render(demo, capsys)
    assert REPLAYED in render(demo, capsys)

    real = engine.libraries()                                     # a library's version
    monkeypatch.setattr(engine, "libraries", lambda: [*real, "docxtpl-99.0.dist-info"])
    engine.fingerprint.cache_clear()
    assert REPLAYED not in render(demo, capsys)
    assert REPLAYED in render(demo, capsys)

    sources = engine.sources()                                    # the engine's source
    monkeypatch.setattr(engine, "sources", lambda: sources[:-1])
    engine.fingerprint.cache_clear()
    assert REPLAYED not in render(demo, capsys)

    real_date = replay.date

    class Tomorrow(real_date):                                    # today's date
        @classmethod
        def today(cls) -> real_date:  # type: ignore[valid-type]
            return real_date.fromordinal(real_date.today().toordinal() + 1)

    assert REPLAYED in render(demo, capsys)
    monkeypatch.setattr(replay, "date", Tomorrow)
    assert REPLAYED not in render(demo, capsys)


def test_an_input_changed_just_now_is_not_trusted(demo: Path, capsys: Capture) -> None:
    soon = time.time() + 60                 # "just now" for the whole test, however slow it is
    os.utime(demo / "submissions/2022/hbjx/application.yaml", (soon, soon))
    assert REPLAYED not in render(demo, capsys)
    assert REPLAYED not in render(demo, capsys)
    assert not (demo / "build/.stamp-render.json").exists()


def test_an_unreadable_record_is_a_rerun(demo: Path, capsys: Capture) -> None:
    rendered_and_replayed(demo, capsys)
    stamp = demo / "build/.stamp-render.json"
    saved = json.loads(stamp.read_text(encoding="utf-8"))
    for broken in ("{", json.dumps({**saved, "outputs": ["build/status.json"]}),
                   json.dumps({**saved, "outputs": None})):
        stamp.write_text(broken, encoding="utf-8")
        assert REPLAYED not in render(demo, capsys)
    assert REPLAYED in render(demo, capsys)


def test_config_pickles_are_keyed_by_the_engine(demo: Path, capsys: Capture, fresh_engine: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["-C", str(demo), "validate"]) == 0
    first = {p.name for p in (demo / "build/.cache").glob("*.pickle")}
    assert first and all(engine.fingerprint() in name for name in first)
    real = engine.libraries()
    monkeypatch.setattr(engine, "libraries", lambda: [*real, "PyYAML-99.0.dist-info"])
    engine.fingerprint.cache_clear()
    assert main(["-C", str(demo), "validate"]) == 0
    second = {p.name for p in (demo / "build/.cache").glob("*.pickle")} - first
    assert len(second) == len(first)
    capsys.readouterr()


def test_the_fingerprint_covers_every_engine_module() -> None:
    names = {p.relative_to(engine.ROOT).as_posix() for p in engine.sources()}
    assert {"pipeline/forms/yamlio.py", "pipeline/core/kinds.py", "schemas/application.py",
            "pipeline/state/engine.py"} <= names
    assert any(n.startswith("pydantic-") for n in engine.libraries())


def written(root: Path, capsys: Capture) -> set[str]:
    """The documents one (unreplayed) render wrote, from its manifests' view: what changed."""
    before = {p: p.stat().st_mtime_ns for p in (root / "build").rglob("*.docx")}
    for stamp in (root / "build").glob(".stamp-*.json"):
        stamp.unlink()                         # the replay would answer first
    render(root, capsys)
    return {p.relative_to(root).as_posix() for p in (root / "build").rglob("*.docx")
            if before.get(p) != p.stat().st_mtime_ns}


def test_each_part_of_a_documents_key(demo: Path, capsys: Capture, fresh_engine: None,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    render(demo, capsys)
    assert written(demo, capsys) == set()                              # nothing changed
    form = demo / "submissions/2022/hbqx/application.yaml"             # its context (an edit
    form.write_text(form.read_text(encoding="utf-8").replace("党员人数: 21", "党员人数: 22"),
                    encoding="utf-8")                                  # after 驳回)
    assert written(demo, capsys) == {"build/2022/hbqx/申报表.docx"}
    template = demo / "templates/财务抽查.docx"                          # its template's bytes
    template.write_bytes(template.read_bytes() + b"\0")
    assert written(demo, capsys) == {"build/2022/财务抽查.docx"}
    real = engine.libraries()                                          # the engine
    monkeypatch.setattr(engine, "libraries", lambda: [*real, "python_docx-99.0.dist-info"])
    engine.fingerprint.cache_clear()
    assert written(demo, capsys) == {p.relative_to(demo).as_posix()
                                     for p in (demo / "build").rglob("*.docx")}


def test_an_experts_deleted_sheet_takes_its_document_along(demo: Path, capsys: Capture) -> None:
    render(demo, capsys)
    sheets = sorted((demo / "reviews/2022/hbjx/acceptance").glob("*.yaml"))
    documents = sorted((demo / "build/2022/hbjx").glob("考核表（*）.docx"))
    assert len(documents) == len(sheets) + 1                           # one each, and the summary
    gone = sheets[0]
    gone.unlink()
    out = render(demo, capsys)
    left = {p.name for p in (demo / "build/2022/hbjx").glob("考核表（*）.docx")}
    assert len(left) == len(sheets) and "删除" in out
