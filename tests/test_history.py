"""`qianghui check-history`: who may change what (DESIGN §6) on real scripted git histories.

Each row of the table scripts commits on a fresh repository (the demo round, tagged
`round-2022` after setup) and names the (path, rule) violations its *last* commit must get —
none for the allowed case. Every row of DESIGN §6 and every state rule has an allowed and a
forbidden case; deadlines are judged on the committer dates the scripts choose.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from gitrepo import (
    ADMIN,
    ADMIN2,
    AFTER,
    BEFORE,
    DISABLED,
    EXPERT,
    EXPERT_HBJX,
    EXPERT_HBNX,
    HBJSJ,
    HBJX,
    HBNX,
    LAST_MINUTE,
    LATER,
    MAINTAINER,
    PEOPLE,
    PROGRAM,
    SELECTION,
    SPOT_CHECK,
    STRANGER,
    Key,
    Repo,
    Who,
    acceptance_path,
    add_key,
    application,
    completion_path,
    decide,
    decision_path,
    enable,
    fund,
    grant_extension,
    make_key,
    make_repo,
    panel_path,
    require_signatures,
    score_sheet,
    select,
    ssh_keygen_available,
    write_completion,
)

from pipeline.cli import main

APP = application("hbjx")
FILES = "submissions/2022/hbjx/files"
NOTHING: list[tuple[str, str]] = []

Script = Callable[[Repo], None]


def edit(repo: Repo, who: Who = HBJX, society: str = "hbjx", *, when: str = BEFORE,
         committed: str | None = None) -> None:
    """A harmless edit of a society's application (one more 党员), committed as `who`."""
    path = application(society)
    text = repo.read(path)
    line = next(ln for ln in text.splitlines() if ln.startswith("党员人数: "))
    repo.write(path, text.replace(line, f"党员人数: {int(line.split()[1]) + 1}"))
    repo.commit(who, "修改申报表", when=when, committed=committed)


def as_draft(repo: Repo, society: str = "hbjx") -> None:
    """The society saves its application back as a draft (in time)."""
    repo.replace(application(society), "状态: 已提交", "状态: 草稿")
    repo.commit(HBJX if society == "hbjx" else HBNX, "保存草稿")


def submit(repo: Repo, *, when: str, committed: str | None = None, society: str = "hbjx",
           who: Who = HBJX) -> None:
    repo.replace(application(society), "状态: 草稿", "状态: 已提交")
    repo.commit(who, "提交申报表", when=when, committed=committed)


def write(repo: Repo, who: Who, path: str, text: str | bytes = "内容: 1\n",
          when: str = LATER) -> None:
    repo.write(path, text)
    repo.commit(who, f"写入 {path}", when=when)


def report(repo: Repo, who: Who = HBJX, state: str = "草稿", when: str = LATER) -> None:
    write_completion(repo, state=state)
    repo.commit(who, "结题报告", when=when)


def reported(repo: Repo) -> None:
    """hbjx funded and its completion report submitted: 待验收."""
    fund(repo)
    report(repo, state="已提交")


def returned(repo: Repo) -> None:
    decide(repo, "hbjx", "驳回")
    repo.commit(ADMIN, "驳回", when=LATER)


@dataclass(frozen=True)
class Case:
    script: Script
    expected: list[tuple[str, str]]


def steps(*scripts: Script) -> Script:
    def run(repo: Repo) -> None:
        for script in scripts:
            script(repo)
    return run


def by(who: Who, change: Callable[[Repo], object], when: str = BEFORE) -> Script:
    """A script: make `change` to the files, then commit it as `who`."""
    def run(repo: Repo) -> None:
        change(repo)
        repo.commit(who, "修改", when=when)
    return run


def replacing(path: str, old: str, new: str) -> Callable[[Repo], None]:
    return lambda repo: repo.replace(path, old, new)


def extension(society: str = "hbjx", until: str = "2022-05-20 23:59:59+08:00") -> Script:
    return by(ADMIN, lambda r: grant_extension(r, society, until))


