"""`qianghui submit`, `review`, `show`, `history` and `list` on real temporary git repositories.

Submit and review change only the bytes they must and commit as the acting person (the
repository's `git config user.email`); they refuse, with a clear message and without touching
anything, when the project's status does not allow the step.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from gitrepo import (
    ADMIN,
    COMPLETION_HBJX,
    DISABLED,
    EXPERT,
    HBJX,
    HBNX,
    LATER,
    SOCIETIES,
    STRANGER,
    Repo,
    Who,
    application,
    completion_path,
    decision_path,
    fund,
    run_git,
    select,
    write_completion,
)

from pipeline.cli import main
from pipeline.forms.yamlio import load_bytes

APP = application("hbjx")
DECISION = decision_path("hbjx")
REPORT = completion_path("hbjx")
DRAFT_LINE = "状态: 草稿   # 填好后改为“已提交”"


@pytest.fixture
def repo(dated_repo: Repo) -> Repo:
    return dated_repo


@pytest.fixture
def draft(repo: Repo) -> Repo:
    """hbjx's complete application saved as a draft (with a comment on the 状态 line)."""
    repo.replace(APP, "状态: 已提交", DRAFT_LINE)
    repo.commit(HBJX, "保存草稿")
    return repo


def cli(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str,
        who: Who | None = None) -> tuple[int, str, str]:
    """Run `qianghui -C repo …` as `who` (the repository's git identity)."""
    if who is not None:
        repo.act_as(who)
    code = main(["-C", str(repo.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def changed_files(repo: Repo, rev: str = "HEAD") -> list[str]:
    return repo.git("show", "--name-only", "--format=", rev).stdout.split()


def author(repo: Repo, rev: str = "HEAD") -> str:
    return repo.git("log", "-1", "--format=%ae", rev).stdout.strip()


def clean(repo: Repo) -> bool:
    return repo.git("status", "--porcelain").stdout == ""


def decision(repo: Repo) -> dict[str, dict[str, str]]:
    data = load_bytes(repo.path(DECISION).read_bytes(), DECISION).data
    assert isinstance(data, dict)
    return data


def status_of(repo: Repo, capsys: pytest.CaptureFixture[str], society: str = "hbjx") -> str:
    code, out, err = cli(repo, capsys, "show", society)
    assert code == 0, err
    line = next(ln for ln in out.splitlines() if ln.startswith("状态："))
    return line.removeprefix("状态：")


# -- submit ----------------------------------------------------------------------------------

def test_submit_changes_only_the_state_value_and_commits(
        draft: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    before = draft.path(APP).read_bytes()
    head = draft.head()
    code, out, err = cli(draft, capsys, "submit", "hbjx", who=HBJX)
    assert (code, err) == (0, "")
    assert "已提交" in out
    after = draft.path(APP).read_bytes()
    assert after == before.replace("状态: 草稿".encode(), "状态: 已提交".encode(), 1)
    assert "# 填好后改为“已提交”".encode() in after
    assert draft.head("HEAD^") == head
    assert author(draft) == HBJX.email
    assert changed_files(draft) == [APP]
    assert draft.tracked(APP) == after
    assert clean(draft)
    assert status_of(draft, capsys) == "未审核"


def test_submit_keeps_bom_crlf_quotes_and_key_order(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    text = repo.read(APP).replace("状态: 已提交", '状态: "草稿"  # 草稿')
    original = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")
    repo.write(APP, original)
    repo.commit(HBJX, "Windows 记事本保存的草稿")
    code, _, err = cli(repo, capsys, "submit", "hbjx", who=HBJX)
    assert (code, err) == (0, "")
    assert repo.path(APP).read_bytes() == original.replace('"草稿"'.encode(), "已提交".encode(), 1)


def test_submit_refuses_what_is_already_submitted(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    head = repo.head()
    code, out, err = cli(repo, capsys, "submit", "hbjx", who=HBJX)
    assert code == 1
    assert "未审核" in err and "已经提交过了" in err
    assert repo.head() == head and clean(repo)


def test_submit_refuses_a_draft_with_errors_and_keeps_its_bytes(
        draft: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    draft.replace(APP, "盖章页: files/盖章页.png\n", "")
    draft.replace(APP, "联系电话: 027-87654321", "联系电话: 12345")
    draft.commit(HBJX, "草稿：还没写完")
    before = draft.path(APP).read_bytes()
    head = draft.head()
    code, _, err = cli(draft, capsys, "submit", "hbjx", who=HBJX)
    assert code == 1
    assert "缺少必填字段「盖章页」" in err and "不是有效的手机号或固定电话" in err
    assert draft.path(APP).read_bytes() == before
    assert draft.head() == head and clean(draft)


def test_submit_refused_for_errors_says_it_was_not_submitted(
        draft: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    draft.replace(APP, "盖章页: files/盖章页.png\n", "")
    draft.commit(HBJX, "草稿：还没写完")
    code, _, err = cli(draft, capsys, "submit", "hbjx", who=HBJX)
    assert code == 1 and "未提交" in err


@pytest.mark.parametrize(("who", "message"), [
    (HBNX, "不是学会「hbjx」的用户"),
    (ADMIN, "不是学会「hbjx」的用户"),
    (EXPERT, "不是学会「hbjx」的用户"),
    (STRANGER, "不是 config/people.yaml 中已启用的人员"),
    (DISABLED, "不是 config/people.yaml 中已启用的人员"),
])
def test_submit_refuses_anyone_but_the_society(
        draft: Repo, capsys: pytest.CaptureFixture[str], who: Who, message: str) -> None:
    head, before = draft.head(), draft.path(APP).read_bytes()
    code, _, err = cli(draft, capsys, "submit", "hbjx", who=who)
    assert code == 1 and message in err
    assert draft.head() == head and draft.path(APP).read_bytes() == before


def test_submit_without_git_identity_says_how_to_set_it(
        draft: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    draft.git("config", "--unset", "user.email")
    code, _, err = cli(draft, capsys, "submit", "hbjx")
    assert code == 1 and "git config user.email" in err


def test_submit_unknown_society_is_a_clear_error(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(repo, capsys, "submit", "nosuch", who=HBJX)
    assert code == 1 and "nosuch" in err and "Traceback" not in err


def test_submit_report_once_funded(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fund(repo)
    write_completion(repo)
    repo.commit(HBJX, "结题报告草稿")
    before = repo.path(REPORT).read_bytes()
    code, _, err = cli(repo, capsys, "submit", "hbjx", "--结题", who=HBJX)
    assert (code, err) == (0, "")
    assert repo.path(REPORT).read_bytes() == before.replace("状态: 草稿".encode(),
                                                              "状态: 已提交".encode(), 1)
    assert changed_files(repo) == [REPORT]
    assert status_of(repo, capsys) == "待验收"


def test_submit_report_refused_before_funding(repo: Repo,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    write_completion(repo)
    repo.commit(HBJX, "结题报告草稿")
    head = repo.head()
    code, _, err = cli(repo, capsys, "submit", "hbjx", "--结题", who=HBJX)
    assert code == 1 and "未审核" in err and "结题报告" in err
    assert repo.head() == head


def test_submit_report_without_report_file(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fund(repo)
    code, _, err = cli(repo, capsys, "submit", "hbjx", "--结题", who=HBJX)
    assert code == 1 and "结题报告" in err


# -- review ----------------------------------------------------------------------------------

def test_review_writes_the_decision_with_the_hash_and_commits(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    judged = repo.sha256(APP)
    code, out, err = cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "预算明细不完整，请补充。",
                         who=ADMIN)
    assert (code, err) == (0, "")
    assert "驳回" in out
    stage = decision(repo)["申报"]
    assert stage == {"结论": "驳回", "意见": "预算明细不完整，请补充。", "审核人": "wang-admin",
                     "日期": date.today().isoformat(), "版本": f"sha256:{judged}"}
    assert author(repo) == ADMIN.email
    assert changed_files(repo) == [DECISION]
    assert clean(repo)
    assert status_of(repo, capsys) == "已驳回"


def test_a_decision_that_cannot_be_written_says_why_in_chinese_at_its_line(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(DECISION, "结题:\n  结论: 同意\n  意见: 好\n  审核人: wang-admin\n"
                         "  日期: 2022-06-01\n  版本: sha256:" + "0" * 64 + "\n")
    repo.commit(ADMIN, "审核决定（结题写错了）", when=LATER)
    head, before = repo.head(), (repo.root / DECISION).read_bytes()
    code, _, err = cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "请补充", who=ADMIN)
    assert code == 1 and "审核决定无法写入" in err and "Input should" not in err
    assert f"{DECISION}:2:" in err and "驳回" in err and "通过" in err
    assert repo.head() == head and (repo.root / DECISION).read_bytes() == before


def test_review_pass_is_not_yet_funding(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "材料齐全", who=ADMIN)
    assert (code, err) == (0, "")
    assert decision(repo)["申报"]["结论"] == "通过"
    assert status_of(repo, capsys) == "未审核"
    select(repo, "hbjx")
    repo.commit(ADMIN, "立项名单", when=LATER)
    assert status_of(repo, capsys) == "已立项"


@pytest.mark.parametrize("who", [HBJX, EXPERT])
def test_review_refuses_non_administrators(repo: Repo, capsys: pytest.CaptureFixture[str],
                                           who: Who) -> None:
    head = repo.head()
    code, _, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "同意", who=who)
    assert code == 1 and "不是管理员" in err
    assert repo.head() == head and not repo.path(DECISION).exists()


def test_review_refuses_a_draft(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(repo, capsys, "review", "hbjsj", "--通过", "-m", "同意", who=ADMIN)
    assert code == 1 and "草稿" in err and "未审核" in err
    assert not repo.path(decision_path("hbjsj")).exists()


def test_review_refuses_twice_then_accepts_the_resubmission(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "请补充", who=ADMIN)[0] == 0
    head = repo.head()
    code, _, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "同意")
    assert code == 1 and "已驳回" in err
    assert repo.head() == head
    repo.replace(APP, "党员人数: 23", "党员人数: 25")
    repo.commit(HBJX, "按意见修改后重新提交")
    assert status_of(repo, capsys) == "未审核"
    code, _, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "同意", who=ADMIN)
    assert (code, err) == (0, "")
    assert decision(repo)["申报"]["版本"] == f"sha256:{repo.sha256(APP)}"


def test_review_refuses_uncommitted_changes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace(APP, "党员人数: 23", "党员人数: 24")
    code, _, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "同意", who=ADMIN)
    assert code == 1 and "尚未提交到 git" in err
    assert not repo.path(DECISION).exists()


def test_review_needs_an_opinion(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "  ", who=ADMIN)
    assert code == 2 and "审核意见" in err and "不能为空" in err      # a usage error


def test_review_needs_exactly_one_verdict(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "review", "hbjx", "-m", "同意", who=ADMIN)[0] == 2
    assert cli(repo, capsys, "review", "hbjx", "--通过", "--驳回", "-m", "同意")[0] == 2


@pytest.mark.parametrize("opinion", [
    '预算: "差旅费" 偏高 # 请说明',
    "第一行\n第二行：请补充 5 月的计划",
    "- 不是列表 & <不是标签> {不是映射}",
])
def test_review_opinion_stays_text(repo: Repo, capsys: pytest.CaptureFixture[str],
                                   opinion: str) -> None:
    code, _, err = cli(repo, capsys, "review", "hbjx", "--驳回", "-m", opinion, who=ADMIN)
    assert (code, err) == (0, "")
    assert decision(repo)["申报"]["意见"] == opinion


def test_review_too_long_opinion_is_a_clear_error(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "请补充。" * 200, who=ADMIN)
    assert code == 2 and "内部错误" not in err and "不能超过 500 字" in err
    assert not repo.path(DECISION).exists()


HAND_WRITTEN = """\
# 审核决定：王强手工填写
申报:
  结论: 通过                # 5 月 20 日处务会
  意见: '同意立项'
  审核人: wang-admin
  日期: 2022-05-20
  版本: sha256:{version}

# 结题阶段由 qianghui review --结题 写入
"""


def test_review_report_appends_its_stage_and_keeps_the_rest(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write(DECISION, HAND_WRITTEN.format(version=repo.sha256(APP)))
    repo.commit(ADMIN, "申报审核", when=LATER)
    select(repo, "hbjx")
    repo.commit(ADMIN, "立项", when=LATER)
    write_completion(repo, state="已提交")
    repo.commit(HBJX, "提交结题报告", when=LATER)
    before = repo.path(DECISION).read_bytes()
    judged = repo.sha256(REPORT)
    code, _, err = cli(repo, capsys, "review", "hbjx", "--结题", "--驳回", "-m", "照片不足",
                       who=ADMIN)
    assert (code, err) == (0, "")
    after = repo.path(DECISION).read_bytes()
    assert after.startswith(before)
    assert decision(repo)["结题"]["版本"] == f"sha256:{judged}"
    assert status_of(repo, capsys) == "结题驳回"
    # the society edits and resubmits; the 结题 stage is replaced, everything else kept
    repo.replace(REPORT, "收录对策建议18条", "收录对策建议19条")
    repo.commit(HBJX, "修改结题报告", when=LATER)
    assert status_of(repo, capsys) == "待验收"
    code, _, err = cli(repo, capsys, "review", "hbjx", "--结题", "--通过", "-m", "同意结题",
                       who=ADMIN)
    assert (code, err) == (0, "")
    final = repo.path(DECISION).read_bytes()
    assert final.startswith(before)
    assert decision(repo)["结题"]["结论"] == "通过"
    assert decision(repo)["结题"]["版本"] == f"sha256:{repo.sha256(REPORT)}"
    assert decision(repo)["申报"]["意见"] == "同意立项"
    assert final.count("结题:".encode()) == 1


def test_review_replaces_its_stage_between_comments(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    old = HAND_WRITTEN.replace("通过                # 5 月 20 日处务会", "驳回").format(version="0" * 64)
    repo.write(DECISION, old)
    repo.commit(ADMIN, "早先的驳回（针对旧版本）", when=LATER)
    assert status_of(repo, capsys) == "未审核"
    code, _, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "同意", who=ADMIN)
    assert (code, err) == (0, "")
    text = repo.read(DECISION)
    assert text.startswith("# 审核决定：王强手工填写\n申报:\n  结论: 通过\n")
    assert text.endswith("\n\n# 结题阶段由 qianghui review --结题 写入\n")


def test_review_report_refused_unless_reported(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fund(repo)
    code, _, err = cli(repo, capsys, "review", "hbjx", "--结题", "--通过", "-m", "同意", who=ADMIN)
    assert code == 1 and "已立项" in err and "待验收" in err


# -- the whole story through the CLI, then check-history and history --------------------------

def test_round_trip_through_the_cli_is_clean_history(
        draft: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo = draft
    assert cli(repo, capsys, "submit", "hbjx", who=HBJX)[0] == 0
    assert cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "预算明细不完整", who=ADMIN)[0] == 0
    repo.replace(APP, "状态: 已提交", "状态: 草稿")
    repo.replace(APP, "党员人数: 23", "党员人数: 24")
    repo.commit(HBJX, "按意见修改")
    assert status_of(repo, capsys) == "草稿"
    assert cli(repo, capsys, "submit", "hbjx", who=HBJX)[0] == 0
    assert cli(repo, capsys, "review", "hbjx", "--通过", "-m", "同意", who=ADMIN)[0] == 0
    select(repo, "hbjx")
    repo.commit(ADMIN, "立项名单经党组审批")
    write_completion(repo)
    repo.commit(HBJX, "结题报告草稿")
    assert cli(repo, capsys, "submit", "hbjx", "--结题", who=HBJX)[0] == 0
    assert cli(repo, capsys, "review", "hbjx", "--结题", "--通过", "-m", "同意结题",
               who=ADMIN)[0] == 0
    assert status_of(repo, capsys) == "待验收"
    code, out, _ = cli(repo, capsys, "check-history")
    assert (code, out.strip()) == (0, "历史检查通过：没有违反权限规则的提交")

    code, out, _ = cli(repo, capsys, "history", "hbjx")
    assert code == 0
    story = out.splitlines()
    expected = ["李华（学会用户）：修改申报表（草稿）", "李华（学会用户）：提交申报表",
                "王强（管理员）：申报退回：预算明细不完整", "李华（学会用户）：修改申报表（草稿）",
                "李华（学会用户）：提交申报表", "王强（管理员）：申报审核通过：同意",
                "王强（管理员）：立项名单经审批：已立项（经省科协党组审批同意）",
                "李华（学会用户）：创建结题报告（草稿）",
                "李华（学会用户）：提交结题报告", "王强（管理员）：结题审核通过：同意结题"]
    setup = [line for line in story if line.startswith("2022-05-01 09:00  系统维护组（维护者）：")]
    assert story[0] == "2022-05-01 09:00  系统维护组（维护者）：创建并提交申报表"
    rest = story[len(setup):]
    assert all(line.startswith("2022-05-10 10:00  ") for line in rest), rest
    events = [line.split("  ", 1)[1] for line in rest]
    assert [e for e in events if "文件" not in e] == expected
    assert "李华（学会用户）：上传了文件 files/活动1.png" in events


# -- show ----------------------------------------------------------------------------------------

def test_show_tells_everything_about_one_project(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "请补充预算说明", who=ADMIN)[0] == 0
    code, out, err = cli(repo, capsys, "show", "hbjx")
    assert (code, err) == (0, "")
    assert out.startswith("2022 年度 湖北省机械工程学会（hbjx）\n状态：已驳回\n")
    assert "项目名称：“党建+学术”智能制造青年科技工作者学术沙龙" in out
    assert "预算安排第1项.金额：6000" in out
    assert "盖章页.png" in out and "附件.zip" in out
    assert f"申报：驳回（wang-admin，{date.today().isoformat()}）请补充预算说明" in out
    assert "立项评分表" in out and "考核表" in out


def test_show_unknown_project(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(repo, capsys, "show", "hbcl")
    assert code == 1 and "hbcl" in err and "申报表" in err


def test_history_of_a_project_without_commits(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(repo, capsys, "history", "hbcl")
    assert code == 0 and "没有这个项目的记录" in out


def test_history_names_unknown_authors_by_email(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace(APP, "党员人数: 23", "党员人数: 24")
    repo.commit(STRANGER, "陌生人的修改")
    code, out, _ = cli(repo, capsys, "history", "hbjx")
    assert code == 0
    assert out.splitlines()[-1].endswith(f"路人甲 <{STRANGER.email}>：修改申报表（已提交）")


# -- list (条件查询) -------------------------------------------------------------------------------

def listed(repo: Repo, capsys: pytest.CaptureFixture[str], *filters: str) -> list[str]:
    code, out, err = cli(repo, capsys, "list", "--json", *filters)
    assert (code, err) == (0, "")
    return [row["学会"] for row in json.loads(out)] if out.strip().startswith("[") else []


def field(repo: Repo, society: str, key: str) -> str:
    data = load_bytes(repo.path(application(society)).read_bytes(), society).data
    return str(data[key])


def demo_where(repo: Repo, test: Callable[[Callable[[str], str]], bool]) -> list[str]:
    """The demo societies whose application passes `test` (given a field reader)."""
    return [s for s in SOCIETIES if test(lambda key, s=s: field(repo, s, key))]  # type: ignore[misc]


LIST_CASES: dict[str, tuple[tuple[str, ...], Callable[[Callable[[str], str]], bool]]] = {
    "all": ((), lambda f: True),
    "草稿": (("--状态", "草稿"), lambda f: f("学会") == "hbjsj"),
    "已驳回": (("--状态", "已驳回"), lambda f: f("学会") == "hbjx"),
    "年度 and 未审核": (("--年度", "2022", "--状态", "未审核"),
                      lambda f: f("学会") not in ("hbjx", "hbjsj")),
    "other year": (("--年度", "2021"), lambda f: False),
    "类别": (("--类别", "阵地建设"), lambda f: f("申请资助类别") == "阵地建设"),
    "项目形式": (("--项目形式", "党建+科普"), lambda f: f("项目形式") == "党建+科普"),
    "学会 id": (("--学会", "hbnx"), lambda f: f("学会") == "hbnx"),
    "学会 name part": (("--学会", "机械"), lambda f: f("学会") == "hbjx"),
    "最高金额": (("--最高金额", "19500"), lambda f: float(f("申报资助金额")) <= 19500),
    "amount range": (("--最低金额", "18500", "--最高金额", "19999.5"),
                     lambda f: 18500 <= float(f("申报资助金额")) <= 19999.5),
    "combined": (("--最低金额", "20000", "--类别", "特色活动", "--状态", "未审核"),
                 lambda f: float(f("申报资助金额")) >= 20000 and f("申请资助类别") == "特色活动"
                 and f("学会") != "hbjx"),
}


@pytest.mark.parametrize("case", list(LIST_CASES))
def test_list_filters(repo: Repo, capsys: pytest.CaptureFixture[str], case: str) -> None:
    filters, test = LIST_CASES[case]
    assert cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "请补充", who=ADMIN)[0] == 0
    assert listed(repo, capsys, *filters) == demo_where(repo, test)


def test_list_csv_and_table(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(repo, capsys, "list", "--csv", "--学会", "机械")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["学会"], r["学会名称"], r["状态"], r["金额"]) for r in rows] == [
        ("hbjx", "湖北省机械工程学会", "未审核", "20000")]
    code, out, _ = cli(repo, capsys, "list", "--状态", "草稿")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["年度", "学会", "学会名称"]
    assert "hbjsj" in lines[2] and len([ln for ln in lines if "2022" in ln]) == 1
    code, out, _ = cli(repo, capsys, "list", "--状态", "验收通过")
    assert code == 0 and "没有符合条件的项目" in out


def test_list_shows_funded_and_reported(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fund(repo)
    repo.write(REPORT, COMPLETION_HBJX.replace("状态: 草稿", "状态: 已提交"))
    repo.commit(HBJX, "结题报告", when=LATER)
    assert listed(repo, capsys, "--状态", "待验收") == ["hbjx"]
    assert listed(repo, capsys, "--状态", "已立项") == []


def test_commands_outside_a_git_repository(tmp_path: Path, isolated_git: None,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    run_git(tmp_path, "--version")
    code = main(["-C", str(tmp_path), "check-history"])
    _, err = capsys.readouterr()
    assert code == 1 and "不是 git 仓库" in err


def test_review_pass_refuses_an_application_with_problems(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.remove("submissions/2022/hbjx/files/盖章页.png")
    repo.commit(HBJX, "盖章页丢了（用 git 直接提交，绕过了 submit）")
    code, out, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "同意", who=ADMIN)
    assert code == 1
    assert "不能审核通过" in err and "submissions/2022/hbjx/application.yaml:" in err
    assert not repo.path(DECISION).exists()
    code, _, err = cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "缺少盖章页", who=ADMIN)
    assert (code, err) == (0, "")


def test_review_pass_refuses_an_ineligible_society(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace("config/societies.yaml", "年检: {2020: 合格, 2021: 合格}\n    往年项目:\n"
                 "      - {年度: 2021, 项目名称: 机械工程科技工作者党员之家建设, 验收通过: 是}",
                 "年检: {2020: 合格, 2021: 不合格}")
    repo.commit(ADMIN, "录入年检结果")
    assert status_of(repo, capsys) == "不符合条件"
    code, _, err = cli(repo, capsys, "review", "hbjx", "--通过", "-m", "同意", who=ADMIN)
    assert code == 1 and "不符合申报条件" in err and "2021 年年检不合格" in err
    assert not repo.path(DECISION).exists()


# -- fewer round-trips --------------------------------------------------------------------------

def test_review_takes_the_date_of_the_decision(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "请补充", "--日期", "2022-05-15",
                       who=ADMIN)
    assert (code, err) == (0, "")
    assert str(decision(repo)["申报"]["日期"]) == "2022-05-15"


def test_submit_after_an_edit_of_a_rejected_form_resubmits_it(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "预算明细不完整", who=ADMIN)[0] == 0
    assert status_of(repo, capsys) == "已驳回"
    code, _, err = cli(repo, capsys, "submit", "hbjx", who=HBJX)       # nothing edited yet
    assert code == 1 and "按审核意见修改" in err and clean(repo)
    repo.replace(APP, "党员人数: 23", "党员人数: 24")
    head = repo.head()
    code, out, err = cli(repo, capsys, "submit", "hbjx", who=HBJX)
    assert (code, err) == (0, ""), err
    assert repo.head() != head and clean(repo) and author(repo) == HBJX.email
    assert "重新提交" in repo.git("log", "-1", "--format=%s").stdout
    assert status_of(repo, capsys) == "未审核"
    code, _, err = cli(repo, capsys, "submit", "hbjx", who=HBJX)       # committed already
    assert code == 1 and "无需再提交" in err


def test_resubmission_with_errors_is_refused_and_left_as_typed(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "review", "hbjx", "--驳回", "-m", "预算明细不完整", who=ADMIN)[0] == 0
    repo.replace(APP, "党员人数: 23", "党员人数: 很多")
    typed = repo.path(APP).read_bytes()
    head = repo.head()
    code, _, err = cli(repo, capsys, "submit", "hbjx", who=HBJX)
    assert code == 1 and "未提交" in err and "党员人数" in err
    assert repo.head() == head and repo.path(APP).read_bytes() == typed


def test_submit_after_an_edit_of_a_rejected_report_resubmits_it(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fund(repo)
    write_completion(repo, state="已提交")
    repo.commit(HBJX, "提交结题报告", when=LATER)
    assert cli(repo, capsys, "review", "hbjx", "--结题", "--驳回", "-m", "照片不足", who=ADMIN)[0] == 0
    assert status_of(repo, capsys) == "结题驳回"
    repo.replace(REPORT, "收录对策建议18条", "收录对策建议19条")
    code, _, err = cli(repo, capsys, "submit", "hbjx", "--结题", who=HBJX)
    assert (code, err) == (0, ""), err
    assert clean(repo) and "重新提交结题报告" in repo.git("log", "-1", "--format=%s").stdout
    assert status_of(repo, capsys) == "待验收"
