"""`qianghui rank` and `qianghui spot-check` on real temporary git repositories.

The repositories hold the demo round as it stood before selection: every application and panel
score sheet, but no selection.yaml, spot check, completion report, acceptance sheet or survey,
and the program open (已结束: 否) with a quota of 3. Ranking reads the panel sheets, breaks ties
by commit time, and writes a proposal that an administrator approves; the spot check then draws
from the approved list with the selection's commit id as the public seed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from gitrepo import ADMIN, LATER, MAINTAINER, SETUP_DATE, Repo, Who, isolate_git, run_git, select

from pipeline.cli import main
from pipeline.forms.yamlio import load_file
from schemas.decision import Selection
from schemas.sheets import SpotCheck

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = "config/program-2022.yaml"
SELECTION = "reviews/2022/selection.yaml"
SPOT_CHECK = "reviews/2022/spot-check.yaml"
TOP3 = ["hbjx", "hbyx", "hbzyy"]           # panel scores 91.33, 87.83, 85.83
BY_SCORE = [("hbjx", "91.33"), ("hbyx", "87.83"), ("hbzyy", "85.83"), ("hbnx", "84.13"),
            ("hbdz", "81.83"), ("hbdl", "78.75"), ("hbhk", "65.83")]
APPROVAL = "审批:\n  审批人: wang-admin\n  日期: 2022-06-01\n  意见: 经省科协党组审批同意\n"
HBYX = Who("liuyang@hbyx.example.org", "刘洋", "liu-hbyx")
HBZYY = Who("tangxue@hbzyy.example.org", "唐雪", "tang-hbzyy")


def before_selection(root: Path, program: dict[str, str], skip: tuple[str, ...] = ()) -> None:
    """The demo round before selection under `root`; `skip` files are left out for now."""
    for name in ("config", "templates", "submissions", "reviews"):
        shutil.copytree(ROOT / name, root / name)
    for path in [root / SELECTION, root / SPOT_CHECK,
                 *root.glob("submissions/2022/*/completion.yaml"),
                 *root.glob("reviews/2022/*/survey.yaml")]:
        path.unlink()
    for folder in root.glob("reviews/2022/*/acceptance"):
        shutil.rmtree(folder)
    text = (root / PROGRAM).read_text(encoding="utf-8")
    for key, value in {"已结束": "否", "资助数量": "3", **program}.items():
        text, found = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text)
        assert found == 1, key
    (root / PROGRAM).write_text(text, encoding="utf-8")
    for rel in skip:
        (root / rel).rename(root / f"{rel}.later")


def make(root: Path, program: dict[str, str] | None = None,
         later: tuple[tuple[str, Who, str], ...] = ()) -> Repo:
    """A repository of the round; `later` applications are committed one by one afterwards,
    each by its society at the chosen committer date."""
    root.mkdir(parents=True)
    run_git(root, "init", "-q", "-b", "main")
    before_selection(root, program or {}, tuple(rel for rel, _, _ in later))
    repo = Repo(root)
    repo.commit(MAINTAINER, "2022 年度申报仓库（评审后、立项前）", when=SETUP_DATE)
    for rel, who, when in later:
        (root / f"{rel}.later").rename(root / rel)
        repo.commit(who, f"提交 {rel}", when=when, paths=(rel,))
    return repo


@pytest.fixture(autouse=True)
def _no_global_git(isolated_git: None) -> None:
    """Every test here runs git without the global configuration (tests/conftest.py)."""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return make(tmp_path_factory.mktemp("base") / "repo")


@pytest.fixture
def repo(base: Repo, tmp_path: Path) -> Repo:
    """A private copy of the base repository (working tree and .git)."""
    root = tmp_path / "repo"
    shutil.copytree(base.root, root, symlinks=True)
    return Repo(root)


def cli(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["-C", str(repo.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def proposal(repo: Repo) -> Selection:
    return Selection.model_validate(load_file(repo.path(SELECTION)).data)


def funded(repo: Repo) -> list[str]:
    return [entry.society for entry in proposal(repo).funded]


def statuses(repo: Repo, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    code, out, _ = cli(repo, capsys, "list", "--json")
    assert code == 0
    return {row["学会"]: row["状态"] for row in json.loads(out)}


def table_rows(out: str) -> list[tuple[str, str, str]]:
    """(学会, 得分, 拟立项) of each row of the ranking table `rank` prints."""
    rows = []
    for line in out.splitlines():
        cells = line.split()
        if len(cells) == 5 and cells[0].isdigit():
            rows.append((cells[1], cells[2], cells[4]))
    return rows


def approve(repo: Repo) -> str:
    """The administrator fills in the 审批 and commits the selection; the commit id."""
    repo.write(SELECTION, repo.read(SELECTION) + APPROVAL)
    return repo.commit(ADMIN, "立项名单经党组审批", when=LATER, paths=(SELECTION,))


# --- rank -------------------------------------------------------------------------------------

def test_rank_proposes_the_top_of_the_panel_scores(repo: Repo,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(repo, capsys, "rank", "--年度", "2022")
    assert (code, err) == (0, "")
    assert table_rows(out) == [(s, score, "是" if s in TOP3 else "否") for s, score in BY_SCORE]
    assert "已写入 reviews/2022/selection.yaml（拟立项 3 个）" in out
    selection = proposal(repo)
    assert [(e.society, str(e.amount)) for e in selection.funded] == [(s, "20000") for s in TOP3]
    assert selection.approval is None
    text = repo.read(SELECTION)
    assert text.startswith("# yaml-language-server: $schema=../../schemas/json/selection.schema.json")
    assert ("# 未进入资助名额：\n#   第 4 名 hbnx 84.13\n#   第 5 名 hbdz 81.83\n"
            "#   第 6 名 hbdl 78.75\n#   第 7 名 hbhk 65.83\n") in text
    assert cli(repo, capsys, "validate")[0] == 0
    assert statuses(repo, capsys) == {"hbdl": "未审核", "hbdz": "未审核", "hbhk": "未审核",
                                      "hbjsj": "草稿", "hbjx": "未审核", "hbnx": "未审核",
                                      "hbqx": "已驳回", "hbyx": "未审核", "hbzyy": "未审核"}


@pytest.mark.parametrize(("quota", "count"), [(1, 1), (6, 6), (7, 7), (15, 7)])
def test_rank_quota(tmp_path: Path, capsys: pytest.CaptureFixture[str], quota: int,
                    count: int) -> None:
    repo = make(tmp_path / "repo", {"资助数量": str(quota)})
    assert cli(repo, capsys, "rank")[0] == 0
    assert funded(repo) == [s for s, _ in BY_SCORE][:count]


def test_rank_leaves_out_the_ineligible(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """hbcl (an earlier project not accepted) scores highest of all, and is still not ranked."""
    shutil.copytree(repo.path("submissions/2022/hbjx"), repo.path("submissions/2022/hbcl"))
    repo.replace("submissions/2022/hbcl/application.yaml", "学会: hbjx", "学会: hbcl")
    for expert in ("huang-expert", "lin-expert", "chen-expert"):
        repo.write(f"reviews/2022/hbcl/panel/{expert}.yaml",
                   TOP_MARKS.replace("zhang-expert", expert))
    code, out, _ = cli(repo, capsys, "validate")
    assert [line for line in out.splitlines() if "hbcl" in line] == []
    code, out, _ = cli(repo, capsys, "list", "--json", "--学会", "hbcl")
    assert json.loads(out)[0]["立项评分"] == "100.00"
    assert json.loads(out)[0]["状态"] == "不符合条件"
    code, out, _ = cli(repo, capsys, "rank")
    assert code == 0
    assert "hbcl" not in out and "hbcl" not in repo.read(SELECTION)
    assert funded(repo) == TOP3


def test_rank_refuses_to_overwrite_an_approved_selection(repo: Repo,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    select(repo, "hbhk", "hbdl")
    before = repo.path(SELECTION).read_bytes()
    code, out, err = cli(repo, capsys, "rank")
    assert (code, out) == (1, "")
    assert err == "qianghui: reviews/2022/selection.yaml 已经审批，不会覆盖已审批的立项名单\n"
    assert repo.path(SELECTION).read_bytes() == before


def test_rank_overwrites_an_unapproved_proposal(repo: Repo,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    select(repo, "hbhk", "hbdl", approved=False)
    assert cli(repo, capsys, "rank")[0] == 0
    assert funded(repo) == TOP3
    first = repo.path(SELECTION).read_bytes()
    assert cli(repo, capsys, "rank")[0] == 0                         # again: same proposal
    assert repo.path(SELECTION).read_bytes() == first


def test_rank_without_any_candidate(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    for sheet in repo.root.glob("reviews/2022/*/panel/*.yaml"):
        sheet.unlink()
    assert cli(repo, capsys, "rank")[0] == 0
    assert proposal(repo).funded == []


# --- ties by commit time ----------------------------------------------------------------------

HBYX_APP = "submissions/2022/hbyx/application.yaml"
HBZYY_APP = "submissions/2022/hbzyy/application.yaml"


def same_panel(repo: Repo) -> None:
    """hbzyy's panel gets exactly hbyx's sheets (same experts, same scores): a tie at 87.83."""
    panel = repo.path("reviews/2022/hbzyy/panel")
    shutil.rmtree(panel)
    shutil.copytree(repo.path("reviews/2022/hbyx/panel"), panel)


@pytest.mark.parametrize(("hbyx_at", "hbzyy_at", "second"), [
    ("2022-05-10T10:00:00+08:00", "2022-05-11T10:00:00+08:00", "hbyx"),
    ("2022-05-11T10:00:00+08:00", "2022-05-10T10:00:00+08:00", "hbzyy"),
    ("2022-05-12T23:59:58+08:00", "2022-05-12T23:59:57+08:00", "hbzyy"),   # one second apart
    ("2022-05-10T10:00:00+08:00", "2022-05-10T10:00:00+08:00", "hbyx"),    # same time: by id
])
def test_tie_goes_to_the_earlier_submission(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            hbyx_at: str, hbzyy_at: str, second: str) -> None:
    later = sorted([(HBYX_APP, HBYX, hbyx_at), (HBZYY_APP, HBZYY, hbzyy_at)], key=lambda x: x[2])
    repo = make(tmp_path / "repo", {"资助数量": "2"}, tuple(later))
    same_panel(repo)
    code, out, _ = cli(repo, capsys, "rank")
    assert code == 0
    other = "hbzyy" if second == "hbyx" else "hbyx"
    assert table_rows(out)[:3] == [("hbjx", "91.33", "是"), (second, "87.83", "是"),
                                   (other, "87.83", "否")]
    assert funded(repo) == ["hbjx", second]


# --- panel sheets -----------------------------------------------------------------------------

CONFLICTED = "reviews/2022/hbjx/panel/zhang-expert.yaml"
TOP_MARKS = ("评审专家: zhang-expert\n评分:\n  意义: {得分: 20}\n  思路: {得分: 20}\n  措施: {得分: 25}\n"
             "  预期目标: {得分: 15}\n  实施计划: {得分: 20}\n总体意见: 同意立项\n日期: 2022-05-24\n")


def test_conflicted_panel_sheet_is_an_error_and_does_not_count(
        repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """张卫东 belongs to hbjx: his 100 would make hbjx's mean 92.50 if it counted."""
    repo.write(CONFLICTED, TOP_MARKS)
    code, out, _ = cli(repo, capsys, "validate")
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("reviews/")] == [
        f"{CONFLICTED}:1:7: 张卫东是学会「hbjx」的成员，应当回避，不能为其评分 (评审专家)"]
    code, out, _ = cli(repo, capsys, "rank")
    assert code == 0
    assert table_rows(out)[0] == ("hbjx", "91.33", "是")
    code, out, _ = cli(repo, capsys, "list", "--json", "--学会", "hbjx")
    assert json.loads(out)[0]["立项评分"] == "91.33"