def sheet(who: Who, path: str) -> Script:
    return lambda r: write(r, who, path, score_sheet(who.id))


REPORT = completion_path("hbjx")
PLAN = "submissions/2022/hbjx/plan.yaml"
STAMP = f"{FILES}/盖章页.png"
CLOSE_ROUND = by(ADMIN, replacing(PROGRAM, "已结束: 否", "已结束: 是"), LATER)

CASES: dict[str, Case] = {
    # -- identity: the author as config/people.yaml stood before the commit ---------------------
    "identity: enabled society user": Case(lambda r: edit(r), NOTHING),
    "identity: e-mail matched without case": Case(
        lambda r: edit(r, Who("LiHua@HBJX.example.org", "李华")), NOTHING),
    "identity: unknown author": Case(lambda r: edit(r, STRANGER), [("", "身份")]),
    "identity: disabled user": Case(
        lambda r: write(r, DISABLED, "submissions/2022/hbsl/application.yaml", when=BEFORE),
        [("", "身份")]),
    "identity: cannot enable oneself": Case(
        by(DISABLED, lambda r: enable(r, "ma-hbsl", True)), [("", "身份")]),
    "identity: cannot add oneself": Case(
        by(STRANGER, replacing(PEOPLE, "人员:\n", "人员:\n  - {id: lu-x, 姓名: 路人甲, 角色: 管理员, "
                                                 "邮箱: [someone@example.com]}\n")),
        [("", "身份")]),
    "identity: enabled by an administrator first": Case(steps(
        by(ADMIN, lambda r: enable(r, "ma-hbsl", True)),
        lambda r: write(r, DISABLED, "submissions/2022/hbsl/application.yaml", when=BEFORE)),
        NOTHING),
    "identity: disabled by an administrator first": Case(steps(
        by(ADMIN, lambda r: enable(r, "li-hbjx", False)), lambda r: edit(r)), [("", "身份")]),
    # -- application.yaml and its files: that society's enabled users --------------------------
    "application: another society's user": Case(lambda r: edit(r, HBNX), [(APP, "权限")]),
    "application: an administrator": Case(lambda r: edit(r, ADMIN), [(APP, "权限")]),
    "application: an expert": Case(lambda r: edit(r, EXPERT), [(APP, "权限")]),
    "application: a maintainer": Case(lambda r: edit(r, MAINTAINER), [(APP, "权限")]),
    "files: a new file of one's own society": Case(
        lambda r: write(r, HBNX, "submissions/2022/hbnx/notes.md", "笔记\n", when=BEFORE),
        NOTHING),
    "files: own stamp replaced": Case(
        lambda r: write(r, HBJX, STAMP, r.path(STAMP).read_bytes() + b"\0", when=BEFORE), NOTHING),
    "files: another society's stamp": Case(
        lambda r: write(r, HBNX, STAMP, b"\x89PNG", when=BEFORE), [(STAMP, "权限")]),
    "files: deleted by an administrator": Case(
        by(ADMIN, lambda r: r.remove(f"{FILES}/附件.zip")), [(f"{FILES}/附件.zip", "权限")]),
    # -- completion.yaml: that society, once 已立项 --------------------------------------------
    "completion: own society once 已立项": Case(steps(fund, report), NOTHING),
    "completion: another society's user": Case(
        steps(fund, lambda r: report(r, HBNX)), [(REPORT, "权限"), (f"{FILES}/活动1.png", "权限")]),
    "completion: photos once 已立项": Case(
        steps(fund, lambda r: write(r, HBJX, f"{FILES}/活动2.png", b"\x89PNG")), NOTHING),
    # -- plan.yaml (实施方案): that society, while 已立项 -----------------------------------------
    "plan: own society once 已立项": Case(steps(fund, lambda r: write(r, HBJX, PLAN)), NOTHING),
    "plan: another society's user": Case(steps(fund, lambda r: write(r, HBNX, PLAN)),
                                         [(PLAN, "权限")]),
    "plan: corrected while 实施中": Case(steps(
        fund, lambda r: write(r, HBJX, PLAN, "状态: 已提交\n"),
        lambda r: write(r, HBJX, PLAN, "状态: 已提交\n# 调整了第二次活动的地点\n")), NOTHING),
    "plan: before 立项": Case(lambda r: write(r, HBJX, PLAN), [(PLAN, "状态")]),
    "plan: after the report is submitted": Case(steps(reported, lambda r: write(r, HBJX, PLAN)),
                                                [(PLAN, "状态")]),
    # -- decisions, selection, spot check, config: administrators -----------------------------
    "decision: administrator": Case(by(ADMIN, lambda r: decide(r, "hbjx", "驳回")), NOTHING),
    "decision: second administrator": Case(by(ADMIN2, lambda r: decide(r, "hbjx", "通过")),
                                           NOTHING),
    "decision: the society itself": Case(
        by(HBJX, lambda r: decide(r, "hbjx", "通过")), [(decision_path("hbjx"), "权限")]),
    "decision: an expert": Case(
        by(EXPERT, lambda r: decide(r, "hbnx", "驳回")), [(decision_path("hbnx"), "权限")]),
    "selection: administrator": Case(by(ADMIN, lambda r: select(r, "hbjx"), LATER), NOTHING),
    "selection: a society user": Case(by(HBJX, lambda r: select(r, "hbjx"), LATER),
                                      [(SELECTION, "权限")]),
    "spot-check: administrator": Case(lambda r: write(r, ADMIN, SPOT_CHECK), NOTHING),
    "spot-check: an expert": Case(lambda r: write(r, EXPERT, SPOT_CHECK), [(SPOT_CHECK, "权限")]),
    "other review file: administrator": Case(
        lambda r: write(r, ADMIN, "reviews/2022/会议纪要.md", "纪要\n"), NOTHING),
    "other review file: a society user": Case(
        lambda r: write(r, HBJX, "reviews/2022/会议纪要.md", "纪要\n"),
        [("reviews/2022/会议纪要.md", "权限")]),
    "config: administrator grants an extension": Case(extension(), NOTHING),
    "config: a society user grants itself an extension": Case(
        by(HBJX, lambda r: grant_extension(r, "hbjx", "2022-05-20 23:59:59+08:00")),
        [(PROGRAM, "权限")]),
    "config: a maintainer edits the people list": Case(
        by(MAINTAINER, lambda r: enable(r, "ma-hbsl", True)), [(PEOPLE, "权限")]),
    "config: an expert edits the registry": Case(
        by(EXPERT, lambda r: r.write("config/societies.yaml",
                                     r.read("config/societies.yaml") + "# 备注\n")),
        [("config/societies.yaml", "权限")]),
    # -- score sheets: that expert, not in conflict, during the review window -----------------
    "panel: own sheet while 未审核": Case(sheet(EXPERT, panel_path("hbjx", "huang-expert")),
                                         NOTHING),
    "panel: expert of another society": Case(
        sheet(EXPERT_HBNX, panel_path("hbjx", "li-expert")), NOTHING),
    "panel: another expert's sheet": Case(
        lambda r: write(r, EXPERT, panel_path("hbjx", "li-expert"), score_sheet("li-expert")),
        [(panel_path("hbjx", "li-expert"), "权限")]),
    "panel: by a society user": Case(
        lambda r: write(r, HBJX, panel_path("hbjx", "huang-expert"), score_sheet("huang-expert")),
        [(panel_path("hbjx", "huang-expert"), "权限")]),
    "panel: by an administrator": Case(
        lambda r: write(r, ADMIN, panel_path("hbjx", "huang-expert"), score_sheet("huang-expert")),
        [(panel_path("hbjx", "huang-expert"), "权限")]),
    "panel: expert scores own society (hbnx)": Case(
        sheet(EXPERT_HBNX, panel_path("hbnx", "li-expert")),
        [(panel_path("hbnx", "li-expert"), "回避")]),
    "panel: expert scores own society (hbjx)": Case(
        sheet(EXPERT_HBJX, panel_path("hbjx", "zhang-expert")),
        [(panel_path("hbjx", "zhang-expert"), "回避")]),
    "panel: conflict recorded by an administrator first": Case(steps(
        by(ADMIN, replacing(PEOPLE, "角色: 专家, 邮箱: [huangliping",
                            "角色: 专家, 学会: [hbjx], 邮箱: [huangliping")),
        sheet(EXPERT, panel_path("hbjx", "huang-expert"))),
        [(panel_path("hbjx", "huang-expert"), "回避")]),
    "panel: a draft is not under review": Case(
        sheet(EXPERT, panel_path("hbjsj", "huang-expert")),
        [(panel_path("hbjsj", "huang-expert"), "评审期")]),
    "panel: closed once 已立项": Case(
        steps(fund, sheet(EXPERT, panel_path("hbjx", "huang-expert"))),
        [(panel_path("hbjx", "huang-expert"), "评审期")]),
    "acceptance: own sheet while 待验收": Case(
        steps(reported, sheet(EXPERT, acceptance_path("hbjx", "huang-expert"))), NOTHING),
    "acceptance: not before the report": Case(
        steps(fund, sheet(EXPERT, acceptance_path("hbjx", "huang-expert"))),
        [(acceptance_path("hbjx", "huang-expert"), "评审期")]),
    "acceptance: expert of the society": Case(
        steps(reported, sheet(EXPERT_HBJX, acceptance_path("hbjx", "zhang-expert"))),
        [(acceptance_path("hbjx", "zhang-expert"), "回避")]),
    # -- engine files: maintainers ---------------------------------------------------------------
    "engine: maintainer": Case(lambda r: write(r, MAINTAINER, "pipeline/extra.py", "x = 1\n"),
                               NOTHING),
    "engine: template by a maintainer": Case(
        lambda r: write(r, MAINTAINER, "templates/说明.txt", "模板说明\n"), NOTHING),
    "engine: a society user": Case(lambda r: write(r, HBJX, "pipeline/extra.py", "x = 1\n"),
                                   [("pipeline/extra.py", "权限")]),
    "engine: an administrator": Case(lambda r: write(r, ADMIN, "Makefile", "all:\n"),
                                     [("Makefile", "权限")]),
    # -- state rules: the status at the parent commit ------------------------------------------
    "state: edit while 草稿": Case(steps(as_draft, lambda r: edit(r, when=AFTER)), NOTHING),
    "state: edit while 未审核": Case(lambda r: edit(r), NOTHING),
    "state: edit while 已驳回, after the deadline": Case(
        steps(returned, lambda r: edit(r, when=LATER)), NOTHING),
    "state: edit after 立项": Case(steps(fund, lambda r: edit(r, when=LATER)),
                                   [(APP, "状态"), (APP, "截止时间")]),
    "state: back to 草稿 after 立项": Case(
        steps(fund, by(HBJX, replacing(APP, "状态: 已提交", "状态: 草稿"), LATER)),
        [(APP, "状态")]),
    "state: edit once 未立项 (the year closed)": Case(
        steps(CLOSE_ROUND, lambda r: edit(r, when=LATER)), [(APP, "已结束")]),
    "state: completion before 立项": Case(lambda r: report(r), [(REPORT, "状态")]),
    "state: completion after 通过 but before 立项": Case(
        steps(by(ADMIN, lambda r: decide(r, "hbjx", "通过"), LATER), report), [(REPORT, "状态")]),
    "state: completion once 未立项 (the year closed)": Case(
        steps(CLOSE_ROUND, report), [(REPORT, "已结束"), (f"{FILES}/活动1.png", "已结束")]),
    "state: completion of a draft": Case(
        steps(lambda r: as_draft(r, "hbnx"),
              by(HBNX, lambda r: write_completion(r, "hbnx"), LATER)),
        [(completion_path("hbnx"), "状态")]),
    "state: completion edited while 待验收": Case(
        steps(reported, by(HBJX, replacing(REPORT, "收录对策建议18条", "收录对策建议19条"), LATER)),
        NOTHING),
    "state: completion edited after 结题驳回": Case(
        steps(reported,
              by(ADMIN, lambda r: decide(r, "hbjx", "驳回", stage="结题",
                                         keep=r.read(decision_path("hbjx"))), LATER),
              by(HBJX, replacing(REPORT, "收录对策建议18条", "收录对策建议20条"), LATER)),
        NOTHING),
    # -- deadline: committer dates against the program (and the society's extension) -----------
    "deadline: submitted at the last minute": Case(
        steps(as_draft, lambda r: submit(r, when=LAST_MINUTE)), NOTHING),
    "deadline: submitted after it": Case(
        steps(as_draft, lambda r: submit(r, when=AFTER)), [(APP, "截止时间")]),
    "deadline: committer date decides (late)": Case(
        steps(as_draft, lambda r: submit(r, when=BEFORE, committed=AFTER)), [(APP, "截止时间")]),
    "deadline: committer date decides (in time)": Case(
        steps(as_draft, lambda r: submit(r, when=AFTER, committed=BEFORE)), NOTHING),
    "deadline: committed in another time zone": Case(
        steps(as_draft, lambda r: submit(r, when="2022-05-12T16:30:00+00:00")), [(APP, "截止时间")]),
    "deadline: extension granted to the society": Case(
        steps(extension(), as_draft, lambda r: submit(r, when="2022-05-15T10:00:00+08:00")),
        NOTHING),
    "deadline: extension of another society": Case(
        steps(extension(), lambda r: as_draft(r, "hbnx"),
              lambda r: submit(r, when="2022-05-15T10:00:00+08:00", society="hbnx", who=HBNX)),
        [(application("hbnx"), "截止时间")]),
    "deadline: extension ends too": Case(
        steps(extension(), as_draft, lambda r: submit(r, when="2022-05-21T00:00:01+08:00")),
        [(APP, "截止时间")]),
    "deadline: submitted application edited after it": Case(
        lambda r: edit(r, when=AFTER), [(APP, "截止时间")]),
    "deadline: a draft saved after it": Case(
        lambda r: edit(r, HBJSJ, "hbjsj", when=AFTER), NOTHING),
    "deadline: resubmitted after 驳回": Case(steps(returned, lambda r: edit(r, when=LATER)),
                                             NOTHING),
}


