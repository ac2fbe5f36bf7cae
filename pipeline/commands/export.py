"""`qianghui export`: build/<年度>/登记表.xlsx, one row per project for the office, through the
same job (and provenance) as `qianghui render`."""

from __future__ import annotations

from typing import TextIO

from pipeline.commands.common import default_year
from pipeline.core.layout import Layout
from pipeline.run import evaluate
from pipeline.transaction import Transaction


def command(lay: Layout, year: int | None, out: TextIO) -> int:
    from pipeline.core.projects import Index
    from pipeline.documents.jobs import build, with_origins
    from pipeline.documents.plan import plan

    year = default_year(lay, year)
    validation, projects, config = evaluate(lay, None)
    of_year = [p for p in projects if p.year == year]
    jobs = plan(lay, of_year, config, Index.of(validation), {year})
    (job,) = with_origins(lay, [job for job in jobs if job.template is None])   # with its origin
    data = build(job)
    with Transaction([job.output], shown=lay.rel) as tx:
        tx.write(job.output, data)
    print(f"已导出 {lay.rel(job.output)}（{len(of_year)} 个项目）", file=out)
    return 0
