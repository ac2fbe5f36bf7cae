"""`qianghui diff BASE HEAD` on real commits whose consequences are known in advance."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pipeline.core.projects import COLUMNS
from tests.gitrepo import (
    ADMIN,
    EXPERT,
    LATER,
    MAINTAINER,
    QIANGHUI,
    TIMEOUT,
    Repo,
    demo_repo,
    isolate_git,
    isolated_env,
    run_git,
)

SELECTION = "reviews/2022/selection.yaml"
HBNX_SHEET = "reviews/2022/hbnx/acceptance/huang-expert.yaml"
PROGRAM = "config/program-2022.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The demo round with its reviews: every state, scores, a ranked and approved selection."""
    isolate_git(monkeypatch, tmp_path / "home")
    return demo_repo(tmp_path / "repo", when=LATER)


def qianghui(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(QIANGHUI), "-C", str(root), *args], capture_output=True,
                          text=True, timeout=TIMEOUT, env=isolated_env())


def diff(repo: Repo, *args: str) -> str:
    done = qianghui(repo.root, "diff", "HEAD~1", "HEAD", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def preview(repo: Repo) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(diff(repo, "--format", "json"))
    return data


def test_a_reordered_selection_moves_ranks(repo: Repo) -> None:
    text = repo.read(SELECTION)
    hbjx = "  - 学会: hbjx    # 立项评审得分 91.33\n    资助金额: 20000\n"
    assert hbjx in text
    moved = text.replace(hbjx, "").replace("  - 学会: hbdz ", hbjx + "  - 学会: hbdz ")
    repo.write(SELECTION, moved)
    repo.commit(ADMIN, "调整立项名单顺序", when=LATER)
    out = diff(repo)
    assert "hbjx（湖北省机械工程学会）：排名 1 → 4" in out
    assert "hbyx（湖北省药学会）：排名 2 → 1" in out
    assert "hbdl" not in out                      # rank 6 stays 6
    assert "共 4 个项目受影响；错误 0 → 0 个" in out


def test_a_changed_score_sheet_changes_score_and_grade(repo: Repo) -> None:
    sheet = repo.read(HBNX_SHEET)
    for old, new in (("活动效果:\n    得分: 17", "活动效果:\n    得分: 27"),
                     ("宣传力度:\n    得分: 5", "宣传力度:\n    得分: 10"),
                     ("活动记录:\n    得分: 6", "活动记录:\n    得分: 7")):
        assert old in sheet
        sheet = sheet.replace(old, new)
    repo.write(HBNX_SHEET, sheet)
    repo.commit(EXPERT, "修改验收评分", when=LATER)
    assert ("hbnx（湖北省农学会）：状态 验收不通过 → 验收通过；"
            "验收得分 55.67 → 61.00，等级 不合格 → 合格") in diff(repo)
    change = next(c for c in preview(repo)["changes"] if c["学会"] == "hbnx")
    assert {"字段": "等级", "之前": "不合格", "之后": "合格"} in change["变化"]


def test_a_changed_rubric_changes_the_grade_only(repo: Repo) -> None:
    repo.replace(PROGRAM, "{等级: 合格, 下限: 60}", "{等级: 合格, 下限: 55}")
    repo.commit(MAINTAINER, "调整合格线", when=LATER)
    out = diff(repo)
    assert "hbnx（湖北省农学会）：等级 不合格 → 合格\n" in out     # 合格线 decides the status
    assert "验收得分" not in out.split("hbnx")[1].splitlines()[0]


def test_leaving_the_selection_is_said_with_the_errors_it_causes(repo: Repo) -> None:
    entry = "  - 学会: hbdz    # 立项评审得分 81.83\n    资助金额: 18000\n"
    repo.replace(SELECTION, entry, "")
    repo.commit(ADMIN, "移出 hbdz", when=LATER)
    data = preview(repo)
    hbdz = next(c for c in data["changes"] if c["学会"] == "hbdz")
    assert "移出拟立项名单（原排名 5）" in hbdz["说明"]
    assert "退出资助名单（原资助 18000.00 元）" in hbdz["说明"]
    assert "排名 6 → 5" in next(c for c in data["changes"] if c["学会"] == "hbdl")["说明"]


def test_each_side_equals_the_list_at_its_commit(repo: Repo) -> None:
    repo.replace(PROGRAM, "{等级: 合格, 下限: 60}", "{等级: 合格, 下限: 55}")
    repo.replace(HBNX_SHEET, "活动效果:\n    得分: 17", "活动效果:\n    得分: 27")
    repo.commit(MAINTAINER, "两处修改", when=LATER)
    data = preview(repo)
    assert data["changes"]
    for side, rev in (("之前", data["base"]), ("之后", data["head"])):
        run_git(repo.root, "checkout", "-q", rev)
        listed = json.loads(qianghui(repo.root, "list", "--json").stdout)
        by_key = {(row["年度"], row["学会"]): row for row in listed}
        for change in data["changes"]:
            row = change[side]
            assert {c: row[c] for c in COLUMNS} == by_key[(row["年度"], row["学会"])]


def test_no_change_says_so(repo: Repo) -> None:
    repo.write("README-office.txt", "说明\n")
    repo.commit(MAINTAINER, "无关的文件", when=LATER)
    assert "此变更不影响任何项目" in diff(repo)


def test_unknown_revision_and_shallow_clone(repo: Repo, tmp_path: Path) -> None:
    done = qianghui(repo.root, "diff", "no-such-rev")
    assert done.returncode == 2
    assert "找不到版本「no-such-rev」" in done.stderr
    done = qianghui(repo.root, "diff", "--", "--output=/tmp/x", "HEAD")
    assert done.returncode == 2 and "「--output=/tmp/x」像是一个选项" in done.stderr
    repo.write("README-office.txt", "说明\n")
    repo.commit(MAINTAINER, "再一个提交", when=LATER)
    shallow = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.root}", str(shallow))
    done = qianghui(shallow, "diff", "HEAD~1")
    assert done.returncode == 2
    assert "浅克隆" in done.stderr and "GIT_DEPTH: 0" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_history_in_a_shallow_clone_says_to_fetch_more(repo: Repo, tmp_path: Path) -> None:
    repo.write("README-office.txt", "说明\n")
    repo.commit(MAINTAINER, "再一个提交", when=LATER)
    shallow = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.root}", str(shallow))
    done = qianghui(shallow, "check-history", "HEAD~1..HEAD")
    assert done.returncode == 1, done.stderr
    assert "浅克隆" in done.stderr and "git fetch --unshallow" in done.stderr


def test_a_committed_symlink_is_not_followed(repo: Repo, tmp_path: Path) -> None:
    """A link in the commit (to a file outside the repository) is left out of the extracted
    tree: the preview reads only what git holds as plain files."""
    secret = tmp_path / "secret.yaml"
    secret.write_text("人员: []\n", encoding="utf-8")
    repo.path(SELECTION).unlink()
    repo.path(SELECTION).symlink_to(secret)
    repo.commit(ADMIN, "名单改为链接", when=LATER)
    done = qianghui(repo.root, "diff", "HEAD~1", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    hbjx = next(c for c in data["changes"] if c["学会"] == "hbjx")
    assert "移出拟立项名单（原排名 1）" in hbjx["说明"]         # the selection is gone, not the link's