@pytest.fixture
def repo(tmp_path: Path, isolated_git: None) -> Repo:
    return make_repo(tmp_path / "repo")


@pytest.mark.parametrize("name", list(CASES))
def test_rule(repo: Repo, name: str) -> None:
    case = CASES[name]
    case.script(repo)
    assert sorted(repo.last()) == sorted(case.expected)


# -- state locks and deletions ------------------------------------------------------------------

def test_application_locked_after_pass(repo: Repo) -> None:
    decide(repo, "hbjx", "通过")
    repo.commit(ADMIN, "审核通过", when=BEFORE)
    edit(repo, when=BEFORE)
    assert repo.last() == [(APP, "状态")]


def test_completion_locked_after_its_pass(repo: Repo) -> None:
    reported(repo)
    decide(repo, "hbjx", "通过", stage="结题", keep=repo.read(decision_path("hbjx")))
    repo.commit(ADMIN, "结题通过", when=LATER)
    repo.replace(completion_path("hbjx"), "收录对策建议18条", "收录对策建议25条")
    repo.commit(HBJX, "改报告", when=LATER)
    assert repo.last() == [(completion_path("hbjx"), "状态")]


def test_application_files_locked_after_funding(repo: Repo) -> None:
    fund(repo)
    write(repo, HBJX, f"{FILES}/盖章页.png", repo.path(f"{FILES}/盖章页.png").read_bytes() + b"\0")
    assert repo.last() == [(f"{FILES}/盖章页.png", "状态")]


