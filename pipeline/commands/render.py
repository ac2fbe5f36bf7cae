"""`qianghui render`: every document the files have earned, into build/.

An unchanged tree replays the previous result (pipeline.state.replay) without loading the engine.
"""

from __future__ import annotations

from datetime import date
from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.state import replay


def command(lay: Layout, out: TextIO) -> int:
    return replay.unless_unchanged(lay, "render", lambda buffer: render(lay, buffer))


def render(lay: Layout, out: TextIO, today: date | None = None) -> tuple[int, list[str]]:
    """The exit code, and what the run made (for the replay to vouch for)."""
    from pipeline.run import run

    result = run(lay, today=today)
    for problem in result.problems:
        print(problem.format(), file=out)
    print(f"生成 {len(result.written)} 个文档，{len(result.unchanged)} 个未变（无需重建）", file=out)
    return result.exit_code, result.outputs()
