"""问卷调查与民主测评 (reviews/<年度>/<学会>/survey.yaml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.core import layout, scoring
from pipeline.core.layout import FileKind, Layout
from pipeline.forms.loading import Config, FileResult, load_form
from schemas.sheets import Survey


def validate_survey(lay: Layout, path: Path, kind: FileKind, config: Config,
                    today: date) -> FileResult:
    """问卷调查 and 民主测评 counts that add up."""
    result, _ = load_form(path, lay.rel(path), layout.SURVEY, Survey)
    if isinstance(result.model, Survey):
        result.add(scoring.check_survey(result.model))
    return result
