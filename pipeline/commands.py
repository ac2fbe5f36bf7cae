"""One library function per subcommand; each returns the exit code and writes to `out`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from pipeline import report
from pipeline.errors import QianghuiError, UsageError
from pipeline.layout import Layout, in_order
from pipeline.projects import COLUMNS, Project
from pipeline.rules import yuan
from pipeline.run import RunResult, affected, evaluate, project_files, run
from pipeline.validate import collect_targets, load_config


def validate(lay: Layout, paths: list[Path], fmt: str, out: TextIO,
             today: date | None = None) -> int:
    """Check every form (or those named) and report every problem."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError("找不到：" + "、".join(str(p) for p in missing))
    targets = collect_targets(lay, paths) if paths else None
    if targets is not None:
        related = affected(lay, targets) or set()
        targets = in_order({*targets, *project_files(lay, related)})
    result, _, _ = evaluate(lay, targets, today=today, lean=True)
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
    if program is None:
        raise UsageError(f"没有 {year} 年度的申报通知（config/program-{year}.yaml），或它有错误")
    deadline = f"{program.deadline:%Y年%m月%d日 %H:%M}"
    amount = f"{yuan(program.amount)} 元"
    target = scaffold(lay, year, society, deadline, amount)
    print(f"已创建 {lay.rel(target)}：请填写后运行 qianghui validate {lay.rel(target)}", file=out)
    return 0


def schema(lay: Layout, check: bool, out: TextIO) -> int:
    """Regenerate schemas/json/*.schema.json (or, with check, report stale ones)."""
    from pipeline import schema_export

    if check:
        stale = schema_export.stale(lay.schemas_json)
        for name in stale:
            print(f"schemas/json/{name} 已过期：请运行 qianghui schema", file=out)
        return 1 if stale else 0
    changed = schema_export.export(lay.schemas_json)
    print(f"已更新 {len(changed)} 个 JSON Schema 文件" if changed else "JSON Schema 已是最新", file=out)
    return 0


def list_projects(lay: Layout, filters: dict[str, str | None], fmt: str, out: TextIO,
                  amounts: tuple[float | None, float | None] = (None, None)) -> int:
    """条件查询: every project with its status, filtered (amount range in yuan, inclusive)."""
    _, projects, _ = evaluate(lay, None)
    rows = [p.row() for p in projects if matches(p, filters) and in_range(p, *amounts)]
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


def in_range(project: Project, low: float | None, high: float | None) -> bool:
    amount = project.amount()
    if low is None and high is None:
        return True
    if amount is None:
        return False
    return (low is None or amount >= Decimal(str(low))) and (high is None or amount <= Decimal(str(high)))


def render(lay: Layout, out: TextIO, today: date | None = None, pdf: bool = False) -> int:
    """Render every document the files have earned into build/ (with ``pdf``, and a PDF
    beside each Word document)."""
    result = run(lay, today=today)
    for problem in result.problems:
        print(problem.format(), file=out)
    print(f"生成 {len(result.written)} 个文档，{len(result.unchanged)} 个未变（无需重建）"
          f"{removed(result)}", file=out)
    if not pdf:
        return result.exit_code
    from pipeline import pdf as pdfs
    from pipeline import provenance

    documents = [lay.root / rel for rel in sorted(result.written + result.unchanged)
                 if rel.endswith(".docx")]
    converted = pdfs.convert(documents, lay.build / ".cache" / "pdf",
                             lambda docx, data: provenance.stamp_pdf(data, docx.read_bytes()))
    for docx, reason in sorted(converted.failed.items()):
        print(f"{lay.rel(docx.with_suffix('.pdf'))}: {reason}", file=out)
    print(f"PDF：生成 {len(converted.written)} 个，{len(converted.unchanged)} 个未变", file=out)
    return 1 if converted.failed else result.exit_code


def main_job(lay: Layout, out: TextIO, today: date | None = None) -> int:
    """`make all`: validate, derive status, render, then print the summary table."""
    result = run(lay, today=today)
    for problem in result.problems:
        print(problem.format(), file=out)
    rows = [p.row() for p in result.projects]
    print(report.table(rows, [*COLUMNS, "文档"]), file=out)
    print(f"{result.validation.summary()}；生成 {len(result.written)} 个文档，"
          f"{len(result.unchanged)} 个未变{removed(result)}", file=out)
    return result.exit_code


