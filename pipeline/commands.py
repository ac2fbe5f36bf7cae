"""One library function per subcommand; each returns the exit code and writes to `out`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from pipeline import report, schema_export
from pipeline.errors import QianghuiError, UsageError
from pipeline.layout import Layout
from pipeline.projects import COLUMNS, Project, build_projects
from pipeline.rules import yuan
from pipeline.run import run
from pipeline.validate import load_config, validate_paths


def validate(lay: Layout, paths: list[Path], fmt: str, out: TextIO,
             today: date | None = None) -> int:
    """Check every form (or those named) and report every problem."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError("找不到：" + "、".join(str(p) for p in missing))
    result = validate_paths(lay, paths or None, today=today)
    print(report.PROBLEM_FORMATS[fmt](result.problems, result.summary()), file=out)
    return 0 if result.ok else 1


def new(lay: Layout, society_id: str, year: int, out: TextIO) -> int:
    """Scaffold an application form for one society."""
    from pipeline.scaffold import scaffold

    config = load_config(lay)
    if config.registry is None:
        raise QianghuiError("学会名录 config/societies.yaml 有错误，请先运行 qianghui validate")
    society = config.registry.get(society_id)
    if society is None:
        raise UsageError(f"学会「{society_id}」不在学会名录 config/societies.yaml 中")
    program = config.programs.get(year)
    deadline = f"{program.deadline:%Y年%m月%d日 %H:%M}" if program else "截止时间"
    amount = f"{yuan(program.amount)} 元" if program else "资助金额"
    target = scaffold(lay, year, society, deadline, amount)
    print(f"已创建 {lay.rel(target)}：请填写后运行 qianghui validate {lay.rel(target)}", file=out)
    return 0


def schema(lay: Layout, check: bool, out: TextIO) -> int:
    """Regenerate schemas/json/*.schema.json (or, with check, report stale ones)."""
    if check:
        stale = schema_export.stale(lay.schemas_json)
        for name in stale:
            print(f"schemas/json/{name} 已过期：请运行 qianghui schema", file=out)
        return 1 if stale else 0
    changed = schema_export.export(lay.schemas_json)
    print(f"已更新 {len(changed)} 个 JSON Schema 文件" if changed else "JSON Schema 已是最新", file=out)
    return 0


def list_projects(lay: Layout, filters: dict[str, str | None], fmt: str, out: TextIO) -> int:
    """条件查询: every project with its status, filtered."""
    config = load_config(lay)
    projects = build_projects(validate_paths(lay, config=config), config)
    rows = [p.row() for p in projects if matches(p, filters)]
    print(report.LIST_FORMATS[fmt](rows, COLUMNS), file=out)
    return 0


def matches(project: Project, filters: dict[str, str | None]) -> bool:
    """A project passes every filter given (学会 matches the id or part of the name)."""
    row = project.row()
    for key, wanted in filters.items():
        if not wanted:
            continue
        if key == "学会":
            if wanted != project.society and wanted not in project.society_name:
                return False
        elif str(row.get(key, "")) != wanted:
            return False
    return True


def render(lay: Layout, out: TextIO, today: date | None = None) -> int:
    """Render every document the files have earned into build/."""
    result = run(lay, today=today)
    for problem in result.problems:
        print(problem.format(), file=out)
    print(f"生成 {len(result.written)} 个文档，{len(result.unchanged)} 个未变（无需重建）", file=out)
    return result.exit_code


def main_job(lay: Layout, out: TextIO, today: date | None = None) -> int:
    """`make all`: validate, derive status, render, then print the summary table."""
    result = run(lay, today=today)
    for problem in result.problems:
        print(problem.format(), file=out)
    rows = [p.row() for p in result.projects]
    print(report.table(rows, [*COLUMNS, "文档"]), file=out)
    print(f"{result.validation.summary()}；生成 {len(result.written)} 个文档，"
          f"{len(result.unchanged)} 个未变", file=out)
    return result.exit_code
