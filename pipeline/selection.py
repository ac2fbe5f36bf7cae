"""`qianghui rank` (the proposed 立项 list) and `qianghui spot-check` (the public 5% draw)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from pipeline import layout, scoring, status
from pipeline.errors import QianghuiError
from pipeline.layout import Layout
from pipeline.loading import read_model
from pipeline.projects import Project
from pipeline.rules import yuan
from pipeline.run import evaluate
from schemas.decision import Selection
from schemas.sheets import SpotCheck

SELECTION_HEADER = """\
# yaml-language-server: $schema=../../schemas/json/{schema}.schema.json
# 拟立项名单：由 qianghui rank 按立项评审得分生成（同分时先提交者在前，再按学会 id）。
# 报省科协党组审批后，由管理员填写“审批”并提交；审批后的名单不会再被覆盖。
"""


def submission_times(lay: Layout, year: int) -> dict[str, datetime]:
    """When each application last changed in git (one log pass); empty outside a repository."""
    from pipeline.vcs import Vcs

    try:
        vcs = Vcs(lay.root)
        commits = list(vcs.log(["HEAD"], paths=[f"submissions/{year}"]))
    except QianghuiError:
        return {}
    times: dict[str, datetime] = {}
    for commit in commits:
        for change in commit.changes:
            parts = change.path.split("/")
            if len(parts) == 4 and parts[3] == "application.yaml":
                times[parts[2]] = commit.committed
    return times


def candidates(projects: list[Project], times: dict[str, datetime]) -> list[scoring.Candidate]:
    """Submitted, valid, not returned applications that have panel scores."""
    out = []
    for p in projects:
        if p.status != status.PENDING or p.application.problems or p.model is None:
            continue
        if p.scores.panel is None:
            continue
        out.append(scoring.Candidate(p.society, p.scores.panel, times.get(p.society), p.model.amount))
    return out


def load_selection(lay: Layout, year: int) -> Selection | None:
    path = lay.selection(year)
    return read_model(lay, path, layout.SELECTION, Selection) if path.exists() else None


def propose(lay: Layout, year: int) -> list[scoring.Ranked]:
    """Rank the year's candidates and write the proposal, unless an approved list exists."""
    path = lay.selection(year)
    existing = load_selection(lay, year)
    if existing is not None and existing.approval is not None:
        raise QianghuiError(f"{lay.rel(path)} 已经审批，不会覆盖已审批的立项名单")
    _, projects, config = evaluate(lay, None)
    program = config.programs.get(year)
    if program is None:
        raise QianghuiError(f"没有 {year} 年度的申报通知 config/program-{year}.yaml，或它有错误")
    mine = [p for p in projects if p.year == year]
    ranked = scoring.rank(candidates(mine, submission_times(lay, year)), program.quota,
                          program.amount * program.quota)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    schema = f"selection-{year}"        # the year's quota and amount, once `qianghui schema` made it
    tmp.write_text(selection_text(ranked, schema if (lay.schemas_json / f"{schema}.schema.json").exists()
                                  else "selection"), encoding="utf-8")
    tmp.replace(path)
    return ranked


def selection_text(ranked: list[scoring.Ranked], schema: str = "selection") -> str:
    lines = [SELECTION_HEADER.format(schema=schema), "立项:"]
    for r in ranked:
        if r.funded:
            lines.append(f"  - 学会: {r.candidate.society}          # 第 {r.rank} 名，"
                         f"立项评审得分 {r.candidate.score}")
            lines.append(f"    资助金额: {r.candidate.amount}")
    if not any(r.funded for r in ranked):
        lines[-1] = "立项: []"
    rest = [f"#   第 {r.rank} 名 {r.candidate.society} {r.candidate.score}" for r in ranked
            if not r.funded]
    if rest:
        lines += ["# 未进入资助名额：", *rest]
    lines.append("# 审批:                       # 党组审批后由管理员填写")
    lines.append("#   审批人: wang-admin")
    lines.append("#   日期: 2022-06-01")
    lines.append("#   意见: 经省科协党组审批同意")
    return "\n".join(lines) + "\n"


def approved_selection(lay: Layout, year: int) -> Selection:
    selection = load_selection(lay, year)
    if selection is None or selection.approval is None:
        raise QianghuiError(f"{year} 年度的立项名单尚未审批（{lay.rel(lay.selection(year))}），不能抽查")
    return selection


def default_seed(lay: Layout, year: int) -> str:
    """The commit id that last changed the approved selection: public and fixed."""
    from pipeline.vcs import Vcs

    vcs = Vcs(lay.root)
    if vcs.dirty(lay.selection(year)):
        raise QianghuiError("立项名单的修改（如审批）还没有提交到 git：请先提交，抽查的种子是它的提交 id")
    out = vcs.run("log", "-1", "--format=%H", "--", f"reviews/{year}/selection.yaml")
    if not out.strip():
        raise QianghuiError("立项名单还没有提交到 git：请先提交，或用 --种子 指定公开的种子")
    return out.strip()


def spot_check(lay: Layout, year: int, rate: Decimal, seed: str | None, today: date) -> SpotCheck:
    """Draw the spot check and write reviews/<年度>/spot-check.yaml; never redraws."""
    path = lay.root / "reviews" / str(year) / "spot-check.yaml"
    if path.exists():
        raise QianghuiError(f"{lay.rel(path)} 已经存在：抽查只抽一次；用 --verify 复核")
    funded = [e.society for e in approved_selection(lay, year).funded]
    seed = seed or default_seed(lay, year)
    count = scoring.draw_count(rate, len(funded))
    check = SpotCheck(seed=seed, rate=rate, count=count, method=scoring.DRAW_METHOD,
                      drawn=scoring.draw(seed, funded, count), findings=[], date=today)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(spot_check_text(check), encoding="utf-8")
    tmp.replace(path)
    return check


def spot_check_text(check: SpotCheck) -> str:
    drawn = "\n".join(f"  - {s}" for s in check.drawn)
    return (f"# yaml-language-server: $schema=../../schemas/json/spot-check.schema.json\n"
            f"# 财务抽查：任何人可用同一种子重新抽取（qianghui spot-check --verify）\n"
            f"种子: {check.seed}\n比例: {check.rate}\n抽取数量: {check.count}\n"
            f"抽取方法: {json.dumps(check.method, ensure_ascii=False)}\n抽中:\n{drawn}\n"
            f"发现: []                       # 抽查后填写：- {{学会: …, 问题: …, 处理: …}}\n"
            f"日期: {check.date.isoformat()}\n")


def verify(lay: Layout, year: int) -> list[str]:
    """Redo the draw from the file's seed; the differences, empty when the file agrees."""
    from pipeline.reviews import check_draw

    path = lay.root / "reviews" / str(year) / "spot-check.yaml"
    if not path.exists():
        raise QianghuiError(f"{lay.rel(path)} 不存在：还没有抽查")
    check = read_model(lay, path, layout.SPOT_CHECK, SpotCheck)
    funded = [e.society for e in approved_selection(lay, year).funded]
    return [f.message for f in check_draw(check, funded)]


def ranking_rows(ranked: list[scoring.Ranked]) -> list[dict[str, object]]:
    return [{"排名": r.rank, "学会": r.candidate.society, "得分": str(r.candidate.score),
             "申报金额": yuan(r.candidate.amount), "拟立项": "是" if r.funded else "否"}
            for r in ranked]
