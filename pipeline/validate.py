"""Files → problems: YAML loading, schema validation with marks, rules, referenced files.

Collect, then report: every file is checked and every problem kept; nothing stops at the first
broken file. Pydantic locations are mapped to the line and column of the value (or of the
nearest parent, for a missing field).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline import files, layout, messages
from pipeline.errors import Problem
from pipeline.layout import FileKind, Layout
from pipeline.rules import Finding, check_application, check_identity
from pipeline.yamlio import Document, YamlError, load_file
from schemas.application import Application
from schemas.program import Program
from schemas.registry import People, Registry

_INCOMPLETE = {"missing", "too_short", "string_too_short"}


@dataclass
class FileResult:
    """One file's outcome: its problems, raw data and (when valid) its model."""

    path: str
    kind: str
    problems: list[Problem] = field(default_factory=list)
    data: Any = None
    model: Any = None
    sha256: str = ""


@dataclass
class Config:
    """The round's configuration as loaded: programs by year, registry, people."""

    programs: dict[int, Program] = field(default_factory=dict)
    registry: Registry | None = None
    people: People | None = None
    results: list[FileResult] = field(default_factory=list)


@dataclass
class ValidationResult:
    """Every checked file with its problems."""

    files: list[FileResult]

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        bad = sum(1 for f in self.files if f.problems)
        text = f"{len(self.files)} 个文件，{len(self.problems)} 个错误"
        return text + (f"（{bad} 个文件有错误）" if bad else "")


def load_form(path: Path, display: str, kind: str, model: type[BaseModel],
              *, draft: bool = False) -> tuple[FileResult, Document | None]:
    """Load one YAML file and validate it against `model`; drafts may be incomplete."""
    try:
        doc = load_file(path, display)
    except YamlError as e:
        return FileResult(display, kind, list(e.problems)), None
    if draft or _is_draft(doc.data):
        draft = True
    instance, problems = check_model(doc, model, draft=draft)
    return FileResult(display, kind, problems, doc.data, instance, doc.sha256), doc


def _is_draft(data: Any) -> bool:
    return isinstance(data, dict) and data.get("状态") == "草稿"


def check_model(doc: Document, model: type[BaseModel],
                *, draft: bool = False) -> tuple[Any, list[Problem]]:
    """Validate loaded data; a draft's missing or empty fields are not errors yet."""
    if doc.data is None:
        return None, [Problem(doc.path, 1, 1, "", "empty-file", "文件是空的：请按模板填写")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as e:
        errors = e.errors(include_url=False)
    if draft:
        errors = [err for err in errors if not _incomplete(err)]
    return None, [problem_from_error(doc, err) for err in errors]


def _incomplete(error: Any) -> bool:
    return error["type"] in _INCOMPLETE or error.get("input", "") is None


def problem_from_error(doc: Document, error: Any) -> Problem:
    """A Pydantic error → a Problem at the line of the value (or its parent)."""
    loc = tuple(error["loc"])
    line, column = doc.locate(loc, key=error["type"] == "extra_forbidden")
    return Problem(doc.path, line, column, messages.field_path(loc), error["type"],
                   messages.translate(error))


def problems_from_findings(doc: Document, findings: Iterable[Finding]) -> list[Problem]:
    """Rule findings → Problems at their lines."""
    out = []
    for f in findings:
        line, column = doc.locate(f.loc)
        out.append(Problem(doc.path, line, column, messages.field_path(f.loc), f.code, f.message))
    return out


def load_config(lay: Layout) -> Config:
    """Load and validate the program files, the registry and the people list."""
    config = Config()
    for year in lay.years():
        result, _ = load_form(lay.program(year), lay.rel(lay.program(year)), layout.PROGRAM,
                              Program)
        config.results.append(result)
        if result.model is not None:
            config.programs[year] = result.model
    for path, kind, model, attr in ((lay.societies, layout.SOCIETIES, Registry, "registry"),
                                    (lay.people, layout.PEOPLE, People, "people")):
        result, _ = load_form(path, lay.rel(path), kind, model)
        config.results.append(result)
        setattr(config, attr, result.model)
    return config


def validate_application(lay: Layout, path: Path, kind: FileKind, config: Config,
                         today: date) -> FileResult:
    """申报表: schema, folder identity, and — once submitted — every rule and referenced file."""
    result, doc = load_form(path, lay.rel(path), layout.APPLICATION, Application)
    if doc is None or not isinstance(doc.data, dict):
        return result
    assert kind.year is not None and kind.society is not None
    findings = check_identity(doc.data.get("年度"), doc.data.get("学会"), folder_year=kind.year,
                              folder_society=kind.society, registry=config.registry)
    app = result.model
    if isinstance(app, Application) and app.state == "已提交":
        findings += check_application(app, config.programs.get(app.year), config.registry, today)
        findings += check_references(path.parent, app)
    result.problems += problems_from_findings(doc, findings)
    return result


def check_references(folder: Path, app: Application) -> list[Finding]:
    """盖章页 (image ≤ 3 MB) and 附件 (≤ 100 MB) exist inside the folder and are what they claim."""
    found = []
    for key, ref, rule in (("盖章页", app.stamp, files.IMAGE), ("附件", app.attachment, files.ATTACHMENT)):
        message = files.check_reference(folder, ref, rule) if ref else None
        if message:
            found.append(Finding((key,), "file-invalid", message))
    return found


Validator = Callable[[Layout, Path, FileKind, Config, date], FileResult]
VALIDATORS: dict[str, Validator] = {layout.APPLICATION: validate_application}


def collect_targets(lay: Layout, paths: Iterable[Path] | None) -> list[Path]:
    """The form files to check: everything in the tree, or those named (folders expanded)."""
    if not paths:
        return lay.applications()
    targets: list[Path] = []
    for p in paths:
        targets += sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
    return targets


def validate_paths(lay: Layout, paths: Iterable[Path] | None = None, *,
                   today: date | None = None, config: Config | None = None) -> ValidationResult:
    """Validate the config and the given form files (default: every form in the tree)."""
    config = config or load_config(lay)
    today = today or date.today()
    results = list(config.results)
    seen = {r.path for r in results}
    for path in collect_targets(lay, paths):
        rel = lay.rel(path)
        if rel in seen:
            continue
        seen.add(rel)
        results.append(validate_one(lay, path, config, today))
    return ValidationResult(results)


def validate_one(lay: Layout, path: Path, config: Config, today: date) -> FileResult:
    """Dispatch one file to the validator of its kind."""
    rel = lay.rel(path)
    kind = layout.classify(rel)
    if not path.exists():
        return FileResult(rel, "", [Problem(rel, 0, 0, "", "file-missing", "文件不存在")])
    if kind is None or kind.kind not in VALIDATORS:
        return FileResult(rel, "", [Problem(rel, 0, 0, "", "unknown-file",
                                            "不认识的文件：表单文件应放在 submissions/<年度>/<学会>/ 下，"
                                            "名为 application.yaml")])
    return VALIDATORS[kind.kind](lay, path, kind, config, today)
