"""Files → problems: the whole-tree run over the validators the table of kinds names (one module
per file kind in pipeline/forms/: application, completion, plan, decision, sheets, survey,
selection, spot_check).

Collect, then report: every file is checked and every problem kept; nothing stops at the first
broken file.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pipeline.core import kinds, layout
from pipeline.core.layout import FileKind, Layout
from pipeline.errors import Loc, Problem
from pipeline.forms.loading import Config, FileResult, load_config
from pipeline.forms.yamlio import Document, Mark
from pipeline.parallel import map_chunks
from pipeline.reading import absent


@dataclass
class ValidationResult:
    """Every checked file with its problems."""

    files: list[FileResult]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def warnings(self) -> list[Problem]:
        return [p for f in self.files for p in f.warnings]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        bad = sum(1 for f in self.files if f.problems)
        text = f"{len(self.files)} 个文件，{len(self.problems)} 个错误"
        text += f"（{bad} 个文件有错误）" if bad else ""
        hints = len(self.warnings)
        return text + (f"，{hints} 个提示（请留意，不算错误）" if hints else "")


Validator = Callable[[Layout, Path, FileKind, Config, date], FileResult]
VALIDATORS: dict[str, Validator] = {k.name: kinds.resolve(k.validator) for k in kinds.forms()}


NOT_FORMS = (layout.SUBMISSION_FILE, layout.TEMPLATE)   # attachments and templates: no report


def collect_targets(lay: Layout, paths: Iterable[Path] | None,
                    refused: list[tuple[Path, str, str]] | None = None) -> list[Path]:
    """The form files to check: everything in the tree (None), or those named (folders
    expanded). A submission's attachments (a .yaml among them too) and the templates are not
    forms: the whole-tree run never reports on them, so naming them reports nothing either.
    No link is followed: a linked or unreadable folder goes to ``refused`` (see Layout.forms)."""
    refused = [] if refused is None else refused
    if paths is None:
        return lay.forms(refused)
    targets: list[Path] = []
    for p in paths:
        for path in _yaml_under(lay, p, refused) if os.path.isdir(p) and not os.path.islink(p) else [p]:
            kind = layout.classify(lay.rel(path))
            if kind is None or kind.kind not in NOT_FORMS:
                targets.append(path)
    return targets


def _yaml_under(lay: Layout, folder: Path, refused: list[tuple[Path, str, str]]) -> list[Path]:
    """The .yaml files under a folder, sorted; linked folders and unreadable ones refused."""
    from pipeline.reading import link_message

    def unreadable(error: OSError) -> None:
        if error.filename is not None:
            refused.append((Path(error.filename), "folder-unreadable", layout.UNREADABLE_FOLDER))

    found = []
    for top, dirs, names in os.walk(folder, onerror=unreadable):
        for name in sorted(dirs):
            if os.path.islink(os.path.join(top, name)):
                refused.append((Path(top, name), "folder-link", link_message(Path(top, name), lay.root)))
        found += [Path(top, name) for name in names if name.endswith(".yaml")]
    return sorted(found)


def refusals(lay: Layout, refused: list[tuple[Path, str, str]]) -> list[FileResult]:
    """A result for each folder the listing refused to enter."""
    return [FileResult(lay.rel(path), "", [Problem(lay.rel(path), 0, 0, "", code, message)])
            for path, code, message in refused]


POOL_MIN = 300      # files; fewer are checked faster than worker processes start


def validate_paths(lay: Layout, paths: Iterable[Path] | None = None, *,
                   today: date | None = None, config: Config | None = None,
                   lean: bool = False) -> ValidationResult:
    """Validate the config and the given form files (default: every form in the tree).

    With `lean`, an application's result keeps what reports and its status need (problems,
    状态, hash) but not its model and data: shipping 5,000 application models back from the
    workers costs more than validating them, and `qianghui validate` never reads them."""
    config = config or load_config(lay)
    today = today or date.today()
    results = list(config.results)
    seen = {r.path for r in results}
    todo: list[Path] = []
    refused: list[tuple[Path, str, str]] = []
    for path in collect_targets(lay, paths, refused):
        rel = lay.rel(path)
        if rel not in seen:
            seen.add(rel)
            todo.append(path)
    if len(todo) >= POOL_MIN:
        config.preload()
    global _SHARED
    _SHARED = (lay, config, today, lean)
    return ValidationResult(results + refusals(lay, refused)
                            + map_chunks(_validate_chunk, todo, POOL_MIN, "检查材料"))


_SHARED: tuple[Layout, Config, date, bool] | None = None    # what forked workers inherit


def _validate_chunk(paths: Sequence[Path]) -> list[FileResult]:
    assert _SHARED is not None
    lay, config, today, lean = _SHARED
    before = gc.get_threshold()
    gc.set_threshold(10_000, *before[1:])   # each file makes thousands of short-lived objects
    try:                                    # and keeps few: collect less often
        return [slim(validate_one(lay, path, config, today), lean) for path in paths]
    finally:
        gc.set_threshold(*before)


def slim(result: FileResult, lean: bool = False) -> FileResult:
    """Drop what only error reporting inside the worker needed (text, spans, most marks); with
    `lean`, return a copy without an application's model and all of its data but 状态 (the
    original keeps its model: later files of the same worker are checked against it)."""
    doc = result.doc
    if doc is not None:
        keep: dict[Loc, Mark] = {loc: m for loc, m in doc.marks.items() if loc == ("状态",)}
        result.doc = Document(doc.path, None, doc.sha256, keep, {}, {}, "")
    result.partial = None
    if lean and result.kind == layout.APPLICATION:
        data = {"状态": result.data.get("状态")} if isinstance(result.data, dict) else result.data
        return replace(result, model=None, data=data)
    return result


def validate_one(lay: Layout, path: Path, config: Config, today: date) -> FileResult:
    """Dispatch one file to the validator of its kind."""
    rel = lay.rel(path)
    kind = layout.classify(rel)
    if absent(path):
        return FileResult(rel, "", [Problem(rel, 0, 0, "", "file-missing", "文件不存在")])
    if kind is None or kind.kind not in VALIDATORS:
        return FileResult(rel, "", [Problem(rel, 0, 0, "", "unknown-file",
                                            "不认识的文件：申报表应为 submissions/<年度>/<学会>/application.yaml，"
                                            "审核决定为 reviews/<年度>/<学会>/decision.yaml")])
    try:
        return VALIDATORS[kind.kind](lay, path, kind, config, today)
    except PermissionError as e:        # a folder beside it (its application's) cannot be read
        where = lay.rel(Path(e.filename)) if e.filename else rel
        return FileResult(rel, "", [Problem(rel, 0, 0, "", "file-unreadable",
                                            f"无法读取「{where}」：没有读取权限（请检查文件夹的权限设置）")])
