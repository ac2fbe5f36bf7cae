"""`qianghui rank`: the proposed 立项 list, ranked by panel score, written to selection.yaml.

Ties go to the earlier submission (by git), then to the society id; an approved list is never
overwritten.
"""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from pipeline.commands.common import default_year
from pipeline.core import layout, scoring, status
from pipeline.core.layout import Layout
from pipeline.core.projects import Project
from pipeline.core.rules import yuan
from pipeline.errors import QianghuiError
from pipeline.forms.loading import read_model
from pipeline.forms.report import table
from pipeline.run import evaluate
from pipeline.transaction import Transaction
from schemas.decision import Selection


def command(lay: Layout, year: int | None, out: TextIO) -> int:
    """Rank the year's applications by panel score and write the proposed selection."""
    year = default_year(lay, year)
    ranked = propose(lay, year)
    print(table(ranking_rows(ranked), ["排名", "学会", "得分", "申报金额", "拟立项"]), file=out)
    print(f"已写入 {lay.rel(lay.selection(year))}（拟立项 {sum(r.funded for r in ranked)} 个），"
          "待省科协党组审批后由管理员填写“审批”", file=out)
    return 0


SELECTION_HEADER = """\
# yaml-language-server: $schema=../../schemas/json/{schema}.schema.json
# 拟立项名单：由 qianghui rank 按立项评审得分生成（同分时先提交者在前，再按学会 id）。
# 报省科协党组审批后，由管理员填写“审批”并提交；审批后的名单不会再被覆盖。
"""


def submission_times(lay: Layout, year: int) -> dict[str, datetime]:
    """When each application last changed in git (one log pass); empty outside a repository."""
    from pipeline.history.vcs import Vcs

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
    schema = f"selection-{year}"        # the year's quota and amount, once `qianghui schema` made it
    text = selection_text(ranked, schema if (lay.schemas_json / f"{schema}.schema.json").exists()
                          else "selection")
    with Transaction([path], shown=lay.rel) as tx:
        tx.write(path, text.encode("utf-8"))
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


def ranking_rows(ranked: list[scoring.Ranked]) -> list[dict[str, object]]:
    return [{"排名": r.rank, "学会": r.candidate.society, "得分": str(r.candidate.score),
             "申报金额": yuan(r.candidate.amount), "拟立项": "是" if r.funded else "否"}
            for r in ranked]