EXTRA = "reviews/2022/hbhk/panel/lin-expert.yaml"
LIN_MARKS = TOP_MARKS.replace("zhang-expert", "lin-expert")


@pytest.mark.parametrize(("sheet", "line"), [
    (LIN_MARKS.replace("意义: {得分: 20}", "意义: {得分: 21}"),
     f"{EXTRA}:3:12: 「意义」得分 21 超过该指标分值 20 (评分.意义.得分)"),
    (LIN_MARKS.replace("  实施计划: {得分: 20}\n", ""), f"{EXTRA}:2:1: 缺少指标：实施计划 (评分)"),
    (LIN_MARKS.replace("评审专家: lin-expert", "评审专家: huang-expert"),
     f"{EXTRA}:1:7: 评审专家「huang-expert」与文件名「lin-expert」不一致 (评审专家)"),
])
def test_broken_panel_sheet_does_not_count(repo: Repo, capsys: pytest.CaptureFixture[str],
                                          sheet: str, line: str) -> None:
    """A fourth sheet for hbhk (65.83 from three sheets) that would lift it if it counted."""
    repo.write(EXTRA, sheet)
    code, out, _ = cli(repo, capsys, "validate")
    assert code == 1
    assert [p for p in out.splitlines() if p.startswith("reviews/")] == [line]
    assert cli(repo, capsys, "rank")[0] == 0
    assert "#   第 7 名 hbhk 65.83\n" in repo.read(SELECTION)


