"""Loading any form file: YAML with marks, then its Pydantic model, errors mapped to lines.

Shared by the validators of every file kind (pipeline.forms.validate) and by the commands that
read a single file.

Long because it also keeps the config caches (packed registry and people, by content hash).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from pipeline.core import layout
from pipeline.core.layout import Layout
from pipeline.errors import Finding, Problem, QianghuiError
from pipeline.forms import messages
from pipeline.forms.config import check_config
from pipeline.forms.yamlio import Document, YamlError, inside_parts, load_file, max_bytes
from pipeline.reading import ReadError, read_bounded
from pipeline.state.engine import fingerprint
from pipeline.state.pickles import load_pickle, save_pickle
from schemas.characters import invisible_message
from schemas.program import Program
from schemas.registry import (
    PackedPeople,
    PackedRegistry,
    People,
    Person,
    PersonLookup,
    Registry,
    SocietyLookup,
)

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
    doc: Document | None = None
    partial: Any = None             # when the model failed: the fields that did parse
    warnings: list[Problem] = field(default_factory=list)

    @property
    def parsed(self) -> Any:
        """The model, or (when it failed) one holding only the fields that parsed: the rules
        run on it too, so every problem of a file arrives at once."""
        return self.model if self.model is not None else self.partial

    def add(self, findings: Iterable[Finding], *, warning: bool = False) -> None:
        """Attach rule findings as problems at their lines (or, as hints, as warnings)."""
        if self.doc is not None:
            found = problems_from_findings(self.doc, findings, warning=warning)
        else:
            found = [Problem(self.path, 0, 0, messages.field_path(f.loc), f.code, f.message,
                             warning) for f in findings]
        (self.warnings if warning else self.problems).extend(found)


class Recent(dict[str, FileResult]):
    """The forms read most recently in this run. A report is checked right after its
    application (paths are sorted), so a few hundred suffice; keeping every form of a round
    would hold thousands of models, and the garbage collector would scan them all again and
    again. A form that fell out is simply read again."""

    LIMIT = 256

    def __setitem__(self, key: str, value: FileResult) -> None:
        super().__setitem__(key, value)
        if len(self) > self.LIMIT:
            del self[next(iter(self))]


@dataclass
class Config:
    """The round's configuration as loaded: programs by year, registry, people.

    The registry and the people list are read from the disk cache on first use only, in the
    packed form that unpickles an entry when it is looked up (a command on one form never
    needs the 5,000 people of a national round)."""

    programs: dict[int, Program] = field(default_factory=dict)
    results: list[FileResult] = field(default_factory=list)
    loaded: Recent = field(default_factory=lambda: Recent())   # forms already read this run
    files: dict[str, ConfigFile] = field(default_factory=dict)   # by kind

    @cached_property
    def registry(self) -> SocietyLookup | None:
        found = self.files.get(layout.SOCIETIES)
        return found.model() if found else None

    @cached_property
    def people(self) -> PersonLookup | None:
        found = self.files.get(layout.PEOPLE)
        return found.model() if found else None

    def preload(self) -> None:
        """Read the registry and people list now (before worker processes fork and inherit)."""
        _ = self.registry, self.people

    def person(self, person_id: str) -> Person | None:
        return self.people.by_id(person_id) if self.people else None


def load_form(path: Path, display: str, kind: str, model: type[BaseModel],
              *, draft: bool = False) -> tuple[FileResult, Document | None]:
    """Load one YAML file and validate it against `model`; drafts may be incomplete."""
    try:
        doc = load_file(path, display)
    except YamlError as e:
        return FileResult(display, kind, list(e.problems)), None
    if draft or _is_draft(doc.data):
        draft = True
    instance, problems, partial = check_model(doc, model, draft=draft)
    result = FileResult(display, kind, problems, doc.data, instance, doc.sha256, doc, partial)
    result.warnings.extend(hidden_warnings(doc, problems))
    return result, doc


def hidden_warnings(doc: Document, problems: list[Problem]) -> list[Problem]:
    """An invisible character in free text, where it is typed: a warning (in a name, an id or
    an e-mail the field's type already made it an error, reported instead)."""
    judged = {p.field for p in problems}
    return [Problem(doc.path, line, column, messages.field_path(loc), "hidden-character",
                    invisible_message(char), warning=True)
            for loc, (line, column, char) in doc.hidden.items()
            if messages.field_path(loc) not in judged]


def _is_draft(data: Any) -> bool:
    return isinstance(data, dict) and data.get("状态") == "草稿"


def check_model(doc: Document, model: type[BaseModel],
                *, draft: bool = False) -> tuple[Any, list[Problem], Any]:
    """Validate loaded data: (model, problems, the partial model of what parsed when the
    whole did not). A draft's missing or empty fields are not errors yet."""
    if doc.data is None:
        return None, [Problem(doc.path, 1, 1, "", "empty-file", "文件是空的：请按模板填写")], None
    try:
        return model.model_validate(doc.data), [], None
    except ValidationError as e:
        errors = e.errors(include_url=False)
    partial = partial_model(model, doc.data, errors)
    if draft:
        errors = [err for err in errors if not _incomplete(err)]
    return None, [problem_from_error(doc, err) for err in errors], partial


def partial_model(model: type[BaseModel], data: Any, errors: list[Any]) -> BaseModel | None:
    """A model holding only the top-level fields without errors (the others are absent, so a
    rule reading one of them is skipped: see pipeline.rules.apply). None when the data is
    not a mapping at all."""
    if not isinstance(data, dict) or any(not err["loc"] for err in errors):
        return None
    broken = {str(err["loc"][0]) for err in errors}
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in broken:
            continue
        if key not in data:
            if not info.is_required():
                values[name] = info.get_default(call_default_factory=True)
            continue
        try:
            values[name] = _adapter(model, name).validate_python(data[key])
        except ValidationError:
            continue
    return model.model_construct(**values)


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[annotation, *info.metadata]
    return TypeAdapter(annotation)


def _incomplete(error: Any) -> bool:
    return error["type"] in _INCOMPLETE or error.get("input", "") is None


def problem_from_error(doc: Document, error: Any) -> Problem:
    """A Pydantic error → a Problem at the line of the value (or its parent)."""
    loc = within(doc.data, tuple(error["loc"]))
    line, column = doc.locate(loc, key=error["type"] == "extra_forbidden")
    return Problem(doc.path, line, column, messages.field_path(loc), error["type"],
                   messages.translate(error))


def within(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` cut where the typed data is a plain value: a bare photo path is checked as the
    photo's 文件, and named as the path the user typed."""
    node = data
    for index, part in enumerate(loc):
        if not isinstance(node, dict | list):
            return loc[:index]
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return loc
    return loc


def problems_from_findings(doc: Document, findings: Iterable[Finding],
                           *, warning: bool = False) -> list[Problem]:
    """Rule findings → Problems (or warnings) at their lines."""
    out = []
    for f in findings:
        line, column = doc.locate(f.loc)
        out.append(Problem(doc.path, line, column, messages.field_path(f.loc), f.code, f.message,
                           warning))
    return out


class ConfigFile:
    """One config file's validation. A file valid before is known by its cached result on disk
    (named by its path and content hash, authenticated: pipeline.state.pickles), whose registry
    and people list are packed: an entry is unpickled only when it is looked up. Only a file
    without a single problem or warning is cached, every check of pipeline.forms.config
    included: one with findings is checked, and they are reported, on every run."""

    def __init__(self, lay: Layout, path: Path, kind: str, model: type[BaseModel]) -> None:
        self.lay, self.path, self.kind, self.cls = lay, path, kind, model
        self.store: Path | None = None
        try:                    # bounded and never blocking (a FIFO): a file not read here
            raw = read_bounded(path, max_bytes(lay.rel(path)), inside_parts(path, lay.rel(path)))
            # is reported by load_form below; named by path and content: a program-2023.yaml
            # copied from a valid program-2022.yaml is judged on its own
            key = hashlib.sha256(lay.rel(path).encode() + b"\0" + raw).hexdigest()
            self.store = lay.build / ".cache" / f"{kind}-{key[:40]}-{fingerprint()}.pickle"
        except ReadError:
            pass
        cached = load_pickle(self.store) if self.store is not None else None
        if isinstance(cached, FileResult) and cached.path == lay.rel(path) and cached.kind == kind:
            self.result = cached
        else:
            self.result = self._validate()

    def model(self) -> Any:
        return self.result.model

    def _validate(self) -> FileResult:
        result, _ = load_form(self.path, self.lay.rel(self.path), self.kind, self.cls)
        result.add(check_config(self.kind, result.path, result.parsed))
        if not result.problems and not result.warnings and self.store is not None:
            packed = _PACKED[self.kind](result.model) if self.kind in _PACKED else result.model
            save_pickle(self.store, FileResult(result.path, result.kind, [], None, packed,
                                               result.sha256))
        return result


_PACKED: dict[str, Callable[[Any], Any]] = {layout.SOCIETIES: PackedRegistry,
                                              layout.PEOPLE: PackedPeople}
_CONFIG_CACHE: dict[Path, tuple[tuple[int, int, int, int, str], ConfigFile]] = {}


def _config_file(lay: Layout, path: Path, kind: str, model: type[BaseModel]) -> ConfigFile:
    """A config file, re-read only when it changed on disk (the watcher reloads on every save)."""
    try:
        stat = path.stat()
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns, fingerprint())
    except OSError:
        signature = (0, 0, 0, 0, "")
    cached = _CONFIG_CACHE.get(path)
    if cached is not None and cached[0] == signature and signature[-1]:
        return cached[1]
    found = ConfigFile(lay, path, kind, model)
    _CONFIG_CACHE[path] = (signature, found)
    return found


def load_config(lay: Layout) -> Config:
    """Load and validate the program files; the registry and the people list on first use."""
    config = Config()
    for year in lay.years():
        program = _config_file(lay, lay.program(year), layout.PROGRAM, Program)
        model = program.model()
        config.results.append(program.result)
        if model is not None:
            config.programs[year] = model
    for path, kind, model_class in ((lay.societies, layout.SOCIETIES, Registry),
                                    (lay.people, layout.PEOPLE, People)):
        found = _config_file(lay, path, kind, model_class)
        config.files[kind] = found
        config.results.append(found.result)
    return config


def read_model(lay: Layout, path: Path, kind: str, model: type[BaseModel]) -> Any:
    """One valid form, or a QianghuiError listing its problems (for commands that need it)."""
    result, _ = load_form(path, lay.rel(path), kind, model)
    if result.problems or result.model is None:
        raise QianghuiError(f"{result.path} 有错误，请先修正（qianghui validate）", result.problems)
    return result.model


def loaded(lay: Layout, path: Path, kind: str, model: type, config: Config) -> FileResult:
    """A form read once per run (cached in config.loaded), e.g. the application of a report."""
    rel = lay.rel(path)
    if rel not in config.loaded:
        config.loaded[rel], _ = load_form(path, rel, kind, model)
    return config.loaded[rel]
