"""`qianghui show` (详情) and `qianghui history`: one project, in human terms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline import layout, messages
from pipeline.layout import Layout
from pipeline.projects import Project
from pipeline.snapshot import Tree
from pipeline.vcs import Commit, Vcs, is_absent
from pipeline.yamlio import iter_scalars
from schemas.decision import Decision, Selection


def describe(lay: Layout, project: Project) -> str:
    """Everything about one project: status, fields, files, decisions, score sheets."""
    lines = [f"{project.year} 年度 {project.society_name}（{project.society}）",
             f"状态：{project.status}", *(f"  不符合条件：{r}" for r in project.ineligible), ""]
    lines += [f"{messages.field_path(loc)}：{value}" for loc, value in iter_scalars(project.raw)
              if value is not None]
    folder = lay.submission_dir(project.year, project.society)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".yaml")
    lines += ["", "文件："] + [f"  {p.relative_to(folder)}（{p.stat().st_size / 1024:.0f} KB）"
                             for p in files] or ["  （无）"]
    lines += ["", *decisions(lay, project)]
    lines += ["", *sheets(lay, project)]
    if project.application.problems:
        lines += ["", "错误："] + [f"  {p.format()}" for p in project.application.problems]
    if project.documents:
        lines += ["", "文档："] + [f"  {d}" for d in project.documents]
    return "\n".join(lines)


def decisions(lay: Layout, project: Project) -> list[str]:
    from pipeline.loading import load_form

    path = lay.decision(project.year, project.society)
    if not path.exists():
        return ["审核决定：（尚无）"]
    result, _ = load_form(path, lay.rel(path), layout.DECISION, Decision)
    if not isinstance(result.model, Decision):
        return [f"审核决定：{lay.rel(path)} 有错误"]
    out = ["审核决定："]
    for stage, v in (("申报", result.model.application), ("结题", result.model.completion)):
        if v is not None:
            out.append(f"  {stage}：{v.outcome}（{v.reviewer}，{v.date}）{v.opinion}")
    return out


def sheets(lay: Layout, project: Project) -> list[str]:
    """Score sheets so far, with each expert's total and the combined scores."""
    s = project.scores
    out = []
    for label, found in (("立项评分表", s.panel_sheets), ("考核表", s.acceptance_sheets)):
        each = "、".join(f"{sh.expert} {sh.total():.2f}" for sh in found)
        out.append(f"{label}：{each or '（尚无）'}")
    if s.panel is not None:
        out.append(f"立项评审得分：{s.panel}" + (f"（拟立项排名第 {s.rank} 名）" if s.rank else ""))
    if s.acceptance is not None:
        out.append(f"验收得分：{s.acceptance}（{s.grade}）")
    for label, value in (("目标实现率", s.goal_rate), ("群众满意率", s.satisfaction),
                         ("民主测评好评率", s.approval)):
        if value is not None:
            out.append(f"{label}：{value}%")
    if s.spot_checked:
        out.append("财务抽查：本项目被抽中")
    return out


def story(lay: Layout, year: int, society: str) -> Iterator[str]:
    """The project's history from git: who submitted, returned, resubmitted, approved, when."""
    from pipeline.loading import load_config

    people = load_config(lay).people
    paths = [f"submissions/{year}/{society}", f"reviews/{year}/{society}",
             f"reviews/{year}/selection.yaml"]
    tree: Tree | None = None
    with Vcs(lay.root) as vcs:
        for commit in vcs.log(["HEAD"], paths=paths):
            if tree is None:
                tree = Tree(vcs, vcs.tree_blobs(commit.parents[0]) if commit.parents else {})
            person = people.by_email(commit.email) if people else None
            who = f"{person.name}（{person.role}）" if person else f"{commit.author} <{commit.email}>"
            for event in events(tree, commit, year, society):
                yield f"{commit.committed:%Y-%m-%d %H:%M}  {who}：{event}"
            for change in commit.changes:
                tree.apply(change)


def events(tree: Tree, commit: Commit, year: int, society: str) -> list[str]:
    """What one commit meant for the project, in words."""
    out = []
    for change in commit.changes:
        kind = layout.classify(change.path)
        if kind is None or kind.year != year or kind.society not in (society, None):
            continue
        if is_absent(change.new_blob):
            out.append(f"删除了 {change.path}")
            continue
        if kind.kind == layout.SUBMISSION_FILE:
            name = change.path.split("/", 3)[-1]
            out.append(f"{'上传' if is_absent(change.old_blob) else '更新'}了文件 {name}")
            continue
        before = tree.data(change.path)
        after = tree.data(change.path, change.new_blob)
        out += _meaning(kind.kind, before, after, society)
    return out


def _meaning(kind: str, before: Any, after: Any, society: str) -> list[str]:
    if kind in (layout.APPLICATION, layout.COMPLETION):
        what = "申报表" if kind == layout.APPLICATION else "结题报告"
        old = before.get("状态") if isinstance(before, dict) else None
        new = after.get("状态") if isinstance(after, dict) else None
        if new == "已提交" and old != "已提交":
            return [f"提交{what}" if before is not None else f"创建并提交{what}"]
        return [f"创建{what}（{new}）" if before is None else f"修改{what}（{new}）"]
    if kind == layout.DECISION and isinstance(after, dict):
        return _verdicts(before, after)
    if kind == layout.SELECTION and isinstance(after, dict):
        try:
            selection = Selection.model_validate(after)
        except ValueError:
            return ["修改立项名单"]
        listed = society in {e.society for e in selection.funded}
        if selection.approval is not None:
            return [f"立项名单经审批：{'已立项' if listed else '未列入'}（{selection.approval.opinion}）"]
        return [f"拟立项名单：{'列入' if listed else '未列入'}"]
    return [f"修改了{'评分表' if kind in (layout.PANEL, layout.ACCEPTANCE) else '材料'}"]


def _verdicts(before: Any, after: dict[str, Any]) -> list[str]:
    out = []
    for stage in ("申报", "结题"):
        new = after.get(stage)
        old = before.get(stage) if isinstance(before, dict) else None
        if isinstance(new, dict) and new != old:
            action = "退回" if new.get("结论") == "驳回" else "审核通过"
            out.append(f"{stage}{action}：{new.get('意见', '')}")
    return out