def test_application_files_after_the_deadline(repo: Repo) -> None:
    write(repo, HBJX, f"{FILES}/附件.zip", b"PK\x05\x06" + b"\0" * 18, when=AFTER)
    assert repo.last() == [(f"{FILES}/附件.zip", "截止时间")]


def test_resubmission_through_a_draft_after_return(repo: Repo) -> None:
    returned(repo)
    by(HBJX, replacing(APP, "状态: 已提交", "状态: 草稿"), LATER)(repo)
    submit(repo, when=LATER)
    assert repo.last() == []


def test_deleting_a_draft_application(repo: Repo) -> None:
    repo.remove(application("hbjsj"))
    repo.commit(HBJSJ, "不申报了")
    assert repo.last() == []


def test_deleting_the_application_after_funding(repo: Repo) -> None:
    fund(repo)
    repo.remove(APP)
    repo.commit(HBJX, "删除", when=LATER)
    assert repo.last() == [(APP, "状态")]


def test_changes_made_in_a_merge_commit_are_judged(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "side")
    edit(repo, HBNX, "hbnx")
    repo.git("checkout", "-q", "main")
    edit(repo)
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side", who=HBJX, when=BEFORE)
    decide(repo, "hbjx", "通过")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "合并", who=HBJX, when=BEFORE)
    assert (decision_path("hbjx"), "权限") in repo.last()


