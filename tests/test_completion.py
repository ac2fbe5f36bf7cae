"""结题报告 (completion.yaml) rules, end to end through `qianghui validate` on a copy of the demo.

Each case edits hbjx's report (or writes one for another project) in a copy of the demo round
and checks the exact problem lines the validator prints: goals answered one by one, finance line
by line against the budget and the grant, news, photos by content and size, 党建元素, and the
status rule that only an 已立项 project may report.

In the copy, hbjx's decision keeps only its 申报 stage: the report is awaiting the
administrator's review, so editing it is not also a "changed after 结题 通过" violation.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent
REPORT = "submissions/2022/hbjx/completion.yaml"
FILES = "submissions/2022/hbjx/files"
MB = 1024 * 1024
PROBLEM = re.compile(r"^(submissions|reviews|config)/")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo round (config, templates, submissions, reviews), hbjx's report not yet reviewed."""
    root = tmp_path_factory.mktemp("demo") / "tree"
    for name in ("config", "templates", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    decision = root / "reviews/2022/hbjx/decision.yaml"
    text = decision.read_text(encoding="utf-8")
    decision.write_text(text[:text.index("结题:")], encoding="utf-8")
    return root


@pytest.fixture
def tree(pristine: Path, tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(pristine, root, symlinks=True)
    return root


def validate(tree: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """Run `qianghui -C tree validate`; the exit code and the problem lines (sorted)."""
    code = main(["-C", str(tree), "validate"])
    out = capsys.readouterr().out
    return code, sorted(line for line in out.splitlines() if PROBLEM.match(line))


def edit(tree: Path, old: str, new: str, rel: str = REPORT) -> str:
    """Replace the one occurrence of `old` in a file of the tree; the new text."""
    path = tree / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{rel}: {old!r} occurs {text.count(old)} times"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def at(text: str, needle: str, occurrence: int = 1) -> str:
    """`line:column` (1-based) where `needle` starts on its `occurrence`-th line in `text`."""
    hits = [(n, line.index(needle) + 1) for n, line in enumerate(text.splitlines(), 1)
            if needle in line]
    assert len(hits) >= occurrence and (occurrence > 1 or len(hits) == 1), \
        f"{needle!r} occurs on {len(hits)} lines"
    line, column = hits[occurrence - 1]
    return f"{line}:{column}"


def value_at(text: str, needle: str) -> str:
    """`line:column` of the value in `key: value`, found by the unique line holding `needle`."""
    line, column = at(text, needle).split(":")
    return f"{line}:{int(column) + len(needle.split(': ')[0]) + 2}"


def report_text(tree: Path) -> str:
    return (tree / REPORT).read_text(encoding="utf-8")


def test_demo_report_is_valid(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate(tree, capsys) == (0, [])


# --- goals ------------------------------------------------------------------------------------

GOAL_1 = "举办“红心向党 智造强省”青年学术沙龙不少于4期"
GOAL_4 = "在省科协官网、湖北学会服务网等平台发布活动简讯不少于3篇"
GOAL_4_ENTRY = f"""  - 目标: {GOAL_4}
    完成: 是
    说明: 省科协官网发布2篇，湖北学会服务网发布2篇，学会党建工作简报刊发1期
"""


def test_goal_not_in_the_application(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, f"  - 目标: {GOAL_1}\n", "  - 目标: 举办青年学术沙龙不少于4期\n")
    assert validate(tree, capsys) == (1, sorted([
        f"{REPORT}:{at(text, '举办青年学术沙龙不少于4期')}: 申报表的预期目标中没有「举办青年学术沙龙不少于4期」："
        "请照抄申报表中的目标 (目标完成情况第1项.目标)",
        f"{REPORT}:{at(text, '目标完成情况:')}: 预期目标「{GOAL_1}」没有填写完成情况 (目标完成情况)",
    ]))


def test_goal_missing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, GOAL_4_ENTRY, "")
    assert validate(tree, capsys) == (1, [
        f"{REPORT}:{at(text, '目标完成情况:')}: 预期目标「{GOAL_4}」没有填写完成情况 (目标完成情况)",
    ])


def test_goal_done_must_be_yes_no_or_partly(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, GOAL_4_ENTRY, GOAL_4_ENTRY.replace("完成: 是", "完成: 已完成"))
    assert validate(tree, capsys) == (1, [
        f"{REPORT}:{value_at(text, '完成: 已完成')}: 只能填写：是、否、部分 (目标完成情况第4项.完成)",
    ])


def test_goal_answered_twice(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, GOAL_4_ENTRY, GOAL_4_ENTRY + GOAL_4_ENTRY.replace("完成: 是", "完成: 否"))
    code, lines = validate(tree, capsys)
    assert code == 1
    assert [line for line in lines if line.startswith(f"{REPORT}:{at(text, GOAL_4, 2)}: ")
            and GOAL_4 in line]


# --- finance ----------------------------------------------------------------------------------

PUBLICITY = """  - 项目: 宣传费
    预算: 1500
    实际: 1500
    说明: 四期活动摄影摄像、简讯制作和新媒体推送
"""


def test_finance_line_missing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, PUBLICITY, "")
    where = at(text, "财务总结:")
    assert validate(tree, capsys) == (1, sorted([
        f"{REPORT}:{where}: 预算项目「宣传费」没有填写实际支出 (财务总结)",
        f"{REPORT}:{where}: 实际支出合计 18,500 元，与资助金额 20,000 元不一致 (财务总结)",
    ]))


def test_finance_line_unknown(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, "  - 项目: 宣传费\n", "  - 项目: 宣传推广费\n")
    assert validate(tree, capsys) == (1, sorted([
        f"{REPORT}:{at(text, '宣传推广费')}: 预算安排中没有「宣传推广费」这一项 (财务总结第5项.项目)",
        f"{REPORT}:{at(text, '财务总结:')}: 预算项目「宣传费」没有填写实际支出 (财务总结)",
    ]))


TRAVEL = "  - 项目: 差旅费\n    预算: 4000\n    实际: 4000\n"


def test_finance_budget_differs_from_the_application(tree: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, TRAVEL, "  - 项目: 差旅费\n    预算: 4500\n    实际: 4000\n")
    code, lines = validate(tree, capsys)
    assert code == 1
    assert (f"{REPORT}:{at(text, '4500')}: 「差旅费」预算应为 4,000 元（申报表），这里写的是 4,500 元 "
            "(财务总结第4项.预算)") in lines


def test_mistyped_budget_is_named_once(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, TRAVEL, "  - 项目: 差旅费\n    预算: 4500\n    实际: 4000\n")
    assert validate(tree, capsys) == (1, [
        f"{REPORT}:{at(text, '4500')}: 「差旅费」预算应为 4,000 元（申报表），这里写的是 4,500 元 "
        "(财务总结第4项.预算)",
    ])


def test_finance_line_not_executed(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, "    预算: 3500\n    实际: 3500\n", "    预算: 3500\n    实际: 3000\n")
    assert validate(tree, capsys) == (1, sorted([
        f"{REPORT}:{value_at(text, '实际: 3000')}: 「资料印制」实际支出 3,000 元，与预算 3,500 元不一致："
        "资助经费须按预算执行完毕 (财务总结第3项.实际)",
        f"{REPORT}:{at(text, '财务总结:')}: 实际支出合计 19,500 元，与资助金额 20,000 元不一致 (财务总结)",
    ]))


def test_finance_lines_named_one_by_one(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(tree, "    预算: 3500\n    实际: 3500\n", "    预算: 3500\n    实际: 3400\n")
    text = edit(tree, "    预算: 1500\n    实际: 1500\n", "    预算: 1500\n    实际: 1600\n")
    assert validate(tree, capsys) == (1, sorted([
        f"{REPORT}:{value_at(text, '实际: 3400')}: 「资料印制」实际支出 3,400 元，与预算 3,500 元不一致："
        "资助经费须按预算执行完毕 (财务总结第3项.实际)",
        f"{REPORT}:{value_at(text, '实际: 1600')}: 「宣传费」实际支出 1,600 元，与预算 1,500 元不一致："
        "资助经费须按预算执行完毕 (财务总结第5项.实际)",
    ]))          # the total is still 20,000: no total line


def test_total_must_equal_the_grant(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The grant is the approved selection's 资助金额, not what was applied for."""
    edit(tree, "  - 学会: hbjx    # 立项评审得分 91.33\n    资助金额: 20000\n",
         "  - 学会: hbjx    # 立项评审得分 91.33\n    资助金额: 18000\n", "reviews/2022/selection.yaml")
    text = report_text(tree)
    assert validate(tree, capsys) == (1, [
        f"{REPORT}:{at(text, '财务总结:')}: 实际支出合计 20,000 元，与资助金额 18,000 元不一致 (财务总结)",
    ])


# --- news, 党建元素, photos --------------------------------------------------------------------

def without_block(text: str, key: str, replacement: str) -> str:
    """`text` with the top-level block `key:` (and its indented lines) replaced."""
    new, count = re.subn(rf"(?m)^{key}:\n(?:  .*\n)+", replacement, text)
    assert count == 1
    return new


def test_no_news_item(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = without_block(report_text(tree), "宣传报道", "宣传报道: []\n")
    (tree / REPORT).write_text(text, encoding="utf-8")
    assert validate(tree, capsys) == (1, [f"{REPORT}:{at(text, '宣传报道:')}: 至少需要 1 项 (宣传报道)"])


LINK = "https://www.hbkx.org.cn/xhdj/2022/0705/3101.html"


def test_news_link_must_be_a_url(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, LINK, "省科协官网首页")
    code, lines = validate(tree, capsys)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{REPORT}:{at(text, '省科协官网首页')}: ")
    assert lines[0].endswith(" (宣传报道第1项.链接)")


def test_news_link_error_is_in_chinese(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(tree, LINK, "省科协官网首页")
    _, lines = validate(tree, capsys)
    assert len(lines) == 1 and "Input should" not in lines[0] and "URL" not in lines[0]


def test_party_element_missing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, "  统一标识: 是\n", "")
    assert validate(tree, capsys) == (1, [
        f"{REPORT}:{at(text, '党建元素:')}: 缺少必填字段「统一标识」 (党建元素.统一标识)",
    ])


def test_party_elements_missing_altogether(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = without_block(report_text(tree), "党建元素", "")
    (tree / REPORT).write_text(text, encoding="utf-8")
    assert validate(tree, capsys) == (1, [
        f"{REPORT}:{at(text, '年度:')}: 缺少必填字段「党建元素」 (党建元素)",   # the form's first line
    ])


def test_party_element_answered_yes_or_no(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, "  党徽: 是\n", "  党徽: 有\n")
    assert validate(tree, capsys) == (1, [
        f"{REPORT}:{value_at(text, '党徽: 有')}: 应填“是”或“否” (党建元素.党徽)",
    ])


PHOTO_2 = "  - files/活动2.jpg\n"


def add_photo(tree: Path, name: str, data: bytes | None = None) -> str:
    """Reference `files/<name>` as the second photo (writing `data` there if given)."""
    if data is not None:
        (tree / FILES / name).write_bytes(data)
    return edit(tree, PHOTO_2, f"  - files/{name}\n")


def photo_problem(text: str, name: str, message: str) -> str:
    return f"{REPORT}:{at(text, f'files/{name}')}: {message} (活动照片第2项)"


def test_fake_photo(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = add_photo(tree, "合影.jpg", "这是一段文字，不是照片\n".encode())
    assert validate(tree, capsys) == (1, [photo_problem(
        text, "合影.jpg", "文件「files/合影.jpg」的类型不对（无法识别的内容）：图片只能是 jpg/jpeg、png")])


def test_photo_of_another_type(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = add_photo(tree, "附件.zip")
    assert validate(tree, capsys) == (1, [photo_problem(
        text, "附件.zip", "文件「files/附件.zip」的类型不对（实际内容是 zip）：图片只能是 jpg/jpeg、png")])


def test_png_photo_named_jpg_is_a_photo(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_photo(tree, "盖章.jpg", (tree / FILES / "盖章页.png").read_bytes())
    assert validate(tree, capsys) == (0, [])


def padded_jpeg(tree: Path, size: int) -> bytes:
    data = (tree / FILES / "活动1.jpg").read_bytes()
    return data + b"\0" * (size - len(data))


def test_photo_over_3_mb(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = add_photo(tree, "大照片.jpg", padded_jpeg(tree, 3 * MB + 1))
    assert validate(tree, capsys) == (1, [photo_problem(
        text, "大照片.jpg", "文件「files/大照片.jpg」过大（3.0 MB），图片不能超过 3 MB")])


def test_photo_of_exactly_3_mb(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add_photo(tree, "大照片.jpg", padded_jpeg(tree, 3 * MB))
    assert validate(tree, capsys) == (0, [])


def test_photo_outside_the_folder(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = edit(tree, PHOTO_2, "  - ../hbyx/files/活动1.jpg\n")
    assert validate(tree, capsys) == (1, [
        f"{REPORT}:{at(text, '../hbyx')}: 文件路径「../hbyx/files/活动1.jpg」必须是本申报文件夹内的相对路径"
        "（如 files/盖章页.jpg），不能以 / 开头，也不能含有 .. (活动照片第2项)",
    ])


def test_photo_linked_from_outside_the_folder(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / FILES / "借来的.jpg").symlink_to("../../hbyx/files/活动1.jpg")
    text = add_photo(tree, "借来的.jpg")
    assert validate(tree, capsys) == (1, [photo_problem(
        text, "借来的.jpg", "文件「files/借来的.jpg」指向申报文件夹之外（符号链接或 ..），请把文件复制到本文件夹内")])


def test_photo_missing(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = add_photo(tree, "没拍.jpg")
    assert validate(tree, capsys) == (1, [photo_problem(
        text, "没拍.jpg", "找不到文件「files/没拍.jpg」（路径相对于本表单所在的文件夹）")])


def test_every_problem_of_a_report_together(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rules collect: goals, finance and photos of one report are all reported in one run."""
    edit(tree, GOAL_4_ENTRY, "")
    edit(tree, "    预算: 3500\n    实际: 3500\n", "    预算: 3500\n    实际: 3000\n")
    add_photo(tree, "合影.jpg", b"not a photo")
    code, lines = validate(tree, capsys)
    assert code == 1
    assert sorted(line.rsplit(" (", 1)[1] for line in lines) == \
        sorted(["目标完成情况)", "财务总结第3项.实际)", "财务总结)", "活动照片第2项)"])


# --- who may report ---------------------------------------------------------------------------

def test_report_for_a_project_not_funded(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hbhk was not selected (未立项): its report is a status violation of the application."""
    (tree / "submissions/2022/hbhk/completion.yaml").write_text(
        "年度: 2022\n学会: hbhk\n状态: 草稿\n", encoding="utf-8")
    app = (tree / "submissions/2022/hbhk/application.yaml").read_text(encoding="utf-8")
    assert validate(tree, capsys) == (1, [
        f"submissions/2022/hbhk/application.yaml:{at(app, '已提交')}: "
        "项目状态为“未立项”，只有已立项的项目才能提交结题报告 (状态)",
    ])


def test_submitted_report_for_a_returned_application(tree: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(tree / FILES, tree / "submissions/2022/hbqx/files", dirs_exist_ok=True)
    text = report_text(tree).replace("学会: hbjx", "学会: hbqx")
    (tree / "submissions/2022/hbqx/completion.yaml").write_text(text, encoding="utf-8")
    code, lines = validate(tree, capsys)
    assert code == 1
    assert ("submissions/2022/hbqx/application.yaml:4:5: "
            "项目状态为“已驳回”，只有已立项的项目才能提交结题报告 (状态)") in lines


def test_draft_report_may_be_incomplete(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """hbdz is 已立项 and saves a first draft: nothing required is enforced yet."""
    (tree / "submissions/2022/hbdz/completion.yaml").write_text(
        "年度: 2022\n学会: hbdz\n状态: 草稿\n项目实施情况: 第一期活动已经完成，其余待补充。\n"
        "活动照片: []\n财务总结: []\n", encoding="utf-8")
    assert validate(tree, capsys) == (0, [])
    assert main(["-C", str(tree), "list", "--学会", "hbdz", "--json"]) == 0
    assert '"状态": "已立项"' in capsys.readouterr().out


def test_draft_report_is_still_checked_for_what_it_says(tree: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = tree / "submissions/2022/hbdz/completion.yaml"
    path.write_text("年度: 2021\n学会: hbdz\n状态: 草稿\n", encoding="utf-8")
    assert validate(tree, capsys) == (1, [
        "submissions/2022/hbdz/completion.yaml:1:5: 年度「2021」与所在文件夹 2022 不一致 (年度)",
    ])


def test_draft_report_gets_the_rules_as_hints(tree: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A draft of hbjx's report with a missing goal and an unspent line: hints, not errors."""
    edit(tree, "状态: 已提交", "状态: 草稿")
    edit(tree, GOAL_4_ENTRY, "")
    edit(tree, "    预算: 3500\n    实际: 3500\n", "    预算: 3500\n    实际: 0\n")
    code, lines = validate(tree, capsys)
    assert code == 0
    assert len(lines) == 3 and all(": 提示：" in line for line in lines)
    assert any("没有填写完成情况" in line for line in lines)
    assert any("「资料印制」实际支出 0 元" in line for line in lines)


def test_report_set_back_to_draft_after_approval(tree: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copyfile(REPO / "reviews/2022/hbjx/decision.yaml",
                    tree / "reviews/2022/hbjx/decision.yaml")       # with 结题: 通过
    edit(tree, "状态: 已提交", "状态: 草稿")
    code, lines = validate(tree, capsys)
    assert code == 1
    assert [line for line in lines
            if line.startswith("submissions/2022/hbjx/application.yaml:4:5: ") and "结题报告" in line]
