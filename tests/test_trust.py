"""The record nobody can rewrite or forge (issue 11), on real scripted histories: nobody acts
on rights they gave themselves, the locks last the whole lifecycle, a replaced key leaves old
commits verified, and the walk sees exactly the status the working tree sees."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from gitrepo import (
    ADMIN,
    ADMIN2,
    BEFORE,
    EXPERT,
    EXPERT_HBNX,
    HBJSJ,
    HBJX,
    LATER,
    PEOPLE,
    PROGRAM,
    Repo,
    Who,
    acceptance_path,
    add_key,
    completion_path,
    decide,
    fund,
    make_key,
    make_repo,
    panel_path,
    require_signatures,
    score_sheet,
    ssh_keygen_available,
    write_completion,
)

from pipeline.cli import main
from pipeline.history.check import walk
from pipeline.history.vcs import Vcs

SCORES = {"工作阵地": 14, "活动策划": 9, "组织保障": 9, "党组织和党员作用发挥": 14, "活动记录": 9,
          "宣传力度": 9, "活动效果": 28}


def acceptance_sheet(expert_id: str, scale: float = 1.0) -> str:
    lines = [f"评审专家: {expert_id}", "评分:"]
    lines += [f"  {name}: {{得分: {round(score * scale)}}}" for name, score in SCORES.items()]
    return "\n".join(lines + ["总体意见: 完成良好", "日期: 2022-12-10"]) + "\n"


@pytest.fixture
def repo(tmp_path: Path, isolated_git: None) -> Repo:
    return make_repo(tmp_path / "repo")


def rules_of(repo: Repo, commit: str) -> list[tuple[str, str]]:
    return [(v.path, v.rule) for v in repo.violations() if v.commit == commit]


def make_expert(repo: Repo, person_id: str) -> None:
    """Turn one person of people.yaml into an enabled expert (role only)."""
    line = next(ln for ln in repo.read(PEOPLE).splitlines() if ln.startswith(f"  - {{id: {person_id},"))
    repo.replace(PEOPLE, line, line.replace("角色: 管理员", "角色: 专家"))


# -- nobody grants themselves anything -----------------------------------------------------------

def test_self_grant_then_act_in_the_next_commit_is_refused(repo: Repo) -> None:
    make_expert(repo, "zhao-admin")
    repo.commit(ADMIN2, "赵敏改为专家", when=LATER)
    repo.write(panel_path("hbjx", "zhao-admin"), score_sheet("zhao-admin"))
    sheet = repo.commit(ADMIN2, "赵敏评分", when=LATER)
    assert rules_of(repo, sheet) == [(panel_path("hbjx", "zhao-admin"), "权限")]


def test_a_grant_by_someone_else_takes_effect_at_once(repo: Repo) -> None:
    make_expert(repo, "zhao-admin")
    repo.commit(ADMIN, "王强把赵敏改为专家", when=LATER)
    repo.write(panel_path("hbjx", "zhao-admin"), score_sheet("zhao-admin"))
    sheet = repo.commit(ADMIN2, "赵敏评分", when=LATER)
    assert rules_of(repo, sheet) == []


def test_a_self_grant_counts_once_someone_else_commits_the_list(repo: Repo) -> None:
    make_expert(repo, "zhao-admin")
    repo.commit(ADMIN2, "赵敏改为专家", when=LATER)
    repo.replace(PEOPLE, "姓名: 黄丽萍", "姓名: 黄丽萍 ")
    repo.commit(ADMIN, "王强确认人员名单", when=LATER)
    repo.write(panel_path("hbjx", "zhao-admin"), score_sheet("zhao-admin"))
    sheet = repo.commit(ADMIN2, "赵敏评分", when=LATER)
    assert rules_of(repo, sheet) == []


def test_adding_oneself_gives_no_identity(repo: Repo) -> None:
    text = repo.read(PEOPLE)
    repo.write(PEOPLE, text.replace("邮箱: [zhaomin@hbkx.example.org]",
                                    "邮箱: [zhaomin@hbkx.example.org, lihua@hbjx.example.org]"))
    repo.commit(ADMIN2, "赵敏加了一个邮箱", when=LATER)
    decide(repo, "hbjx", "通过")
    verdict = repo.commit(HBJX, "用新邮箱提交审核决定", when=LATER)
    assert ("reviews/2022/hbjx/decision.yaml", "权限") in rules_of(repo, verdict)


def test_the_legitimate_flow_admin_adds_an_expert_who_scores_later(repo: Repo) -> None:
    text = repo.read(PEOPLE)
    repo.write(PEOPLE, text + "  - {id: new-expert, 姓名: 新专家, 角色: 专家, "
                              "邮箱: [new@expert.example.org], 启用: 是}\n")
    repo.commit(ADMIN, "新增专家", when=LATER)
    repo.write(panel_path("hbjx", "new-expert"), score_sheet("new-expert"))
    sheet = repo.commit(Who("new@expert.example.org", "新专家"), "评分", when=LATER)
    assert rules_of(repo, sheet) == []


# -- locks for the whole lifecycle ---------------------------------------------------------------

def accepted(repo: Repo, *, scale: float = 1.0) -> None:
    """hbjx funded, its report submitted and judged by two experts."""
    fund(repo)
    write_completion(repo, state="已提交")
    repo.commit(HBJX, "提交结题报告", when=LATER)
    for who in (EXPERT, EXPERT_HBNX):
        repo.write(acceptance_path("hbjx", who.id), acceptance_sheet(who.id, scale))
        repo.commit(who, "考核评分", when=LATER)


def test_the_report_is_locked_once_scored(repo: Repo) -> None:
    accepted(repo)
    repo.replace(completion_path("hbjx"), "参加人数: 120", "参加人数: 220")
    edit = repo.commit(HBJX, "验收后改结题报告", when=LATER)
    assert rules_of(repo, edit) == [(completion_path("hbjx"), "状态")]


def test_the_walk_sees_acceptance_scores(repo: Repo) -> None:
    accepted(repo, scale=0.5)              # about 46 points: 验收不通过
    vcs = Vcs(repo.root)
    statuses = [tree.status_of(2022, "hbjx") for _, tree in walk(vcs, ["HEAD", "^round-2022"])]
    assert statuses[-1] == "验收不通过"      # before the last commit: one sheet counted


def test_a_closed_year_locks_the_acceptance_sheets(repo: Repo) -> None:
    accepted(repo, scale=0.5)
    repo.replace(PROGRAM, "已结束: 否", "已结束: 是")
    repo.commit(ADMIN, "2022 年度结束", when=LATER)
    repo.write(acceptance_path("hbjx", EXPERT.id), acceptance_sheet(EXPERT.id))
    flip = repo.commit(EXPERT, "一年后改分", when="2023-06-01T10:00:00+08:00")
    assert rules_of(repo, flip) == [(acceptance_path("hbjx", EXPERT.id), "已结束")]


def test_a_closed_year_is_the_admins_alone(repo: Repo) -> None:
    repo.replace(PROGRAM, "已结束: 否", "已结束: 是")
    repo.commit(ADMIN, "2022 年度结束", when=LATER)
    repo.replace("submissions/2022/hbjsj/application.yaml", "状态: 草稿", "状态: 草稿 ")
    late = repo.commit(HBJSJ, "结束后修改", when=LATER)
    assert rules_of(repo, late) == [("submissions/2022/hbjsj/application.yaml", "已结束")]


def test_panel_sheets_lock_once_the_selection_is_approved(repo: Repo) -> None:
    fund(repo)
    repo.write(panel_path("hbnx", EXPERT.id), score_sheet(EXPERT.id))
    late = repo.commit(EXPERT, "立项后补评分", when=LATER)
    assert rules_of(repo, late) == [(panel_path("hbnx", EXPERT.id), "评审期")]


# -- a replaced key --------------------------------------------------------------------------------

def test_a_replaced_key_keeps_old_commits_verified(tmp_path: Path, isolated_git: None) -> None:
    if not ssh_keygen_available():
        pytest.skip("ssh-keygen is not installed (apt-get install openssh-client)")
    old, new = make_key(tmp_path, "old"), make_key(tmp_path, "new")
    admin = make_key(tmp_path, "admin")

    def setup(r: Repo) -> None:
        require_signatures(r)
        add_key(r, "li-hbjx", old.public)
        add_key(r, "wang-admin", admin.public)
    repo = make_repo(tmp_path / "repo", setup)
    repo.replace("submissions/2022/hbjx/application.yaml", "党员人数: 23", "党员人数: 24")
    first = repo.commit(HBJX, "旧密钥签名", key=old.private)
    repo.replace(PEOPLE, old.public, new.public)
    repo.commit(ADMIN, "李华换了密钥", key=admin.private, when=BEFORE)
    repo.replace("submissions/2022/hbjx/application.yaml", "党员人数: 24", "党员人数: 25")
    lost = repo.commit(HBJX, "用已撤销的密钥签名", key=old.private)
    repo.replace("submissions/2022/hbjx/application.yaml", "党员人数: 25", "党员人数: 26")
    good = repo.commit(HBJX, "新密钥签名", key=new.private)
    assert rules_of(repo, first) == []
    assert rules_of(repo, lost) == [("", "签名")]
    assert rules_of(repo, good) == []


# -- one status for the walk and the working tree --------------------------------------------------

def statuses_at(repo: Repo, sha: str, target: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """What `qianghui list --json` derives from a checkout of one commit."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    archive = subprocess.run(["git", "archive", sha], cwd=repo.root, capture_output=True,
                             check=True, timeout=60).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    capsys.readouterr()
    if not (target / "submissions").exists():
        return {}
    assert main(["-C", str(target), "list", "--json"]) == 0
    return {f"{r['年度']}/{r['学会']}": r["状态"] for r in json.loads(capsys.readouterr().out)}


