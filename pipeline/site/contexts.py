"""What each page of the web site shows: pure functions of the loaded projects and files.

A row (the list's data) is a plain dict with short keys, kept between runs (see
``pipeline.site.state``) so a save rebuilds the list and its year's page from its own project
and the kept rows of all the others.

Long because every page of the site (the list's rows, a project, a year) takes its context here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from pipeline.core import status
from pipeline.core.projects import Project
from pipeline.core.rules import yuan
from pipeline.documents.provenance import Provenance
from pipeline.documents.summaries import RESULTS
from pipeline.errors import Problem
from pipeline.forms import messages
from pipeline.forms.yamlio import iter_scalars
from schemas.decision import Decision, Selection
from schemas.program import Program
from schemas.sheets import ScoreSheet, SpotCheck

Row = dict[str, Any]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def row_of(project: Project, origin: Provenance) -> Row:
    """One project as the list and the year page need it (numbers as numbers, for sorting and
    ranges; text as typed, so the filters compare what `qianghui list` compares)."""
    raw = project.raw
    s = project.scores
    return {"y": project.year, "s": project.society, "n": project.society_name,
            "t": _text(raw.get("项目名称")), "c": _text(raw.get("申请资助类别")),
            "f": _text(raw.get("项目形式")), "a": _text(raw.get("申报资助金额")),
            "am": _number(project.amount()), "st": project.status, "p": _number(s.panel),
            "r": s.rank, "ac": _number(s.acceptance), "g": s.grade,
            "e": project.problem_count, "gr": _number(s.goal_rate),
            "sa": _number(s.satisfaction), "gt": _number(project.grant),
            "commit": origin.commit, "date": origin.when.isoformat() if origin.commit else "",
            "dirty": bool(origin.dirty)}


def page_name(year: int, society: str) -> str:
    """The detail page of a project, relative to the site's root."""
    return f"{year}/{society}.html"


# --- the list (首页) -----------------------------------------------------------------------

def list_data(rows: Sequence[Row], registry: Sequence[tuple[str, str]],
              categories: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The data the list's script reads beside the rows: the choices of each filter, and per
    year the societies of the registry that have not applied."""
    years = sorted({r["y"] for r in rows}, reverse=True)
    applied: dict[int, set[str]] = {}
    for r in rows:
        applied.setdefault(r["y"], set()).add(r["s"])
    absent = {str(y): [[sid, name] for sid, name in registry if sid not in applied.get(y, set())]
              for y in years}
    subtypes = sorted({f for forms in categories.values() for f in forms} | {r["f"] for r in rows
                                                                             if r["f"]})
    return {"years": years,
            "statuses": list(status.ALL), "categories": sorted({*categories, *(r["c"] for r in rows
                                                                              if r["c"])}),
            "subtypes": subtypes, "absent": absent}


LIST_KEYS = ("y", "s", "n", "t", "c", "f", "a", "am", "st", "p", "r", "ac", "g", "e")


def listed(row: Row) -> Row:
    """What the list's script needs of a row."""
    return {k: row[k] for k in LIST_KEYS}


def latest(rows: Iterable[Row]) -> tuple[str, str, int]:
    """The newest commit any row's data comes from, its date, and how many rows have
    uncommitted changes: what the list says it shows."""
    commit, when, dirty = "", "", 0
    for r in rows:
        dirty += bool(r["dirty"])
        if r["commit"] and r["date"] > when:
            commit, when = r["commit"], r["date"]
    return commit, when, dirty


def version_line(commit: str, when: str, dirty: int) -> str:
    """The list's 数据版本 line (its pages carry their own)."""
    if not commit:
        return "数据版本：未提交（本页数据来自工作区）"
    extra = f"，其中 {dirty} 个项目含未提交的修改" if dirty else ""
    return f"数据版本：{commit[:10]}（{when[:10]}）及更早的提交{extra}"


# --- a project (详情) ----------------------------------------------------------------------

def fields(data: Any) -> list[tuple[str, str]]:
    """Every filled field of a form, labelled as the forms name it (预算安排第2项.金额)."""
    if not isinstance(data, dict):
        return []
    return [(messages.field_path(loc), str(value)) for loc, value in iter_scalars(data)
            if value is not None and str(value) != ""]


def verdicts(decision: Decision | None, versions: Mapping[str, str],
             names: Mapping[str, str]) -> list[dict[str, str]]:
    """The decisions in force, each with the version it judged and whether that is the file now."""
    if decision is None:
        return []
    out = []
    for stage, verdict in (("申报", decision.application), ("结题", decision.completion)):
        if verdict is None:
            continue
        current = versions.get(stage, "")
        judged = "当前版本" if current and verdict.judged(current) else "不是当前版本（其后有修改）"
        out.append({"stage": stage, "outcome": verdict.outcome, "opinion": verdict.opinion,
                    "reviewer": names.get(verdict.reviewer, verdict.reviewer),
                    "date": str(verdict.date), "version": verdict.version, "judged": judged})
    return out


def sheet_rows(sheets: Sequence[ScoreSheet], names: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"expert": names.get(s.expert, s.expert), "date": str(s.date),
             "total": f"{s.total():.2f}", "opinion": s.opinion or "",
             "items": [(name, f"{score.score:g}", score.note or "")
                       for name, score in s.scores.items()]} for s in sheets]


