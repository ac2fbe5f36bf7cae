"""`qianghui validate`: check every form (or those named) and report every problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.errors import UsageError
from pipeline.forms import report
from pipeline.reading import absent
from pipeline.run import check_named, evaluate

FORMATS = tuple(report.PROBLEM_FORMATS)


def command(lay: Layout, paths: list[Path], fmt: str, out: TextIO, today: date | None = None) -> int:
    """Exit 0 when every form checked is clean, 1 when one has a problem."""
    missing = [p for p in paths if absent(p)]
    if missing:
        raise UsageError("找不到：" + "、".join(str(p) for p in missing))
    if paths:
        result = check_named(lay, paths, today=today, lean=True)
    else:
        result = evaluate(lay, None, today=today, lean=True)[0]
    print(report.PROBLEM_FORMATS[fmt](result.problems + result.warnings, result.summary()),
          file=out)
    return 0 if result.ok else 1

