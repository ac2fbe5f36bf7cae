"""One library function per subcommand; each returns the exit code and writes to `out`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from pipeline import report, status
from pipeline.errors import QianghuiError, UsageError
from pipeline.layout import Layout
from pipeline.projects import COLUMNS, Project
from pipeline.run import RunResult, check_named, evaluate, run
from pipeline.shard import Shard
from pipeline.validate import load_config


def validate(lay: Layout, paths: list[Path], fmt: str, out: TextIO,
             today: date | None = None) -> int:
    """Check every form (or those named) and report every problem."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError("找不到：" + "、".join(str(p) for p in missing))
    if paths:
        result = check_named(lay, paths, today=today, lean=True)
    else:
        result = evaluate(lay, None, today=today, lean=True)[0]
    print(report.PROBLEM_FORMATS[fmt](result.problems + result.warnings, result.summary()),
          file=out)
    return 0 if result.ok else 1


def new(lay: Layout, form: str, society: str | None, year: int | None, out: TextIO) -> int:
    """Write the commented blank of one form (never over an existing file)."""
    from pipeline.blanks import new as write_blank

    _, said = write_blank(lay, form, society, year)
    print(said, file=out)
    return 0


def schema(lay: Layout, check: bool, out: TextIO) -> int:
    """Regenerate schemas/json/*.schema.json and the editor settings from the models and the
    programs (or, with check, report stale ones)."""
    from pipeline import schema_export

    programs = load_config(lay).programs
    if check:
        stale = schema_export.stale(lay.root, programs)
        for name in stale:
            print(f"{name} 已过期：请运行 qianghui schema", file=out)
        return 1 if stale else 0
    changed = schema_export.export(lay.root, programs)
    print(f"已更新 {len(changed)} 个文件（JSON Schema 与 .vscode/settings.json）" if changed
          else "JSON Schema 已是最新", file=out)
    return 0


STATUS_SYNONYMS = {"审核通过": status.FUNDED}       # the web system's word for 已立项


def status_word(wanted: str | None) -> str | None:
    """A status filter as typed, checked: a real status word (or the web system's synonym)."""
    if not wanted:
        return wanted
    wanted = STATUS_SYNONYMS.get(wanted.strip(), wanted.strip())
    if wanted not in status.ALL:
        raise UsageError(f"没有状态「{wanted}」。可用的状态：{'、'.join(status.ALL)}"
                         "（“审核通过”即“已立项”）")
    return wanted


def list_projects(lay: Layout, filters: dict[str, str | None], fmt: str, out: TextIO,
                  amounts: tuple[float | None, float | None] = (None, None)) -> int:
    """条件查询: every project with its status, filtered (amount range in yuan, inclusive).
    CSV is UTF-8 with a BOM, so Excel on Chinese Windows opens it without mojibake."""
    filters = {**filters, "状态": status_word(filters.get("状态"))}
    _, projects, _ = evaluate(lay, None)
    rows = [p.row() for p in projects if matches(p, filters) and in_range(p, *amounts)]
    text = report.LIST_FORMATS[fmt](rows, COLUMNS)
    if fmt == "csv":
        report.write_utf8(out, "\ufeff" + text)
    else:
        print(text, file=out)
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


def render(lay: Layout, out: TextIO, today: date | None = None, pdf: bool = False,
           shard: Shard | None = None) -> int:
    """Render every document the files have earned into build/ (with ``pdf``, and a PDF
    beside each Word document; with ``shard``, only that share of them)."""
    result = run(lay, today=today, shard=shard)
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
    rows = [{**p.row(), "文档": len(p.documents)} for p in result.projects]    # a count: fits
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
           report: bool, out: TextIO, day: date | None = None) -> int:
    """Record an administrator's 驳回/通过 (dated `day`, default today) with the judged file's
    hash, and commit."""
    from pipeline.review import review as do_review

    sha = do_review(lay, default_year(lay, year), society, outcome=outcome, opinion=opinion,
                    report=report, today=day)
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