# --- status after approval and after the round closes ----------------------------------------

def test_status_after_approval_and_after_closing(repo: Repo,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "rank")[0] == 0
    approve(repo)
    assert statuses(repo, capsys) == {"hbdl": "未审核", "hbdz": "未审核", "hbhk": "未审核",
                                      "hbjsj": "草稿", "hbjx": "已立项", "hbnx": "未审核",
                                      "hbqx": "已驳回", "hbyx": "已立项", "hbzyy": "已立项"}
    repo.replace(PROGRAM, "已结束: 否", "已结束: 是")
    assert statuses(repo, capsys) == {"hbdl": "未立项", "hbdz": "未立项", "hbhk": "未立项",
                                      "hbjsj": "草稿", "hbjx": "已立项", "hbnx": "未立项",
                                      "hbqx": "已驳回", "hbyx": "已立项", "hbzyy": "已立项"}
    assert cli(repo, capsys, "validate")[0] == 0
    before = repo.path(SELECTION).read_bytes()
    assert cli(repo, capsys, "rank")[0] == 1
    assert repo.path(SELECTION).read_bytes() == before


# --- spot check -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def approved_base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, str]:
    """Ranked, approved and committed by the administrator, then one unrelated later commit."""
    home = tmp_path_factory.mktemp("home-approved")
    with pytest.MonkeyPatch.context() as mp:
        isolate_git(mp, home)
        repo = make(tmp_path_factory.mktemp("approved") / "repo")
        assert main(["-C", str(repo.root), "rank"]) == 0
        sha = approve(repo)
        repo.commit(ADMIN, "其他工作", when="2022-06-02T10:00:00+08:00")
        assert repo.head() != sha
    return repo, sha