# -- the state at the parent, over several commits ------------------------------------------------

def test_each_commit_is_judged_on_the_state_before_it(repo: Repo) -> None:
    as_draft(repo)
    first = repo.head()
    submit(repo, when=BEFORE)
    fund(repo)
    edit(repo, when=LATER)
    locked = repo.head()
    found = [(v.commit, v.path, v.rule) for v in repo.violations()]
    assert found == [(locked, APP, "状态"), (locked, APP, "截止时间")]
    assert [v.commit for v in repo.violations(f"{first} ^{first}~1")] == []


def test_a_violation_does_not_hide_the_next_one(repo: Repo) -> None:
    edit(repo, STRANGER)
    bad = repo.head()
    edit(repo)
    edit(repo, HBNX)
    worse = repo.head()
    assert [(v.commit, v.rule) for v in repo.violations()] == [(bad, "身份"), (worse, "权限")]


def test_setup_commits_before_the_tag_are_not_judged(repo: Repo) -> None:
    assert repo.violations() == []
    everything = repo.violations(repo.head())
    assert {(v.path, v.rule) for v in everything} == {("", "身份")}   # nobody is known yet


def test_one_commit_can_break_several_rules(repo: Repo) -> None:
    select(repo, "hbjx")
    repo.replace(application("hbnx"), "党员人数: ", "党员人数: 1")
    repo.commit(HBJX, "越权", when=LATER)
    assert sorted(repo.last()) == sorted([(SELECTION, "权限"), (application("hbnx"), "权限"),
                                          (application("hbnx"), "截止时间")])