def removed(result: RunResult) -> str:
    """The documents a run deleted (their forms now have problems), as a closing clause."""
    if not result.removed:
        return ""
    return f"；删除 {len(result.removed)} 个已失效的文档（其材料有错误或已不存在）：" + "、".join(
        result.removed)


def default_year(lay: Layout, year: int | None) -> int:
    """The year named, or the latest year that has a program file."""
    if year is not None:
        return year
    years = lay.years()
    if not years:
        raise UsageError("config/ 下没有任何年度的申报通知（program-<年度>.yaml）：请用 --年度 指定")
    return years[-1]


def submit(lay: Layout, society: str, year: int | None, report: bool, out: TextIO) -> int:
    """Mark a draft as submitted (状态: 已提交) after validating it, and commit."""
    from pipeline.review import submit as do_submit

    sha = do_submit(lay, default_year(lay, year), society, report=report)
    print(f"已提交并记入 git（{sha[:10]}）。请推送（git push）到申报仓库。", file=out)
    return 0


def review(lay: Layout, society: str, year: int | None, outcome: str, opinion: str,
           report: bool, out: TextIO) -> int:
    """Record an administrator's 驳回/通过 with the judged file's hash, and commit."""
    from pipeline.review import review as do_review

    sha = do_review(lay, default_year(lay, year), society, outcome=outcome, opinion=opinion,
                    report=report)
    print(f"已记录审核决定：{outcome}（{sha[:10]}）", file=out)
    return 0


def show(lay: Layout, society: str, year: int | None, out: TextIO) -> int:
    """详情: everything about one project."""
    from pipeline.review import find_project
    from pipeline.story import describe

    print(describe(lay, find_project(lay, default_year(lay, year), society)), file=out)
    return 0


def history(lay: Layout, society: str, year: int | None, out: TextIO) -> int:
    """The project's story from git."""
    from pipeline.story import story

    lines = list(story(lay, default_year(lay, year), society))
    print("\n".join(lines) if lines else "（git 历史中没有这个项目的记录）", file=out)
    return 0


def rank(lay: Layout, year: int | None, out: TextIO) -> int:
    """Rank the year's applications by panel score and write the proposed selection."""
    from pipeline.selection import propose, ranking_rows

    year = default_year(lay, year)
    ranked = propose(lay, year)
    print(report.table(ranking_rows(ranked), ["排名", "学会", "得分", "申报金额", "拟立项"]), file=out)
    print(f"已写入 {lay.rel(lay.selection(year))}（拟立项 {sum(r.funded for r in ranked)} 个），"
          "待省科协党组审批后由管理员填写“审批”", file=out)
    return 0


def spot_check(lay: Layout, year: int | None, seed: str | None, verify: bool, out: TextIO,
               today: date | None = None) -> int:
    """Draw the public financial spot check, or (verify) redo the draw and compare."""
    from pipeline import selection

    year = default_year(lay, year)
    if verify:
        differences = selection.verify(lay, year)
        print("\n".join(differences) if differences else "复核通过：按种子重新抽取的结果与文件一致",
              file=out)
        return 1 if differences else 0
    program = load_config(lay).programs.get(year)
    if program is None:
        raise QianghuiError(f"没有 {year} 年度的申报通知，或它有错误")
    check = selection.spot_check(lay, year, program.audit_rate, seed, today or date.today())
    print(f"种子：{check.seed}\n抽中：{'、'.join(check.drawn)}（{check.count} 个）\n"
          f"已写入 reviews/{year}/spot-check.yaml", file=out)
    return 0


def export(lay: Layout, year: int | None, out: TextIO) -> int:
    """Write build/<年度>/登记表.xlsx: one row per project for the office."""
    from pipeline import render
    from pipeline.plan import plan
    from pipeline.projects import Index
    from pipeline.run import build, with_origins

    year = default_year(lay, year)
    validation, projects, config = evaluate(lay, None)
    of_year = [p for p in projects if p.year == year]
    jobs = plan(lay, of_year, config, Index.of(validation), {year})
    (job,) = with_origins(lay, [job for job in jobs if job.template is None])   # with its origin
    render.write_atomic(job.output, build(job))
    print(f"已导出 {lay.rel(job.output)}（{len(of_year)} 个项目）", file=out)
    return 0