@pytest.fixture
def approved(approved_base: tuple[Repo, str], tmp_path: Path,
             capsys: pytest.CaptureFixture[str]) -> tuple[Repo, str]:
    capsys.readouterr()
    base, sha = approved_base
    root = tmp_path / "repo"
    shutil.copytree(base.root, root, symlinks=True)
    return Repo(root), sha


def published_draw(seed: str, societies: list[str], count: int) -> list[str]:
    """The draw as the spot-check file's 抽取方法 describes it, done by hand."""
    order = sorted(societies, key=lambda s: hashlib.sha256(f"{seed}:{s}".encode()).hexdigest())
    return sorted(order[:count])


def spot_check_file(repo: Repo) -> SpotCheck:
    return SpotCheck.model_validate(load_file(repo.path(SPOT_CHECK)).data)


def test_spot_check_seeds_with_the_selection_commit(approved: tuple[Repo, str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo, sha = approved
    code, out, _ = cli(repo, capsys, "spot-check", "--年度", "2022")
    assert code == 0
    expected = published_draw(sha, TOP3, 1)
    check = spot_check_file(repo)
    assert (check.seed, str(check.rate), check.count, check.drawn, check.findings) == \
        (sha, "0.05", 1, expected, [])
    assert check.method == "按 sha256(种子:学会id) 的十六进制值升序排列，取前 N 个"
    assert out == f"种子：{sha}\n抽中：{expected[0]}（1 个）\n已写入 reviews/2022/spot-check.yaml\n"
    assert cli(repo, capsys, "spot-check", "--verify") == \
        (0, "复核通过：按种子重新抽取的结果与文件一致\n", "")
    assert cli(repo, capsys, "validate")[0] == 0


def test_verify_fails_when_the_drawn_project_is_changed(approved: tuple[Repo, str],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    repo, sha = approved
    assert cli(repo, capsys, "spot-check")[0] == 0
    drawn = spot_check_file(repo).drawn[0]
    other = next(s for s in TOP3 if s != drawn)
    repo.replace(SPOT_CHECK, f"  - {drawn}\n", f"  - {other}\n")
    message = f"按种子重新抽取应为：{drawn}（1 个），与文件不一致"
    assert cli(repo, capsys, "spot-check", "--verify") == (1, message + "\n", "")
    code, out, _ = cli(repo, capsys, "validate")
    line = repo.read(SPOT_CHECK).splitlines().index("抽中:") + 1
    assert code == 1
    assert [p for p in out.splitlines() if p.startswith("reviews/")] == \
        [f"{SPOT_CHECK}:{line}:1: {message} (抽中)"]


def test_verify_fails_when_the_count_is_changed(approved: tuple[Repo, str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = approved
    assert cli(repo, capsys, "spot-check")[0] == 0
    drawn = spot_check_file(repo).drawn[0]
    other = next(s for s in TOP3 if s != drawn)
    repo.replace(SPOT_CHECK, "抽取数量: 1\n", "抽取数量: 2\n")
    repo.replace(SPOT_CHECK, f"  - {drawn}\n", f"  - {drawn}\n  - {other}\n")
    assert cli(repo, capsys, "spot-check", "--verify")[0] == 1


def test_spot_check_never_redraws(approved: tuple[Repo, str],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = approved
    assert cli(repo, capsys, "spot-check")[0] == 0
    before = repo.path(SPOT_CHECK).read_bytes()
    for args in (("spot-check",), ("spot-check", "--种子", "另一个种子")):
        code, out, err = cli(repo, capsys, *args)
        assert (code, out) == (1, "")
        assert err == ("qianghui: reviews/2022/spot-check.yaml 已经存在：抽查只抽一次；"
                       "用 --verify 复核\n")
        assert repo.path(SPOT_CHECK).read_bytes() == before


def test_spot_check_seed_given(approved: tuple[Repo, str],
                               capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = approved
    seed = "2022年6月1日省科协党组会议审批立项名单"
    assert cli(repo, capsys, "spot-check", "--种子", seed)[0] == 0
    check = spot_check_file(repo)
    assert (check.seed, check.drawn) == (seed, published_draw(seed, TOP3, 1))
    assert cli(repo, capsys, "spot-check", "--verify")[0] == 0


def test_spot_check_count_follows_the_rate(approved: tuple[Repo, str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    repo, sha = approved
    repo.replace(PROGRAM, "抽查比例: 0.05", "抽查比例: 0.5")
    assert cli(repo, capsys, "spot-check")[0] == 0
    check = spot_check_file(repo)
    assert (check.count, check.drawn) == (2, published_draw(sha, TOP3, 2))
    assert cli(repo, capsys, "spot-check", "--verify")[0] == 0


def test_spot_check_needs_an_approved_selection(repo: Repo,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "rank")[0] == 0
    repo.commit(ADMIN, "拟立项名单", when=LATER)
    code, _, err = cli(repo, capsys, "spot-check")
    assert code == 1 and "尚未审批" in err
    assert not repo.path(SPOT_CHECK).exists()


def test_spot_check_needs_the_selection_committed(repo: Repo,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "rank")[0] == 0
    repo.write(SELECTION, repo.read(SELECTION) + APPROVAL)          # approved, never committed
    code, _, err = cli(repo, capsys, "spot-check")
    assert code == 1 and "还没有提交到 git" in err
    assert not repo.path(SPOT_CHECK).exists()


def test_spot_check_refuses_an_uncommitted_approval(repo: Repo,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(repo, capsys, "rank")[0] == 0
    repo.commit(ADMIN, "拟立项名单", when=LATER)                     # the proposal is committed
    repo.write(SELECTION, repo.read(SELECTION) + APPROVAL)          # the approval is not
    code, _, _ = cli(repo, capsys, "spot-check")
    assert code == 1
    assert not repo.path(SPOT_CHECK).exists()


def test_verify_without_a_spot_check(approved: tuple[Repo, str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = approved
    code, _, err = cli(repo, capsys, "spot-check", "--verify")
    assert code == 1 and "不存在：还没有抽查" in err


def test_spot_check_takes_the_date_it_was_done(approved: tuple[Repo, str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    repo, _ = approved
    code, _, err = cli(repo, capsys, "spot-check", "--日期", "2022-11-30")
    assert (code, err) == (0, "")
    assert str(spot_check_file(repo).date) == "2022-11-30"
    code, _, err = cli(repo, capsys, "spot-check", "--日期", "11月30日")
    assert code == 2 and "日期" in err and "11月30日" in err
