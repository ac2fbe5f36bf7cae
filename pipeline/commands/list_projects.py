"""`qianghui list`: 条件查询 — every project with its status, filtered, as a table, CSV or JSON."""

from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from pipeline.atomic import write_text
from pipeline.core import status
from pipeline.core.layout import Layout
from pipeline.core.projects import COLUMNS, Project
from pipeline.errors import UsageError, os_reason
from pipeline.forms import report
from pipeline.run import evaluate


def command(lay: Layout, filters: dict[str, str | None], fmt: str, out: TextIO,
            amounts: tuple[Decimal | None, Decimal | None] = (None, None),
            output: Path | None = None,
            scores: tuple[Decimal | None, Decimal | None] = (None, None)) -> int:
    """The list to `out`, or (output) into a file written once the list is made: a failure
    leaves no file."""
    if output is None:
        return list_projects(lay, filters, fmt, out, amounts, scores)
    buffer = io.StringIO()
    code = list_projects(lay, filters, fmt, buffer, amounts, scores)
    try:
        write_text(output, buffer.getvalue())
    except OSError as e:
        raise UsageError(f"无法写入 {output}：{os_reason(e)}") from e
    print(f"已写入 {output}", file=sys.stderr)
    return code


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
                  amounts: tuple[Decimal | None, Decimal | None] = (None, None),
                  scores: tuple[Decimal | None, Decimal | None] = (None, None)) -> int:
    """条件查询: every project with its status, filtered (amount range in yuan and 立项评分
    range, inclusive).
    CSV is UTF-8 with a BOM, so Excel on Chinese Windows opens it without mojibake."""
    filters = {**filters, "状态": status_word(filters.get("状态"))}
    _, projects, _ = evaluate(lay, None)
    rows = [p.row() for p in projects if matches(p, filters) and in_range(p, *amounts)
            and between(p.scores.panel, *scores)]
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


def in_range(project: Project, low: Decimal | None, high: Decimal | None) -> bool:
    return between(project.amount(), low, high)


def between(value: Decimal | None, low: Decimal | None, high: Decimal | None) -> bool:
    """Inside an inclusive range (no bound: always; a bound and no value: never)."""
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)
