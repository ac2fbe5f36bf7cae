"""Eligibility (DESIGN §5) is a status, 不符合条件, derived from the registry's records and from
how the society's earlier projects in this repository ended — never an error of the form, so
the office's run does not fail all year because one society may not be funded."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases" / "valid"


def listing(tree: Path, capsys: pytest.CaptureFixture[str]) -> dict[tuple[int, str], dict[str, object]]:
    assert main(["-C", str(tree), "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    return {(row["年度"], row["学会"]): row for row in rows}


@pytest.mark.parametrize("case", ["ineligible-inspection-failed", "ineligible-past-project"])
def test_registry_records_make_a_status_not_an_error(case: str, make_tree, capsys) -> None:
    tree = make_tree(CASES / case)
    society, state, reason = (CASES / case / "status.txt").read_text(encoding="utf-8").strip().split("\t")
    assert main(["-C", str(tree), "validate"]) == 0
    capsys.readouterr()
    assert listing(tree, capsys)[(2022, society)]["状态"] == state
    assert main(["-C", str(tree), "show", society]) == 0
    assert reason in capsys.readouterr().out


def demo_round_2023(tmp_path: Path, societies: dict[str, str]) -> Path:
    """The shipped demo (2022 closed) plus an open 2023 round with the given applications
    (society → its 2022 application copied as 2023), 年检 for 2022 recorded for every society."""
    root = tmp_path / "repo"
    for name in ("config", "submissions", "reviews"):
        shutil.copytree(ROOT / name, root / name)
    program = (root / "config" / "program-2022.yaml").read_text(encoding="utf-8")
    program = re.sub(r"(?m)^年度: 2022", "年度: 2023", program)
    program = re.sub(r"(?m)^截止时间: .*$", "截止时间: 2023-05-12 23:59:59+08:00", program)
    program = re.sub(r"(?m)^已结束: .*$", "已结束: 否", program)
    program = re.sub(r"(?m)^规则起始: .*$", "规则起始: round-2023", program)
    (root / "config" / "program-2023.yaml").write_text(program, encoding="utf-8")
    registry = root / "config" / "societies.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace("2021: 合格}", "2021: 合格, 2022: 合格}"),
                        encoding="utf-8")
    for society, source in societies.items():
        target = root / "submissions" / "2023" / society
        shutil.copytree(ROOT / "submissions" / "2022" / source / "files", target / "files")
        app = target / "application.yaml"
        shutil.copyfile(ROOT / "submissions" / "2022" / source / "application.yaml", app)
        text = app.read_text(encoding="utf-8").replace("年度: 2022", "年度: 2023")
        app.write_text(re.sub(r"(?m)^日期: 2022", "日期: 2023", text), encoding="utf-8")
    return root


def test_an_earlier_project_that_failed_acceptance_makes_the_next_year_ineligible(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = demo_round_2023(tmp_path, {"hbnx": "hbnx", "hbjx": "hbjx"})
    rows = listing(root, capsys)
    assert rows[(2022, "hbnx")]["状态"] == "验收不通过"
    assert rows[(2023, "hbnx")]["状态"] == "不符合条件"
    assert rows[(2023, "hbjx")]["状态"] == "未审核"           # its 2022 project passed
    assert main(["-C", str(root), "show", "hbnx", "--年度", "2023"]) == 0
    shown = capsys.readouterr().out
    assert "2022 年度项目" in shown and "验收不通过" in shown
    assert main(["-C", str(root), "validate", "reviews/2022/selection.yaml"]) == 0


def test_a_missing_inspection_record_is_reported(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    root = demo_round_2023(tmp_path, {"hbjx": "hbjx"})
    registry = root / "config" / "societies.yaml"
    text = registry.read_text(encoding="utf-8")
    first = text.index("2021: 合格, 2022: 合格}")
    registry.write_text(text[:first] + "2021: 合格}" + text[first + len("2021: 合格, 2022: 合格}"):],
                        encoding="utf-8")
    assert main(["-C", str(root), "validate"]) == 1
    out = capsys.readouterr().out
    assert "submissions/2023/hbjx/application.yaml" in out
    assert "缺少湖北省机械工程学会 2022 年的年检结果" in out
