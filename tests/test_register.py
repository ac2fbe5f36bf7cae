"""`qianghui export`: build/<年度>/登记表.xlsx for the office, read back with openpyxl.

One row per project of the demo round, Chinese headers, the header row frozen and filtered,
numbers stored as numbers, and every status and grade the same as `qianghui list --json`.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent
REGISTER = Path("build/2022/登记表.xlsx")
HEADERS = ["年度", "学会", "学会名称", "项目名称", "申请资助类别", "项目形式", "申报资助金额", "资助金额", "状态",
           "立项评分", "立项排名", "验收得分", "等级", "目标实现率", "群众满意率", "财务抽查", "错误数"]
SOCIETIES = ["hbdl", "hbdz", "hbhk", "hbjsj", "hbjx", "hbnx", "hbqx", "hbyx", "hbzyy"]


def qianghui(root: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in-process (usable from module-scoped fixtures, where capsys is not)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["-C", str(root), *args])
    return code, out.getvalue()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "tree"
    for name in ("config", "templates", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    code, out = qianghui(root, "export", "--年度", "2022")
    assert (code, out) == (0, "已导出 build/2022/登记表.xlsx（9 个项目）\n")
    return root


@pytest.fixture(scope="module")
def sheet(tree: Path) -> Worksheet:
    ws = load_workbook(tree / REGISTER).active
    assert isinstance(ws, Worksheet)
    return ws


@pytest.fixture(scope="module")
def listed(tree: Path) -> dict[str, dict[str, Any]]:
    code, out = qianghui(tree, "list", "--json")
    assert code == 0
    return {row["学会"]: row for row in json.loads(out)}


def rows(ws: Worksheet) -> dict[str, dict[str, Any]]:
    """Each data row as header → value, by 学会 id."""
    values = list(ws.iter_rows(min_row=2, values_only=True))
    return {row[1]: dict(zip(HEADERS, row, strict=True)) for row in values}


def test_headers(sheet: Worksheet) -> None:
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.title == "2022年度项目登记表"


def test_header_row_frozen_and_filtered(sheet: Worksheet) -> None:
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:Q{len(SOCIETIES) + 1}"


def test_one_row_per_project(sheet: Worksheet, listed: dict[str, dict[str, Any]]) -> None:
    assert sheet.max_row == len(SOCIETIES) + 1 and sheet.max_column == len(HEADERS)
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == SOCIETIES
    assert sorted(listed) == SOCIETIES


@pytest.mark.parametrize("society", SOCIETIES)
def test_row_matches_the_list(sheet: Worksheet, listed: dict[str, dict[str, Any]],
                              society: str) -> None:
    row, item = rows(sheet)[society], listed[society]
    assert (row["状态"], row["等级"] or "") == (item["状态"], item["等级"])
    assert (row["学会名称"], row["项目名称"], row["申请资助类别"], row["项目形式"]) == \
        (item["学会名称"], item["项目名称"], item["类别"], item["项目形式"])
    assert row["年度"] == 2022 and type(row["年度"]) is int
    if item["状态"] != "草稿":        # a draft's amount: test_draft_amount_is_exported
        assert isinstance(row["申报资助金额"], int | float)
        assert Decimal(str(row["申报资助金额"])) == Decimal(item["金额"])
    for column, listed_as in (("立项评分", "立项评分"), ("验收得分", "验收得分")):
        value = row[column]
        if item[listed_as] == "":
            assert value is None
        else:
            assert isinstance(value, int | float) and f"{value:.2f}" == item[listed_as]
    assert row["立项排名"] == (item["排名"] or None)
    assert row["错误数"] == 0 and type(row["错误数"]) is int


@pytest.mark.parametrize(("society", "goal", "satisfied", "checked"), [
    ("hbjx", 1, 0.9913, "否"),            # fractions, shown as 100.00% and 99.13%
    ("hbnx", 0.375, 0.8611, "否"),
    ("hbzyy", 0.875, 0.9787, "否"),
    ("hbyx", 1, None, "是"),              # reported, no survey yet; the one spot-checked
    ("hbdz", None, None, "否"),           # funded, no report yet
    ("hbhk", None, None, "否"),
])
def test_rates_and_spot_check(sheet: Worksheet, society: str, goal: float | None,
                              satisfied: float | None, checked: str) -> None:
    row = rows(sheet)[society]
    assert (row["目标实现率"], row["群众满意率"], row["财务抽查"]) == (goal, satisfied, checked)


def test_the_register_prints_on_a4_landscape_with_formats(sheet: Worksheet) -> None:
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert (sheet.oddFooter.left.text or "").startswith("数据版本：")
    header = [cell.value for cell in sheet[1]]
    row = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    formats = {name: cell.number_format for name, cell in zip(header, row, strict=True)}
    assert formats["申报资助金额"] == formats["资助金额"] == "#,##0"
    assert formats["目标实现率"] == formats["群众满意率"] == "0.00%"
    assert formats["立项评分"] == formats["验收得分"] == "0.00"


def test_numbers_are_numbers_for_the_office(sheet: Worksheet) -> None:
    numeric = ("年度", "申报资助金额", "立项评分", "立项排名", "验收得分", "目标实现率", "群众满意率", "错误数")
    for row in rows(sheet).values():
        for column in numeric:
            assert row[column] is None or isinstance(row[column], int | float), (column, row)
    total = sum(row["申报资助金额"] for row in rows(sheet).values() if row["状态"] != "草稿")
    assert total == 157500


def test_draft_amount_is_exported(sheet: Worksheet, listed: dict[str, dict[str, Any]]) -> None:
    assert listed["hbjsj"]["金额"] == "20000"
    assert rows(sheet)["hbjsj"]["申报资助金额"] == 20000


def test_export_counts_problems(tree: Path, tmp_path: Path) -> None:
    """An application with errors is still listed, with its number of problems."""
    root = tmp_path / "tree"
    shutil.copytree(tree, root)
    app = root / "submissions/2022/hbhk/application.yaml"
    app.write_text(app.read_text(encoding="utf-8").replace("申报资助金额: 19500", "申报资助金额: 25000"),
                   encoding="utf-8")
    assert qianghui(root, "export")[0] == 0
    ws = load_workbook(root / REGISTER).active
    assert isinstance(ws, Worksheet)
    row = rows(ws)["hbhk"]
    assert row["错误数"] == 2            # over the 20,000 limit, and the budget no longer adds up
    assert row["申报资助金额"] == 25000


def test_export_twice_gives_identical_bytes(tree: Path, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(tree, root)
    first = (root / REGISTER).read_bytes()
    time.sleep(1.05)                    # into the next second: the timestamp is per second
    assert qianghui(root, "export")[0] == 0
    assert (root / REGISTER).read_bytes() == first


def test_export_twice_gives_identical_cells(tree: Path, tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(tree, root)
    assert qianghui(root, "export")[0] == 0
    before = load_workbook(tree / REGISTER).active
    after = load_workbook(root / REGISTER).active
    assert before is not None and after is not None
    assert list(after.values) == list(before.values)
