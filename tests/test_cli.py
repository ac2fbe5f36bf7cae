"""The `qianghui` command line: exit codes (0 ok, 1 problems, 2 usage) and what it prints."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.cli import main
from pipeline.commands import validate
from pipeline.core import status

REPO = Path(__file__).resolve().parent.parent
Capture = pytest.CaptureFixture[str]


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo round: config, submissions and reviews."""
    root = tmp_path / "demo"
    for name in ("config", "submissions", "reviews"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    return root


def demo_societies(root: Path) -> set[str]:
    return {p.parent.name for p in root.glob("submissions/2022/*/application.yaml")}


def demo_drafts(root: Path) -> set[str]:
    return {p.parent.name for p in root.glob("submissions/2022/*/application.yaml")
            if yaml.safe_load(p.read_text(encoding="utf-8"))["状态"] == "草稿"}


def file_count(tree: Path) -> int:
    """The files `validate` checks in a base tree: the config files and the one application."""
    return len(list((tree / "config").glob("*.yaml"))) + 1


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- validate ---------------------------------------------------------------------------

def test_validate_clean_tree(tree: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "-C", str(tree), "validate")
    assert (code, out, err) == (0, f"{file_count(tree)} 个文件，0 个错误\n", "")


def test_validate_the_demo_round(demo: Path, capsys: Capture) -> None:
    code, out, _ = run(capsys, "-C", str(demo), "validate")
    assert out.endswith(" 个文件，0 个错误\n"), out
    assert code == 0


def break_phone(tree: Path) -> Path:
    path = tree / "submissions/2022/hbjx/application.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("027-87654321", "027-1234"),
                    encoding="utf-8")
    return path


def test_validate_invalid_tree(tree: Path, capsys: Capture) -> None:
    break_phone(tree)
    code, out, _ = run(capsys, "-C", str(tree), "validate")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith("submissions/2022/hbjx/application.yaml:10:7: 「027-1234」")
    assert lines[0].endswith(" (联系电话)")
    assert lines[-1] == f"{file_count(tree)} 个文件，1 个错误（1 个文件有错误）"


def test_validate_json(tree: Path, capsys: Capture) -> None:
    break_phone(tree)
    code, out, _ = run(capsys, "-C", str(tree), "validate", "--format", "json")
    problems = json.loads(out)
    assert code == 1
    assert [set(p) for p in problems] == [{"path", "line", "column", "field", "code", "message",
                                         "warning"}]
    assert problems[0] | {"message": ""} == {
        "path": "submissions/2022/hbjx/application.yaml", "line": 10, "column": 7,
        "field": "联系电话", "code": "phone_invalid", "message": "", "warning": False}


def test_validate_json_clean(tree: Path, capsys: Capture) -> None:
    code, out, _ = run(capsys, "-C", str(tree), "validate", "--format", "json")
    assert (code, json.loads(out)) == (0, [])


def test_validate_named_file_only(tree: Path, capsys: Capture) -> None:
    path = break_phone(tree)
    code, out, _ = run(capsys, "-C", str(tree), "validate", str(path))
    assert code == 1
    assert out.splitlines()[0].startswith("submissions/2022/hbjx/application.yaml:10:7:")


def test_validate_keeps_going_after_a_broken_file(tree: Path, capsys: Capture) -> None:
    """Collect, then report: a file that is not even YAML does not hide the others' problems."""
    other = tree / "submissions/2022/hbnx/application.yaml"
    other.parent.mkdir(parents=True)
    other.write_bytes("年度: 2022\n".encode("utf-16"))
    break_phone(tree)
    code, out, _ = run(capsys, "-C", str(tree), "validate")
    paths = [line.split(":")[0] for line in out.splitlines()[:-1]]
    assert code == 1
    assert paths == ["submissions/2022/hbjx/application.yaml",
                     "submissions/2022/hbnx/application.yaml"]


# --- usage errors -----------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["validate", "--bogus"],
    ["validate", "--format", "xml"],
    ["frobnicate"],
    [],
    ["new", "问卷", "--学会", "hbqx"],
    ["new", "--学会", "hbqx", "--年度", "二〇二二"],
])
def test_bad_usage_exits_2(tree: Path, capsys: Capture, argv: list[str]) -> None:
    code, out, err = run(capsys, "-C", str(tree), *argv)
    assert code == 2
    assert out == ""
    assert err.strip()


def test_validate_missing_path_exits_2(tree: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "-C", str(tree), "validate", str(tree / "nothere.yaml"))
    assert (code, out) == (2, "")
    assert "找不到" in err and "nothere.yaml" in err