def _score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def spot_line(project: Project, check: SpotCheck | None) -> str:
    if check is None:
        return "本年度尚未财务抽查"
    if project.society not in check.drawn:
        return f"未被抽中（{check.date} 抽查，种子 {check.seed}）"
    found = [f for f in check.findings if f.society == project.society]
    if not found:
        return f"被抽中，未发现问题（{check.date}）"
    return f"被抽中（{check.date}），发现：" + "；".join(
        f.issue + (f"（处理：{f.action}）" if f.action else "") for f in found)


def project_context(project: Project, *, report_data: Any, versions: Mapping[str, str],
                    names: Mapping[str, str], check: SpotCheck | None, story: Sequence[str],
                    problems: Sequence[Problem], documents: Sequence[tuple[str, str, str]],
                    origin: Provenance) -> dict[str, Any]:
    """Everything the 详情 page shows of one project. ``documents`` are (name, href, pdf href
    or "") relative to the page; ``versions`` the content hash of the application and report."""
    s = project.scores
    return {
        "title": f"{project.year} 年度 {project.society_name}", "year": project.year,
        "society": project.society, "society_name": project.society_name,
        "project_name": _text(project.raw.get("项目名称")) or "（未填写项目名称）",
        "status": project.status, "ineligible": list(project.ineligible),
        "violations": list(project.violations),
        "verdicts": verdicts(project.decision, versions, names),
        "grant": yuan(project.grant) if project.grant is not None else "",
        "application": fields(project.raw), "completion": fields(report_data),
        "panel": sheet_rows(s.panel_sheets, names), "panel_score": _score(s.panel),
        "rank": s.rank or "", "acceptance": sheet_rows(s.acceptance_sheets, names),
        "acceptance_score": _score(s.acceptance), "grade": s.grade or "—",
        "rates": [("目标实现率", _percent(s.goal_rate)), ("群众满意率", _percent(s.satisfaction)),
                  ("民主测评好评率", _percent(s.approval))],
        "spot": spot_line(project, check), "story": list(story),
        "problems": [{"where": f"{p.path}:{p.line}:{p.column}" if p.line else p.path,
                      "message": ("提示：" if p.warning else "") + p.message, "field": p.field}
                     for p in problems],
        "documents": [{"name": n, "href": h, "pdf": pdf} for n, h, pdf in documents],
        "provenance": origin.footer(), "commit": origin.commit or "未提交"}


# --- a year --------------------------------------------------------------------------------

def ranking(rows: Mapping[str, Row], selection: Selection | None) -> list[dict[str, str]]:
    """立项名单 as its document has it: the selection's order, with names, amounts and scores."""
    if selection is None:
        return []
    out = []
    for i, entry in enumerate(selection.funded, 1):
        r = rows.get(entry.society, {})
        out.append({"no": str(i), "society": entry.society, "name": r.get("n", entry.society),
                    "project": r.get("t", ""), "category": r.get("c", ""), "form": r.get("f", ""),
                    "amount": yuan(entry.amount), "score": _float_score(r.get("p")),
                    "link": quote(f"{entry.society}.html") if r else ""})
    return out