# -- signatures ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Keys:
    li: Key
    wang: Key
    stranger: Key


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    if not ssh_keygen_available():
        pytest.skip("ssh-keygen is not installed (apt-get install openssh-client)")
    folder = tmp_path_factory.mktemp("keys")
    return Keys(make_key(folder, "li"), make_key(folder, "wang"), make_key(folder, "stranger"))


@pytest.fixture
def signed_repo(tmp_path: Path, isolated_git: None, keys: Keys) -> Repo:
    """需要签名: 是, with 李华's and 王强's public keys in config/people.yaml."""
    def setup(repo: Repo) -> None:
        require_signatures(repo)
        add_key(repo, "li-hbjx", keys.li.public)
        add_key(repo, "wang-admin", keys.wang.public)
    return make_repo(tmp_path / "repo", setup)


def signed_edit(repo: Repo, who: Who, key: Path | None) -> None:
    text = repo.read(APP)
    repo.write(APP, text.replace("党员人数: 23", "党员人数: 24", 1) + "# 已核对\n")
    repo.commit(who, "修改申报表", key=key)


def test_signature_good(signed_repo: Repo, keys: Keys) -> None:
    signed_edit(signed_repo, HBJX, keys.li.private)
    assert signed_repo.last() == []


def test_signature_good_with_the_public_key_file(signed_repo: Repo, keys: Keys) -> None:
    decide(signed_repo, "hbjx", "驳回")
    signed_repo.commit(ADMIN, "驳回", key=keys.wang.private.with_suffix(".pub"))
    assert signed_repo.last() == []


