"""`qianghui diff BASE HEAD`: what a change does to every project, before it is merged.

Both sides are computed by the engine itself (evaluate → build_projects, as `qianghui list`
does) on the forms as they are at each commit, extracted into a temporary folder (plain files
only, see Vcs.extract). What differs is said in Chinese, one line per project, and given as
data with ``--format json``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.core.layout import Layout
from pipeline.errors import UsageError
from pipeline.history.vcs import Vcs

SOURCES = ("config", "submissions", "reviews")      # everything a project's numbers rest on
# What a reviewer of the change reads about each project, in this order.
WATCHED = ("状态", "立项评分", "排名", "资助金额", "验收得分", "等级", "不符合条件原因")


@dataclass
class Side:
    """One commit's projects (their rows, keyed by (year, society)) and problem lines."""

    rev: str
    rows: dict[tuple[int, str], dict[str, Any]]
    problems: dict[tuple[int, str], list[str]]
    others: list[str]                   # problems of files that belong to no project


@dataclass
class Change:
    """How one project differs between the two sides."""

    year: int
    society: str
    name: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)
    new_problems: list[str] = field(default_factory=list)
    fixed_problems: list[str] = field(default_factory=list)
    counts: tuple[int, int] = (0, 0)         # problems of the project's files, before and after


def side(vcs: Vcs, rev: str, today: date) -> Side:
    """The projects as the engine sees them at commit ``rev``."""
    from pipeline.run import evaluate
    from pipeline.state.status_file import problems_by_project

    with tempfile.TemporaryDirectory(prefix="qianghui-diff-") as folder:
        vcs.extract(rev, SOURCES, Path(folder))
        lay = Layout(Path(folder))
        validation, projects, _ = evaluate(lay, None, today=today)
        grouped = problems_by_project(validation)
        rows = {}
        for p in projects:
            row = p.row()
            row.pop("文档", None)
            row["资助金额"] = "" if p.grant is None else f"{p.grant:.2f}"
            rows[(p.year, p.society)] = row
        problems = {key: [pr.format() for pr in found] for key, found in grouped.items()}
        owned = {(y, s) for y, s in grouped}
        others = [pr.format() for fr in validation.files for pr in fr.problems
                  if not _owner(fr.path) or _owner(fr.path) not in owned]
    return Side(rev, rows, problems, others)


def _owner(path: str) -> tuple[int, str] | None:
    from pipeline.core import layout

    kind = layout.classify(path)
    if kind and kind.year and kind.society:
        return kind.year, kind.society
    return None


def compare(base: Side, head: Side) -> list[Change]:
    """Every project whose watched values or problems differ, in (year, society) order."""
    changes = []
    for key in sorted(base.rows.keys() | head.rows.keys()):
        before, after = base.rows.get(key), head.rows.get(key)
        name = str((after or before or {}).get("学会名称", key[1]))
        change = Change(key[0], key[1], name, before, after)
        if before is not None and after is not None:
            change.fields = [(f, before.get(f, ""), after.get(f, "")) for f in WATCHED
                             if before.get(f, "") != after.get(f, "")]
        old, new = base.problems.get(key, []), head.problems.get(key, [])
        change.new_problems = [p for p in new if p not in old]
        change.fixed_problems = [p for p in old if p not in new]
        change.counts = (len(old), len(new))
        if change.fields or before is None or after is None or change.new_problems \
                or change.fixed_problems:
            changes.append(change)
    return changes


def _shown(value: Any) -> str:
    return "—" if value in ("", None) else str(value)



# A list a project enters, leaves or moves in: (field, entered, left, moved).
MEMBERSHIP = (
    ("排名", "列入拟立项名单，排名 {new}", "移出拟立项名单（原排名 {old}）", "排名 {old} → {new}"),
    ("资助金额", "进入资助名单（{new} 元）", "退出资助名单（原资助 {old} 元）", "资助金额 {old} → {new} 元"),
)

