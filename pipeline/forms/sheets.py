"""评分表 (reviews/<年度>/<学会>/panel|acceptance/<专家>.yaml): the sheet against the year's rubric, the expert, and conflicts of interest. sheet_findings is shared with the history walk, which must count exactly the sheets validate counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pipeline.core import layout, scoring
from pipeline.core.layout import FileKind, Layout
from pipeline.core.rules import (
    apply,
)
from pipeline.errors import Finding
from pipeline.forms.loading import Config, FileResult, load_form
from schemas.program import Program
from schemas.registry import Person
from schemas.sheets import ScoreSheet


def validate_sheet(lay: Layout, path: Path, kind: FileKind, config: Config,
                   today: date) -> FileResult:
    """A panel or acceptance score sheet: rubric, maxima, the expert, conflict of interest."""
    result, _ = load_form(path, lay.rel(path), kind.kind, ScoreSheet)
    sheet = result.parsed
    if not isinstance(sheet, ScoreSheet) or not kind.year or not kind.society or not kind.expert:
        return result
    findings = sheet_findings(sheet, kind.kind, kind.expert, kind.society,
                              config.programs.get(kind.year), config.person,
                              config.people is not None, partial=result.model is None)
    if not lay.application(kind.year, kind.society).exists():
        findings.append(Finding((), "sheet-orphan", f"学会「{kind.society}」没有 {kind.year} 年度的申报表"))
    result.add(findings)
    return result


def sheet_findings(sheet: ScoreSheet, kind: str, expert: str, society: str,
                   program: Program | None, person_of: Callable[[str], Person | None],
                   people_known: bool, *, partial: bool = False) -> list[Finding]:
    """What is wrong with a sheet against its year's rubric and its expert (the history walk
    asks the same question to count exactly the sheets the working tree counts)."""
    if program is None:
        return []
    rubric = program.panel_rubric if kind == layout.PANEL else program.acceptance_rubric
    return apply([lambda: scoring.check_expert(sheet, expert, person_of(sheet.expert), society,
                                               people_known),
                  lambda: scoring.check_scores(sheet, rubric)], partial=partial)
