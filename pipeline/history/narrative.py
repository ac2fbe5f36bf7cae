"""The story of one project in git, in human terms: each commit that touched its files, told as
what it meant (提交, 驳回, 评分…). Used by `qianghui history`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.core import kinds, layout
from pipeline.core.layout import Layout
from pipeline.history.snapshot import Tree
from pipeline.history.vcs import Commit, Vcs, is_absent
from schemas.decision import Selection


def story(lay: Layout, year: int, society: str) -> Iterator[str]:
    """The project's history from git: who submitted, returned, resubmitted, approved, when."""
    from pipeline.forms.loading import load_config

    people = load_config(lay).people
    paths = [f"submissions/{year}/{society}", f"reviews/{year}/{society}",
             f"reviews/{year}/selection.yaml"]
    tree: Tree | None = None
    with Vcs(lay.root) as vcs:
        commits = vcs.log(["HEAD"], paths=paths)
        for commit in commits:
            if tree is None:
                tree = Tree(vcs, vcs.tree_blobs(commits.base) if commits.base else {})
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
    if kind in kinds.BY_NAME and kinds.of(kind).draftable:     # forms with a 状态: 草稿 → 已提交
        what = kinds.of(kind).label
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