def phrases(change: Change) -> list[str]:
    """The Chinese clauses for one project: rank, funding, scores and grade, status, errors."""
    if change.before is None:
        assert change.after is not None
        return [f"新增申报（状态 {change.after['状态']}）"]
    if change.after is None:
        return [f"申报已删除（原状态 {change.before['状态']}）"]
    by_field = {f: (old, new) for f, old, new in change.fields}
    said: list[str] = []
    if "状态" in by_field:
        said.append("状态 {} → {}".format(*by_field["状态"]))
    for name, entered, left, moved in MEMBERSHIP:
        if name in by_field:
            old, new = by_field[name]
            said.append(entered.format(new=new) if old in ("", None) else
                        left.format(old=old) if new in ("", None) else moved.format(old=old, new=new))
    for score in ("立项评分", "验收得分"):
        if score in by_field:
            clause = "{} {} → {}".format(score, *map(_shown, by_field[score]))
            if score == "验收得分" and "等级" in by_field:
                clause += "，等级 {} → {}".format(*map(_shown, by_field["等级"]))
            said.append(clause)
    if "等级" in by_field and "验收得分" not in by_field:
        said.append("等级 {} → {}".format(*map(_shown, by_field["等级"])))
    if "不符合条件原因" in by_field:
        old, new = by_field["不符合条件原因"]
        said.append(f"不再不符合申报条件（原因：{old}）" if not new else f"不符合申报条件：{new}")
    if change.new_problems or change.fixed_problems:
        said.append(f"错误 {change.counts[0]} → {change.counts[1]} 个")
    return said


def text(base: Side, head: Side, changes: Sequence[Change]) -> str:
    """The preview a merge-request note carries."""
    lines = [f"变更影响预览：{base.rev[:10]} → {head.rev[:10]}"]
    if not changes:
        lines.append("此变更不影响任何项目的状态、错误、评分、排名、资助或等级")
    years = {c.year for c in changes}
    for c in changes:
        who = f"{c.year} 年 {c.society}" if len(years) > 1 else c.society
        lines.append(f"{who}（{c.name}）：" + "；".join(phrases(c)))
        lines += [f"    新错误：{p}" for p in c.new_problems]
        lines += [f"    已修正：{p}" for p in c.fixed_problems]
    new_other = [p for p in head.others if p not in base.others]
    fixed_other = [p for p in base.others if p not in head.others]
    lines += [f"配置等文件的新错误：{p}" for p in new_other]
    lines += [f"配置等文件已修正：{p}" for p in fixed_other]
    lines.append(f"共 {len(changes)} 个项目受影响；错误 {_total(base)} → {_total(head)} 个")
    return "\n".join(lines)


def _total(s: Side) -> int:
    return sum(len(p) for p in s.problems.values()) + len(s.others)


def as_data(base: Side, head: Side, changes: Sequence[Change]) -> dict[str, Any]:
    return {
        "base": base.rev, "head": head.rev,
        "errors": {"base": _total(base), "head": _total(head)},
        "other_problems": {"new": [p for p in head.others if p not in base.others],
                           "fixed": [p for p in base.others if p not in head.others]},
        "changes": [{"年度": c.year, "学会": c.society, "学会名称": c.name,
                     "说明": "；".join(phrases(c)),
                     "变化": [{"字段": f, "之前": old, "之后": new} for f, old, new in c.fields],
                     "新错误": c.new_problems, "已修正": c.fixed_problems,
                     "之前": c.before, "之后": c.after} for c in changes],
    }


def resolve(vcs: Vcs, rev: str) -> str:
    """A commit id; an option-like name (`--output=…`) is refused before git sees it."""
    from pipeline.history.revisions import checked_name

    found = vcs.resolve(checked_name(rev, "参数 BASE/HEAD "))
    if found is None:
        raise UsageError(f"找不到版本「{rev}」{vcs.shallow_hint()}")
    return found
