"""`qianghui history`: one project's story from git, in human terms (pipeline.history.narrative)."""

from __future__ import annotations

from typing import TextIO

from pipeline.commands.common import default_year, society_id
from pipeline.core.layout import Layout
from pipeline.history.narrative import story


def command(lay: Layout, society: str, year: int | None, out: TextIO) -> int:
    lines = list(story(lay, default_year(lay, year), society_id(society)))
    print("\n".join(lines) if lines else "（git 历史中没有这个项目的记录）", file=out)
    return 0
