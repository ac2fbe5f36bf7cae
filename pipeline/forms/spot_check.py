"""财务抽查 (reviews/<年度>/spot-check.yaml): the draw redone from its seed must give the same societies."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.core import layout, scoring
from pipeline.core.layout import FileKind, Layout
from pipeline.errors import Finding
from pipeline.forms.loading import Config, FileResult, load_form, loaded
from schemas.decision import Selection
from schemas.sheets import SpotCheck


def validate_spot_check(lay: Layout, path: Path, kind: FileKind, config: Config,
                        today: date) -> FileResult:
    """The spot check names funded projects, as many as the rate demands, as the seed draws."""
    result, _ = load_form(path, lay.rel(path), layout.SPOT_CHECK, SpotCheck)
    check = result.model
    selection_path = lay.selection(kind.year or 0)
    selection = (loaded(lay, selection_path, layout.SELECTION, Selection, config).model
                 if selection_path.exists() else None)
    if not isinstance(check, SpotCheck):
        return result
    if not isinstance(selection, Selection) or selection.approval is None:
        result.add([Finding((), "spot-check-early", "立项名单尚未审批，不能抽查")])
        return result
    result.add(check_draw(check, [e.society for e in selection.funded]))
    return result


def check_draw(check: SpotCheck, funded: list[str]) -> list[Finding]:
    """Anyone can redo the draw from the seed: the file must agree with it."""
    count = scoring.draw_count(check.rate, len(funded))
    expected = scoring.draw(check.seed, funded, count)
    if check.count != count or sorted(check.drawn) != expected:
        return [Finding(("抽中",), "spot-check-mismatch",
                        f"按种子重新抽取应为：{'、'.join(expected)}（{count} 个），与文件不一致")]
    return []
