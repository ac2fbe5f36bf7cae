"""`qianghui export`: build/<年度>/登记表.xlsx, one row per project for the office."""

from __future__ import annotations

from typing import TextIO

from pipeline import render, summaries
from pipeline.atomic import write_atomic
from pipeline.commands.common import default_year
from pipeline.core.layout import Layout
from pipeline.run import evaluate


def command(lay: Layout, year: int | None, out: TextIO) -> int:
    year = default_year(lay, year)
    _, projects, _ = evaluate(lay, None)
    rows = summaries.register_rows([p for p in projects if p.year == year])
    target = lay.build / str(year) / "登记表.xlsx"
    write_atomic(target, render.normalize_docx(summaries.register_xlsx(rows, year)))
    print(f"已导出 {lay.rel(target)}（{len(rows)} 个项目）", file=out)
    return 0
