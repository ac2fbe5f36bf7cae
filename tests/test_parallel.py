"""Round-scale paths on the demo round: forked workers, lean results and the bounded cache of
forms read must change nothing a user sees — the same problems, statuses and documents."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from pipeline import parallel
from pipeline.cli import main
from pipeline.forms import loading, validate
from pipeline.forms.loading import FileResult, Recent
from schemas.registry import PackedPeople, PackedRegistry, People, Registry

REPO = Path(__file__).resolve().parent.parent
REPORT = "submissions/2022/hbjx/completion.yaml"
GOAL = "  - 目标: 在省科协官网、湖北学会服务网等平台发布活动简讯不少于3篇\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The demo round with problems in several kinds of file, one of them a rule that checks a
    report against its application (read by another worker, or fallen out of the cache)."""
    root = tmp_path / "tree"
    for name in ("config", "templates", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    report = root / REPORT
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace(GOAL, "  - 目标: 一个申报表里没有的目标\n"), encoding="utf-8")
    app = root / "submissions/2022/hbyx/application.yaml"
    text = app.read_text(encoding="utf-8")
    app.write_text(text.replace("联系电话: ", "联系电话: 12", 1), encoding="utf-8")
    return root


def run_cli(tree: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["-C", str(tree), *args])
    return code, capsys.readouterr().out


def test_workers_and_a_tiny_cache_change_nothing(tree: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    serial = run_cli(tree, capsys, "validate", "--format", "json")
    problems = json.loads(serial[1])
    assert serial[0] == 1 and {p["code"] for p in problems} >= {"goal-unknown", "phone_invalid"}
    listed = run_cli(tree, capsys, "list", "--json")

    monkeypatch.setattr(validate, "POOL_MIN", 1)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(Recent, "LIMIT", 1)
    assert run_cli(tree, capsys, "validate", "--format", "json") == serial
    assert run_cli(tree, capsys, "list", "--json") == listed


def test_recent_keeps_the_last_forms_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Recent, "LIMIT", 2)
    recent = Recent()
    for name in "abc":
        recent[name] = FileResult(name, "application")
    assert list(recent) == ["b", "c"]
    assert isinstance(loading.Config().loaded, Recent)


def test_lean_results_keep_status_and_problems(tree: Path) -> None:
    from pipeline.core.layout import Layout

    lay = Layout(tree)
    full = validate.validate_paths(lay, [tree / "submissions"])
    lean = validate.validate_paths(lay, [tree / "submissions"], lean=True)
    assert [f.problems for f in lean.files] == [f.problems for f in full.files]
    for before, after in zip(full.files, lean.files, strict=True):
        if after.kind == "application":
            assert after.model is None and after.sha256 == before.sha256
            assert after.data == {"状态": before.data["状态"]}
        else:
            assert after.model == before.model


def test_config_models_are_read_from_the_cache_packed(tmp_path: Path) -> None:
    from pipeline.core.layout import Layout

    root = tmp_path / "tree"
    shutil.copytree(REPO / "config", root / "config")
    lay = Layout(root)
    loading._CONFIG_CACHE.clear()
    first = loading.load_config(lay)                    # validates and fills build/.cache
    assert first.people is not None and first.registry is not None
    stores = sorted((root / "build" / ".cache").glob("*.pickle"))
    assert {p.name.split("-")[0] for p in stores} == {"program", "societies", "people"}

    loading._CONFIG_CACHE.clear()
    second = loading.load_config(lay)
    assert [r.problems for r in second.results] == [[], [], []]
    people, registry = second.people, second.registry    # authenticated on reading, packed
    assert isinstance(people, PackedPeople) and isinstance(registry, PackedRegistry)
    assert isinstance(first.people, People) and isinstance(first.registry, Registry)
    assert people.people == first.people.people and registry.societies == first.registry.societies
    for person in first.people.people:
        assert people.by_id(person.id) == first.people.by_id(person.id)
        for email in person.emails:
            assert people.by_email(email.upper()) == first.people.by_email(email)
    for society in first.registry.societies:
        assert registry.get(society.id) == society
    assert people.by_id("nobody") is None and registry.get("nobody") is None

    loading._CONFIG_CACHE.clear()
    for store in stores:
        store.unlink()                                         # the cache vanishes meanwhile
    third = loading.load_config(lay)
    assert third.people is not None and third.people.by_id(first.people.people[0].id)


def test_packed_lists_keep_the_first_of_a_repeated_key() -> None:
    people = People.model_validate({"人员": [
        {"id": "a", "姓名": "甲", "角色": "管理员", "邮箱": ["x@example.org"]},
        {"id": "a", "姓名": "乙", "角色": "专家", "邮箱": ["X@example.org", "y@example.org"]}]})
    packed = pickle.loads(pickle.dumps(PackedPeople(people)))
    for lookup in (people, packed):
        assert lookup.by_id("a").name == "甲"
        assert lookup.by_email("x@example.org").name == "甲"
        assert lookup.by_email("y@example.org").name == "乙"


def test_broken_config_is_reported_not_cached(tmp_path: Path) -> None:
    from pipeline.core.layout import Layout

    root = tmp_path / "tree"
    shutil.copytree(REPO / "config", root / "config")
    (root / "config/people.yaml").write_text("人员: 不是列表\n", encoding="utf-8")
    loading._CONFIG_CACHE.clear()
    config = loading.load_config(Layout(root))
    assert config.people is None
    assert [r.path for r in config.results if r.problems] == ["config/people.yaml"]
    assert not list((root / "build" / ".cache").glob("people-*"))


@pytest.mark.parametrize("garbage", [b"\x80\x81", b"", b"\x80\x05K\x01.", b"not a pickle"])
def test_a_damaged_cache_file_is_only_slower(tmp_path: Path, garbage: bytes,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tree"
    for name in ("config", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    assert main(["-C", str(root), "validate"]) == 0
    expected = capsys.readouterr().out
    for store in (root / "build" / ".cache").glob("*.pickle"):
        store.write_bytes(garbage)
    loading._CONFIG_CACHE.clear()
    assert main(["-C", str(root), "validate"]) == 0
    assert capsys.readouterr().out == expected


def test_paths_in_order_sort_as_pathlib_does(tree: Path) -> None:
    """in_order (sorting by parts) gives sorted()'s order, including names that share a prefix
    with a folder (`panel` / `panel-x` / `panel.yaml`) where plain string order would differ."""
    from pipeline.core.layout import Layout, in_order

    lay = Layout(tree)
    found = [p for y, s in [(2022, "hbjx"), (2022, "hbyx")] for p in lay.own_forms(y, s)]
    found += [tree / "reviews/2022/hbjx/panel-x", tree / "reviews/2022/hbjx/panel.yaml",
              tree / "reviews/2022/hbjx/panel/a.yaml", Path("relative/b"), Path("relative/a/z")]
    assert len(found) > 8
    assert in_order(reversed(found)) == sorted(found)
    assert in_order(found) != sorted(found, key=str)     # the case a string key would get wrong