def test_help_exits_0(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "validate" in out


def test_internal_error_is_one_line(tree: Path, capsys: Capture,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(validate, "command", broken)
    code, out, err = run(capsys, "-C", str(tree), "validate")
    assert code == 3
    assert len(err.strip().splitlines()) == 1
    assert "内部错误" in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["-C", str(tree), "--debug", "validate"])


# --- new --------------------------------------------------------------------------------

def test_new_scaffolds_a_clean_draft(tree: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "-C", str(tree), "new", "--学会", "hbqx", "--年度", "2022")
    target = tree / "submissions/2022/hbqx/application.yaml"
    assert (code, err) == (0, "")
    assert "submissions/2022/hbqx/application.yaml" in out
    text = target.read_text(encoding="utf-8")
    assert text.startswith(
        "# yaml-language-server: $schema=../../../schemas/json/application.schema.json\n")
    data = yaml.safe_load(text)
    assert (data["年度"], data["学会"], data["状态"]) == (2022, "hbqx", "草稿")
    assert data["党组织名称"] == "湖北省气象学会党支部"
    assert (tree / "submissions/2022/hbqx/files").is_dir()

    code, out, _ = run(capsys, "-C", str(tree), "validate", str(target))
    assert (code, out) == (0, f"{file_count(tree)} 个文件，0 个错误\n")


def test_new_never_overwrites(tree: Path, capsys: Capture) -> None:
    target = tree / "submissions/2022/hbjx/application.yaml"
    before = target.read_bytes()
    code, out, err = run(capsys, "-C", str(tree), "new", "--学会", "hbjx", "--年度", "2022")
    assert code == 1
    assert "已经存在" in err and "submissions/2022/hbjx/application.yaml" in err
    assert target.read_bytes() == before


def test_new_twice_refuses_the_second(tree: Path, capsys: Capture) -> None:
    argv = ["-C", str(tree), "new", "--学会", "hbqx", "--年度", "2022"]
    assert run(capsys, *argv)[0] == 0
    target = tree / "submissions/2022/hbqx/application.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "# 已开始填写\n", encoding="utf-8")
    before = target.read_bytes()
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert "不会覆盖" in err
    assert target.read_bytes() == before


def test_new_unknown_society_exits_2(tree: Path, capsys: Capture) -> None:
    code, out, err = run(capsys, "-C", str(tree), "new", "--学会", "hbxx", "--年度", "2022")
    assert (code, out) == (2, "")
    assert "hbxx" in err and "学会名录" in err
    assert not (tree / "submissions/2022/hbxx").exists()


def test_new_for_a_year_without_program_exits_2(tree: Path, capsys: Capture) -> None:
    code, _, err = run(capsys, "-C", str(tree), "new", "--学会", "hbqx", "--年度", "2023")
    assert code == 2
    assert "2023" in err
    assert not (tree / "submissions/2023/hbqx/application.yaml").exists()


# --- list -------------------------------------------------------------------------------

def list_json(capsys: Capture, demo: Path, *filters: str) -> list[dict[str, Any]]:
    code, out, _ = run(capsys, "-C", str(demo), "list", "--json", *filters)
    assert code == 0
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_list_json(demo: Path, capsys: Capture) -> None:
    rows = list_json(capsys, demo)
    assert [r["学会"] for r in rows] == sorted(demo_societies(demo))
    assert all(r["状态"] in status.ALL for r in rows)
    assert {r["学会"] for r in rows if r["状态"] == status.DRAFT} == demo_drafts(demo)
    hbjx = next(r for r in rows if r["学会"] == "hbjx")
    assert (hbjx["学会名称"], hbjx["年度"]) == ("湖北省机械工程学会", 2022)


def test_list_table_shows_every_project_and_status(demo: Path, capsys: Capture) -> None:
    expected = {r["学会"]: r for r in list_json(capsys, demo)}
    code, out, _ = run(capsys, "-C", str(demo), "list")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split()[:2] == ["年度", "学会"] and "状态" in lines[0]
    table = {line.split()[1]: line.split() for line in lines[2:]}
    assert set(table) == set(expected)
    for society, row in expected.items():
        assert row["学会名称"] in table[society]
        assert row["状态"] in table[society]


def test_list_csv(demo: Path, capsys: Capture) -> None:
    expected = list_json(capsys, demo)
    code, out, _ = run(capsys, "-C", str(demo), "list", "--csv")
    assert out.startswith("\ufeff")           # UTF-8 with BOM: Excel on Chinese Windows reads it
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert code == 0
    assert [(r["学会"], r["状态"]) for r in rows] == [(r["学会"], r["状态"]) for r in expected]
    assert {"年度", "学会", "学会名称", "项目名称", "类别", "项目形式", "金额", "状态"} <= set(rows[0])


@pytest.mark.parametrize(("filters", "wanted"), [
    (["--状态", "草稿"], lambda r: r["状态"] == "草稿"),
    (["--学会", "机械"], lambda r: r["学会"] == "hbjx"),
    (["--学会", "hbjx"], lambda r: r["学会"] == "hbjx"),
    (["--学会", "湖北省"], lambda r: True),
    (["--类别", "阵地建设"], lambda r: r["类别"] == "阵地建设"),
    (["--类别", "阵地建设", "--状态", "草稿"],
     lambda r: r["类别"] == "阵地建设" and r["状态"] == "草稿"),
    (["--项目形式", "党建+科普"], lambda r: r["项目形式"] == "党建+科普"),
    (["--年度", "2022", "--学会", "机械"], lambda r: r["学会"] == "hbjx"),
    (["--年度", "2021"], lambda r: False),
    (["--学会", "hbjx", "--状态", "草稿"], lambda r: False),
])
def test_list_filters(demo: Path, capsys: Capture, filters: list[str],
                      wanted: Callable[[dict[str, Any]], bool]) -> None:
    everything = list_json(capsys, demo)
    expected = [r["学会"] for r in everything if wanted(r)]
    assert [r["学会"] for r in list_json(capsys, demo, *filters)] == expected
    if filters[:2] in (["--状态", "草稿"], ["--学会", "机械"]):
        assert 0 < len(expected) < len(everything)      # the filter really narrows


def test_list_nothing_matches_in_table(demo: Path, capsys: Capture) -> None:
    code, out, _ = run(capsys, "-C", str(demo), "list", "--学会", "不存在")
    assert code == 0
    assert "没有符合条件的项目" in out


# -- the console script itself (a real process) ------------------------------------------------

QIANGHUI = Path(__import__("sys").executable).with_name("qianghui")


def script(demo: Path, *args: str, shell_tail: str = "") -> tuple[int, str, str]:
    import subprocess

    command = " ".join([str(QIANGHUI), "-C", str(demo), *args]) + shell_tail
    done = subprocess.run(["bash", "-c", command + "; exit ${PIPESTATUS[0]}"], capture_output=True,
                          text=True)
    return done.returncode, done.stdout, done.stderr


def test_console_script_exits_with_the_command_code(demo: Path) -> None:
    code, out, err = script(demo, "validate", "submissions/2022/hbjx/application.yaml")
    assert (code, err) == (0, "") and "0 个错误" in out
    app = demo / "submissions/2022/hbjx/application.yaml"
    app.write_text(app.read_text(encoding="utf-8").replace("状态: 已提交", "状态: 已提交x"),
                   encoding="utf-8")
    code, out, _ = script(demo, "validate", "submissions/2022/hbjx/application.yaml")
    assert code == 1 and "application.yaml:" in out       # printed before the fast exit


def test_reader_leaving_early_is_not_an_error(demo: Path) -> None:
    code, out, err = script(demo, "list", shell_tail=" | true")     # gone before we write
    assert (code, out, err) == (141, "", "")


@pytest.mark.parametrize("argv, said", [
    ([], "请给出命令，如 qianghui validate"),
    (["nonsense"], "没有命令「nonsense」；可用的命令：'validate'"),
    (["validate", "--format", "xml"], "参数 --format 不能是「xml」，可选：'text', 'json'"),
    (["show", "hbjx", "--年度", "abc"], "参数 --年度 需要年度（四位数字，如 2022），「abc」不是"),
    (["show"], "缺少参数：学会"),
    (["validate", "--bogus"], "不认识的参数：--bogus"),
    (["rank", "--年度"], "参数 --年度 后面需要一个值"),
])
def test_command_line_mistakes_are_explained_in_chinese(argv: list[str], said: str,
                                                        capsys: Capture) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：qianghui") and said in err
    assert "usage" not in err and "error" not in err


def test_help_is_in_chinese(capsys: Capture) -> None:
    assert main(["validate", "-h"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：qianghui validate") and "显示本帮助并退出" in out
    assert "--format {text,json,codequality,junit}" in out     # choices stay visible
    assert "options" not in out and "positional" not in out


# --- every problem at once; drafts get hints ------------------------------------------------

def edit_app(tree: Path, *edits: tuple[str, str]) -> None:
    path = tree / "submissions/2022/hbjx/application.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_schema_errors_and_rule_errors_arrive_together(tree: Path, capsys: Capture) -> None:
    edit_app(tree, ("联系电话: 027-87654321", "联系电话: 123"),
             ("申报资助金额: 20000", "申报资助金额: 19000"), ("项目形式: 党建+学术", "项目形式: 党员之家"))
    code, out, _ = run(capsys, "-C", str(tree), "validate")
    assert code == 1
    assert "(联系电话)" in out and "预算安排合计 20,000 元" in out and "不属于“特色活动”类" in out
    assert "提示" not in out


def test_a_drafts_rule_findings_are_hints_that_never_fail(tree: Path, capsys: Capture) -> None:
    edit_app(tree, ("状态: 已提交", "状态: 草稿"), ("申报资助金额: 20000", "申报资助金额: 25000"),
             ("联系电话: 027-87654321", "联系电话:"))
    code, out, _ = run(capsys, "-C", str(tree), "validate")
    assert code == 0, out
    hints = [line for line in out.splitlines() if ": 提示：" in line]
    assert any("超过每个项目的资助上限" in h for h in hints)
    assert any("预算安排合计" in h for h in hints)
    assert "1 个提示" not in out and "个提示" in out.splitlines()[-1]
