"""`qianghui new <表单>`: a commented blank for every form a person writes, on a real repository.

Each blank carries the schema modeline and Chinese comments, takes what the engine knows (the
application's goals and budget, the year's indicators and maxima, the expert from git), and
never overwrites; filled in, it validates clean.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from gitrepo import (
    ADMIN,
    EXPERT,
    EXPERT_HBJX,
    HBJX,
    PROGRAM,
    Repo,
    Who,
    fund,
    isolate_git,
    make_repo,
)

from pipeline.cli import main
from pipeline.forms.yamlio import load_file

APP = "submissions/2022/hbjx/application.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    isolate_git(monkeypatch, tmp_path / "home")
    made = make_repo(tmp_path / "repo")
    (made.root / "schemas").mkdir()
    (made.root / "schemas" / "json").symlink_to(Path(__file__).parents[1] / "schemas" / "json")
    return made


def new(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str,
        who: Who | None = None) -> tuple[int, str]:
    if who is not None:
        repo.act_as(who)
    code = main(["-C", str(repo.root), "new", *args])
    out, err = capsys.readouterr()
    return code, out + err


def validate(repo: Repo, capsys: pytest.CaptureFixture[str], rel: str) -> tuple[int, str]:
    code = main(["-C", str(repo.root), "validate", rel])
    return code, capsys.readouterr().out


def check_blank(repo: Repo, rel: str) -> dict[str, object]:
    """A blank: the modeline naming an existing schema, Chinese comments, no English prose."""
    text = repo.read(rel)
    first = text.splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    assert (repo.path(rel).parent / match.group(1)).resolve().is_file()
    comments = [ln for ln in text.splitlines()[1:] if ln.lstrip().startswith("#")]
    assert comments and all(re.search("[\u4e00-\u9fff]", c) for c in comments if c.strip("# "))
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def fill(repo: Repo, rel: str, values: dict[str, str]) -> None:
    """Fill `key:` lines (the first empty one of each key, in order) with values."""
    text = repo.read(rel)
    for key, value in values.items():
        text, found = re.subn(rf"(?m)^(\s*(?:- )?{re.escape(key)}:)[ \t]*(?:#.*)?$",
                              lambda m, v=value: f"{m.group(1)} {v}", text)
        assert found, key
    repo.write(rel, text)


def test_completion_report_follows_the_application(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fund(repo)
    rel = "submissions/2022/hbjx/completion.yaml"
    code, said = new(repo, capsys, "结题报告", "--学会", "hbjx", "--年度", "2022", who=HBJX)
    assert code == 0 and rel in said
    report, app = check_blank(repo, rel), load_file(repo.path(APP)).data
    assert [g["目标"] for g in report["目标完成情况"]] == app["申报主题及预期成效"]["预期目标"]
    assert [(f["项目"], str(f["预算"])) for f in report["财务总结"]] == \
        [(b["项目"], b["金额"]) for b in app["预算安排"]]
    assert report["状态"] == "草稿"
    assert validate(repo, capsys, rel)[0] == 0          # a draft: saved freely
    repo.replace(rel, "状态: 草稿", "状态: 已提交")
    code, out = validate(repo, capsys, rel)
    assert code == 1 and "请把示例文字「（写明项目实施情况" in out
    repo.replace(rel, "状态: 已提交", "状态: 草稿")
    before = repo.read(rel)
    code, said = new(repo, capsys, "结题报告", "--学会", "hbjx", who=HBJX)
    assert code == 1 and "不会覆盖" in said and repo.read(rel) == before


@pytest.mark.parametrize(("form", "folder", "rubric"), [("立项评分表", "panel", "立项评分表"),
                                                         ("考核表", "acceptance", "考核表")])
def test_score_sheet_has_the_years_indicators(repo: Repo, capsys: pytest.CaptureFixture[str],
                                              form: str, folder: str, rubric: str) -> None:
    rel = f"reviews/2022/hbjx/{folder}/{EXPERT.id}.yaml"
    code, said = new(repo, capsys, form, "--学会", "hbjx", who=EXPERT)
    assert code == 0, said
    sheet = check_blank(repo, rel)
    program = yaml.safe_load(repo.read(PROGRAM))
    assert list(sheet["评分"]) == [item["指标"] for item in program[rubric]]
    for item in program[rubric]:
        assert f"  {item['指标']}:" in repo.read(rel) and f"满分 {item['分值']}" in repo.read(rel)
    assert sheet["评审专家"] == EXPERT.id
    text = repo.read(rel)
    scores = iter(str(item["分值"]) for item in program[rubric])
    text = re.sub(r"(?m)^    得分:$", lambda m: f"    得分: {next(scores)}", text)
    repo.write(rel, text.replace("日期:  ", "日期: 2022-06-30  ", 1))
    assert validate(repo, capsys, rel) == (0, "4 个文件，0 个错误\n")


def test_score_sheet_refused_to_a_member_and_to_a_non_expert(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, said = new(repo, capsys, "考核表", "--学会", "hbjx", who=EXPERT_HBJX)
    assert code == 1 and "回避" in said
    code, said = new(repo, capsys, "考核表", "--学会", "hbjx", who=HBJX)
    assert code == 1 and "评审专家" in said
    assert not repo.path("reviews/2022/hbjx/acceptance").exists()


def test_survey_blank_filled_validates(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    rel = "reviews/2022/hbjx/survey.yaml"
    assert new(repo, capsys, "问卷调查", "--学会", "hbjx", who=ADMIN)[0] == 0
    check_blank(repo, rel)
    fill(repo, rel, {"发放": "100", "回收": "90", "满意": "80", "基本满意": "8", "不满意": "2",
                     "参评人数": "20", "好": "15", "较好": "3", "一般": "2", "差": "0",
                     "日期": "2022-12-16"})
    assert validate(repo, capsys, rel) == (0, "4 个文件，0 个错误\n")


def test_selection_approval_is_added_once_by_an_admin(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, said = new(repo, capsys, "立项审批", who=ADMIN)
    assert code == 2 and "qianghui rank" in said
    repo.write("reviews/2022/selection.yaml", "立项:\n  - 学会: hbjx\n    资助金额: 20000\n")
    assert new(repo, capsys, "立项审批", who=HBJX)[0] == 1
    code, said = new(repo, capsys, "立项审批", who=ADMIN)
    assert code == 0, said
    data = yaml.safe_load(repo.read("reviews/2022/selection.yaml"))
    assert data["立项"] == [{"学会": "hbjx", "资助金额": 20000}]
    assert data["审批"]["审批人"] == ADMIN.id and data["审批"]["日期"] is None
    fill(repo, "reviews/2022/selection.yaml", {"日期": "2022-06-01"})
    assert validate(repo, capsys, "reviews/2022/selection.yaml")[0] == 0
    assert new(repo, capsys, "立项审批", who=ADMIN)[0] == 1


def test_new_rounds_program_from_the_previous_year(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, said = new(repo, capsys, "年度通知", who=ADMIN)
    assert code == 2 and "--年度" in said
    code, said = new(repo, capsys, "年度通知", "--年度", "2023", who=ADMIN)
    assert code == 0, said
    old, fresh = yaml.safe_load(repo.read(PROGRAM)), check_blank(repo, "config/program-2023.yaml")
    assert (fresh["年度"], fresh["需要签名"], fresh["已结束"], fresh["规则起始"]) == \
        (2023, "是", "否", "round-2023")
    assert str(fresh["截止时间"]).startswith("2023-05-12")
    assert fresh["考核表"] == old["考核表"] and fresh["立项评分表"] == old["立项评分表"]
    assert validate(repo, capsys, "config/program-2023.yaml")[0] == 0
    assert new(repo, capsys, "年度通知", "--年度", "2023", who=ADMIN)[0] == 1
    assert new(repo, capsys, "年度通知", "--年度", "2021", who=ADMIN)[0] == 2
