"""`qianghui show` (详情): everything about one project — status, fields, files, decisions,
score sheets, problems, documents."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TextIO

from pipeline.commands.common import default_year, find_project
from pipeline.core import layout
from pipeline.core.layout import Layout
from pipeline.core.projects import Project
from pipeline.forms import messages
from pipeline.forms.yamlio import iter_scalars
from schemas.decision import Decision


def command(lay: Layout, society: str, year: int | None, out: TextIO) -> int:
    print(describe(lay, find_project(lay, default_year(lay, year), society)), file=out)
    return 0


def describe(lay: Layout, project: Project) -> str:
    """Everything about one project: status, fields, files, decisions, score sheets."""
    lines = [f"{project.year} 年度 {project.society_name}（{project.society}）",
             f"状态：{project.status}", *(f"  不符合条件：{r}" for r in project.ineligible), ""]
    lines += [f"{messages.field_path(loc)}：{value}" for loc, value in iter_scalars(project.raw)
              if value is not None]
    lines += ["", "文件：", *(files(lay.submission_dir(project.year, project.society)) or ["  （无）"])]
    lines += ["", *decisions(lay, project)]
    lines += ["", *sheets(lay, project)]
    if project.application.problems:
        lines += ["", "错误："] + [f"  {p.format()}" for p in project.application.problems]
    if project.documents:
        lines += ["", "文档："] + [f"  {d}" for d in project.documents]
    return "\n".join(lines)


def files(folder: Path) -> list[str]:
    """The society's files beside its forms, with their sizes; a link is named, never followed."""
    out = []
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(top, d))]):
            path = Path(top, name)
            if path.suffix == ".yaml" and not path.is_symlink():
                continue
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                size = "符号链接，未读取"
            elif not stat.S_ISREG(info.st_mode):
                size = "不是普通文件"
            else:
                size = f"{info.st_size / 1024:.0f} KB"
            out.append(f"  {path.relative_to(folder).as_posix()}（{size}）")
    return out


def decisions(lay: Layout, project: Project) -> list[str]:
    from pipeline.forms.loading import load_form

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
