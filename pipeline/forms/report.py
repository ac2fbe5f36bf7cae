"""Output: problems as text or JSON, project lists as table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from pipeline.errors import Problem


def problems_text(problems: Sequence[Problem], summary: str) -> str:
    """One `path:line:col: 消息 (字段)` line per problem, then the summary line."""
    lines = [p.format() for p in problems]
    return "\n".join([*lines, summary])


def problems_json(problems: Sequence[Problem]) -> str:
    """A JSON list of {path, line, column, field, code, message}."""
    return json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2)


def problems_json_report(problems: Sequence[Problem], summary: str) -> str:
    """problems_json, with the reporters' signature (JSON carries no summary line)."""
    return problems_json(problems)


def _ci_format(name: str) -> Callable[[Sequence[Problem], str], str]:
    """A CI reporter of pipeline.forms.ci_reports, imported only when chosen."""
    def report(problems: Sequence[Problem], summary: str) -> str:
        from pipeline.forms import ci_reports

        return str(getattr(ci_reports, name)(problems, summary))
    return report


PROBLEM_FORMATS: dict[str, Callable[[Sequence[Problem], str], str]] = {
    "text": problems_text, "json": problems_json_report,
    "codequality": _ci_format("codequality"), "junit": _ci_format("junit")}


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """A terminal table aligned for Chinese text."""
    from tabulate import tabulate

    if not rows:
        return "（没有符合条件的项目）"
    return tabulate([[row.get(c, "") for c in columns] for row in rows], headers=list(columns),
                    tablefmt="simple", disable_numparse=True)


def as_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """CSV text (a header row, then one row per project); the CLI writes it with a BOM."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def as_json(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    return json.dumps([{c: row.get(c) for c in columns} for row in rows], ensure_ascii=False,
                      indent=2, default=str)


def write_utf8(out: TextIO, text: str) -> None:
    """Text as UTF-8 bytes whatever the console's encoding (a file for Excel, not for the eye)."""
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(text)
        return
    out.flush()
    buffer.write(text.encode("utf-8"))
    buffer.flush()


LIST_FORMATS = {"table": table, "csv": as_csv, "json": as_json}
