"""`qianghui run` (`make all`): validate, derive status, render, then print the summary table.

An unchanged tree replays the previous result (pipeline.state.replay) without loading the engine.
"""

from __future__ import annotations

from datetime import date
from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.state import replay


def command(lay: Layout, out: TextIO) -> int:
    return replay.unless_unchanged(lay, "run", lambda buffer: main_job(lay, buffer))


def main_job(lay: Layout, out: TextIO, today: date | None = None) -> tuple[int, list[str]]:
    """The exit code, and what the run made (for the replay to vouch for)."""
    from pipeline.core.projects import COLUMNS
    from pipeline.forms.report import table
    from pipeline.run import run

    result = run(lay, today=today)
    for problem in result.problems:
        print(problem.format(), file=out)
    rows = [{**p.row(), "文档": len(p.documents)} for p in result.projects]    # a count: fits
    print(table(rows, [*COLUMNS, "文档"]), file=out)
    print(f"{result.validation.summary()}；生成 {len(result.written)} 个文档，"
          f"{len(result.unchanged)} 个未变{result.removed_clause()}", file=out)
    return result.exit_code, result.outputs()