def _float_score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _float_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def acceptance(rows: Mapping[str, Row], program: Program | None) -> tuple[list[dict[str, str]], str]:
    """验收结果汇总: each funded project's acceptance result, and the count per grade."""
    funded = [r for r in rows.values() if r["st"] in RESULTS]
    table = [{"no": str(i), "name": r["n"], "project": r["t"], "score": _float_score(r["ac"]),
              "grade": r["g"] or "—", "goal_rate": _float_percent(r["gr"]),
              "satisfaction": _float_percent(r["sa"]), "result": RESULTS[r["st"]],
              "link": quote(f"{r['s']}.html")} for i, r in enumerate(funded, 1)]
    grades = Counter(r["g"] for r in funded if r["g"])
    bands = [b.grade for b in program.bands] if program else sorted(grades)
    summary = f"共验收 {sum(grades.values())} 个项目：" + "、".join(f"{g} {grades[g]} 个" for g in bands)
    return table, summary


def program_facts(program: Program | None) -> list[tuple[str, str]]:
    """The key dates and rules of a year's call, in words."""
    if program is None:
        return [("申报通知", "本年度没有有效的申报通知（config/program-<年度>.yaml 缺失或有错误）")]
    facts = [("名称", program.title), ("主办", program.organizer),
             ("申报截止时间", str(program.deadline)), ("资助数量", f"最多 {program.quota} 个项目"),
             ("资助金额", f"每个项目不超过 {yuan(program.amount)} 元"),
             ("类别", "；".join(f"{c}：{'、'.join(forms)}" for c, forms in program.categories.items())),
             ("立项评分表", "、".join(f"{i.name}（{i.max:g} 分）" for i in program.panel_rubric)),
             ("考核表", "、".join(f"{i.name}（{i.max:g} 分）" for i in program.acceptance_rubric)),
             ("验收等级", "、".join(f"{b.grade} ≥ {b.floor:g}" for b in program.bands)),
             ("验收合格线", f"{program.pass_line:g} 分"),
             ("评分方法", f"评分表不少于 {program.trim_at} 份时去掉一个最高分和一个最低分后取平均"),
             ("财务抽查比例", f"{(program.audit_rate * 100).normalize():f}%"),
             ("本轮状态", "已结束（未入选的申报为“未立项”）" if program.closed else "进行中")]
    facts += [("延期", f"{e.society}：截止 {e.deadline}" + (f"（{e.reason}）" if e.reason else ""))
              for e in program.extensions]
    return facts


def year_context(year: int, rows: Mapping[str, Row], *, program: Program | None,
                 selection: Selection | None, check: SpotCheck | None,
                 names: Mapping[str, str], version: str) -> dict[str, Any]:
    """The year's page: ranking, acceptance summary, spot check (and how to verify it), rules."""
    table, summary = acceptance(rows, program)
    approval = selection.approval if selection else None
    counts = Counter(r["st"] for r in rows.values())
    drawn = []
    if check is not None:
        found = {f.society: f for f in check.findings}
        drawn = [{"society": s, "name": rows.get(s, {}).get("n", s),
                  "finding": found[s].issue if s in found else "未发现问题",
                  "action": (found[s].action or "") if s in found else "",
                  "link": quote(f"{s}.html") if s in rows else ""} for s in check.drawn]
    return {
        "title": f"{year} 年度", "year": year, "count": len(rows),
        "counts": [(s, counts[s]) for s in status.ALL if counts[s]],
        "ranking": ranking(rows, selection),
        "approval": (f"{approval.opinion}（{names.get(approval.approver, approval.approver)}，"
                     f"{approval.date}）") if approval else ("拟立项名单，待省科协党组审批" if selection
                                                             else "尚无立项名单"),
        "acceptance": table, "acceptance_summary": summary,
        "check": None if check is None else {
            "seed": check.seed, "method": check.method, "count": check.count,
            "rate": f"{(check.rate * 100).normalize():f}%", "date": str(check.date),
            "drawn": drawn, "command": f"qianghui spot-check --年度 {year} --verify"},
        "program": program_facts(program), "provenance": version}
