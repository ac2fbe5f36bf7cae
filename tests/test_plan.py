"""实施方案 (plan.yaml): validated, placed in the status and the lock table, checked against the
report, rendered — on a copy of the demo round, in-process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document

from pipeline.cli import main
from pipeline.core.kinds import BY_NAME
from pipeline.core.layout import classify

REPO = Path(__file__).resolve().parent.parent
Capture = pytest.CaptureFixture[str]


def plan_text(society: str, *dates: str, state: str = "已提交") -> str:
    activities = "".join(
        f"  - 日期: {d}\n    地点: 武汉市洪山区社区党群服务中心\n    内容: 科普讲座第{i}场\n"
        f"    预计参加人数: 200\n    党建元素: 重温入党誓词，使用党旗、党徽和统一标识\n"
        for i, d in enumerate(dates, 1))
    return (f"年度: 2022\n学会: {society}\n状态: {state}\n"
            "第一责任人:\n  姓名: 张明\n  职务: 学会党支部书记\n"
            "直接责任人:\n  姓名: 李华\n  职务: 学会秘书长\n"
            f"活动安排:\n{activities}")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    for name in ("config", "submissions", "reviews", "templates"):
        shutil.copytree(REPO / name, root / name)
    return root


def write_plan(root: Path, society: str, text: str) -> Path:
    path = root / "submissions/2022" / society / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def validate(root: Path, capsys: Capture, *paths: str) -> tuple[int, list[dict[str, object]]]:
    code = main(["-C", str(root), "validate", "--format", "json", *paths])
    return code, json.loads(capsys.readouterr().out)


def test_the_kind_is_declared_once() -> None:
    kind = classify("submissions/2022/hbdz/plan.yaml")
    assert kind is not None and kind.kind == "plan" and BY_NAME["plan"].label == "实施方案"
    assert classify("submissions/2022/hbdz/files/plan.yaml").kind == "submission-file"  # type: ignore[union-attr]


def test_a_funded_projects_plan_is_clean_and_printed(demo: Path, capsys: Capture) -> None:
    write_plan(demo, "hbdz", plan_text("hbdz", "2022-07-01", "2022-09-10"))
    assert validate(demo, capsys, "submissions/2022/hbdz/plan.yaml") == (0, [])
    assert main(["-C", str(demo), "render"]) == 0
    capsys.readouterr()
    document = Document(str(demo / "build/2022/hbdz/实施方案.docx"))
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "张明" in text and "学会秘书长" in text and "2022年9月10日" in text


def test_an_activity_outside_the_year_is_an_error_at_its_line(demo: Path, capsys: Capture) -> None:
    write_plan(demo, "hbdz", plan_text("hbdz", "2022-07-01", "2023-01-05"))
    code, problems = validate(demo, capsys, "submissions/2022/hbdz/plan.yaml")
    assert code == 1
    assert [(p["code"], p["line"]) for p in problems] == [("plan-outside-year", 16)]   # the second 日期
    assert "不在 2022 年度内" in str(problems[0]["message"])


def test_a_plan_before_funding_is_refused_and_never_printed(demo: Path, capsys: Capture) -> None:
    write_plan(demo, "hbqx", plan_text("hbqx", "2022-07-01"))                  # 已驳回
    code, problems = validate(demo, capsys)
    assert code == 1
    assert [(p["path"], p["code"]) for p in problems if p["code"] == "plan-before-funding"] == [
        ("submissions/2022/hbqx/plan.yaml", "plan-before-funding")]
    main(["-C", str(demo), "render"])
    capsys.readouterr()
    assert not (demo / "build/2022/hbqx/实施方案.docx").exists()


def test_a_draft_plan_before_funding_is_fine(demo: Path, capsys: Capture) -> None:
    write_plan(demo, "hbqx", plan_text("hbqx", "2022-07-01", state="草稿"))
    assert validate(demo, capsys, "submissions/2022/hbqx/plan.yaml") == (0, [])


def test_a_report_activity_the_plan_did_not_name_is_a_warning(demo: Path, capsys: Capture) -> None:
    write_plan(demo, "hbyx", plan_text("hbyx", "2022-07-15", "2022-08-05", "2022-09-22"))
    code, problems = validate(demo, capsys, "submissions/2022/hbyx/completion.yaml")
    assert code == 0                                   # a warning: the report is not refused
    assert [(p["code"], p.get("warning")) for p in problems] == [("report-not-in-plan", True)]
    assert "2022-10-18" in str(problems[0]["message"])


def test_the_blank_is_a_clean_draft_and_a_draft_is_still_checked(demo: Path, capsys: Capture) -> None:
    assert main(["-C", str(demo), "new", "实施方案", "--学会", "hbdz", "--年度", "2022"]) == 0
    capsys.readouterr()
    assert validate(demo, capsys, "submissions/2022/hbdz/plan.yaml") == (0, [])
    path = demo / "submissions/2022/hbdz/plan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  - 日期:                      # 如 2022-07-01", "  - 日期: 2021-12-01"), encoding="utf-8")
    code, problems = validate(demo, capsys, "submissions/2022/hbdz/plan.yaml")
    assert (code, [(p["code"], p.get("warning")) for p in problems]) == (
        0, [("plan-outside-year", True)])                    # a hint while a draft


def test_a_submitted_plan_puts_a_funded_project_in_implementation(demo: Path,
                                                                  capsys: Capture) -> None:
    """已立项 → 实施中 once the plan is submitted; a draft plan leaves it 已立项."""
    def state() -> str:
        assert main(["-C", str(demo), "list", "--json"]) == 0
        rows = json.loads(capsys.readouterr().out)
        return next(str(r["状态"]) for r in rows if r["学会"] == "hbdz")

    assert state() == "已立项"
    write_plan(demo, "hbdz", plan_text("hbdz", "2022-07-01", state="草稿"))
    assert state() == "已立项"
    write_plan(demo, "hbdz", plan_text("hbdz", "2022-07-01"))
    assert state() == "实施中"