def walk_statuses(repo: Repo) -> list[tuple[str, dict[str, str]]]:
    """The status of every project after each commit, as the history walk derives it."""
    found = []
    vcs = Vcs(repo.root)
    last = None
    for commit, tree in walk(vcs, ["HEAD"]):
        if last is not None:
            found.append((last, statuses(tree)))
        last = commit.sha
    assert last is not None
    found.append((last, statuses(tree)))
    return found


def statuses(tree: object) -> dict[str, str]:
    apps = [p.split("/") for p in tree.blobs if p.startswith("submissions/")  # type: ignore[attr-defined]
            and p.endswith("/application.yaml")]
    return {f"{y}/{s}": tree.status_of(int(y), s) for _, y, s, _ in apps}  # type: ignore[attr-defined]


def lifecycle(repo: Repo) -> None:
    """Every status of the machine, one commit at a time."""
    decide(repo, "hbqx", "驳回")
    repo.commit(ADMIN, "驳回", when=LATER)
    accepted(repo)
    repo.write(acceptance_path("hbnx", EXPERT.id), acceptance_sheet(EXPERT.id))
    repo.commit(EXPERT, "不在评分期的评分", when=LATER)
    repo.replace(PROGRAM, "已结束: 否", "已结束: 是")
    repo.commit(ADMIN, "年度结束", when=LATER)


@pytest.mark.slow
def test_the_walk_derives_the_working_trees_status_at_every_commit(
        repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lifecycle(repo)
    seen = set()
    for sha, walked in walk_statuses(repo):
        assert walked == statuses_at(repo, sha, tmp_path / "checkout", capsys), sha
        seen.update(walked.values())
    assert {"草稿", "未审核", "已驳回", "已立项", "未立项", "待验收", "验收通过"} <= seen


@pytest.mark.slow
def test_the_walk_agrees_on_a_generated_round(tmp_path: Path, isolated_git: None,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from bench.generate import generate

    made = generate(tmp_path / "round", 24, seed=3, commits=14)
    repo = Repo(made.root)
    for sha, walked in walk_statuses(repo):
        assert walked == statuses_at(repo, sha, tmp_path / "checkout", capsys), sha