def test_signature_missing(signed_repo: Repo) -> None:
    signed_edit(signed_repo, HBJX, None)
    assert signed_repo.last() == [("", "签名")]
    message = signed_repo.violations()[0].message
    assert "没有签名" in message


def test_signature_by_an_unknown_key(signed_repo: Repo, keys: Keys) -> None:
    signed_edit(signed_repo, HBJX, keys.stranger.private)
    assert signed_repo.last() == [("", "签名")]


def test_signature_by_someone_elses_key(signed_repo: Repo, keys: Keys) -> None:
    signed_edit(signed_repo, HBJX, keys.wang.private)
    assert signed_repo.last() == [("", "签名")]
    message = signed_repo.violations()[0].message
    assert "wangqiang@hbkx.example.org" in message and "李华" in message


def test_signature_of_a_person_without_a_key(signed_repo: Repo, keys: Keys) -> None:
    edit(signed_repo, HBNX, "hbnx")
    assert signed_repo.last() == [("", "签名")]


def test_signature_does_not_excuse_other_rules(signed_repo: Repo, keys: Keys) -> None:
    decide(signed_repo, "hbjx", "通过")
    signed_repo.commit(HBJX, "自己通过", key=keys.li.private)
    assert signed_repo.last() == [(decision_path("hbjx"), "权限")]


def test_signatures_not_required_by_default(repo: Repo, keys: Keys) -> None:
    edit(repo)
    signed_edit(repo, HBJX, keys.stranger.private)
    assert repo.violations() == []


# -- the command --------------------------------------------------------------------------------------

def test_cli_reports_each_violation_on_one_line(repo: Repo,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, HBNX)
    sha = repo.head()
    code = main(["-C", str(repo.root), "check-history"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines == [f"{sha[:10]} 陈静 <{HBNX.email}> {APP}: [权限] "
                     "只有学会「hbjx」已启用的用户可以修改本学会的申报材料（陈静的角色是学会用户）",
                     "1 处违反权限规则"]


def test_cli_clean_history_exits_0(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo)
    code = main(["-C", str(repo.root), "check-history"])
    out, _ = capsys.readouterr()
    assert code == 0 and "历史检查通过" in out


def test_cli_range_with_carets(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, STRANGER)
    edit(repo)
    code = main(["-C", str(repo.root), "check-history", "HEAD ^HEAD~1"])
    assert code == 0, capsys.readouterr()
    code = main(["-C", str(repo.root), "check-history", "HEAD ^HEAD~2"])
    out, _ = capsys.readouterr()
    assert code == 1 and "[身份]" in out


def test_cli_range_with_two_dots(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, STRANGER)
    edit(repo)
    code = main(["-C", str(repo.root), "check-history", "HEAD~1..HEAD"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    code = main(["-C", str(repo.root), "check-history", "round-2022..HEAD"])
    out, _ = capsys.readouterr()
    assert code == 1 and "[身份]" in out


def test_cli_missing_rules_tag_says_how_to_fix(repo: Repo,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("tag", "-d", "round-2022")
    code = main(["-C", str(repo.root), "check-history"])
    _, err = capsys.readouterr()
    assert code == 1 and "git tag round-2022" in err


def test_cli_unknown_revision(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["-C", str(repo.root), "check-history", "nosuchbranch"])
    _, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err and "内部错误" not in err
    assert "提交范围「nosuchbranch」无效：本仓库中没有版本「nosuchbranch」" in err


def test_fixture_repository_is_isolated(repo: Repo) -> None:
    assert shutil.which("git")
    assert repo.git("config", "--global", "--list", check=False).stdout == ""
