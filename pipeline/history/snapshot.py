"""The round's files at one point of a history walk: path → blob, parsed lazily.

Used by the history check (the state before each commit) and by `qianghui history`.

Long because it mirrors, for blobs, every read the working tree's status derivation makes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline.core import facts, layout, status
from pipeline.core.kinds import status_paths
from pipeline.forms.sheets import sheet_findings
from pipeline.forms.yamlio import YamlError, content_hash, load_bytes
from pipeline.history import rights
from pipeline.history.vcs import Change, Commit, Vcs, is_absent
from pipeline.state.pickles import load_pickle, save_pickle
from schemas.decision import Decision, Selection
from schemas.program import Program
from schemas.registry import PackedRegistry, People, Registry, Society
from schemas.sheets import ScoreSheet

_STATE = re.compile(r"""^状态[ \t]*:[ \t]*["']?(草稿|已提交)["']?[ \t]*(?:#.*)?$""", re.M)


def _same(model: Any) -> Any:
    return model


# The two long lists, cached on disk by blob id (the registry packed: a lookup unpickles one entry).
_CACHED: dict[type[BaseModel], Any] = {People: _same, Registry: PackedRegistry}


class Tree:
    """The repository's files at one point of the walk, parsed lazily and cached by blob id."""

    def __init__(self, vcs: Vcs, blobs: dict[str, str],
                 parsed: dict[tuple[str, str], Any] | None = None) -> None:
        self.vcs = vcs
        self.blobs = blobs
        self._parsed: dict[tuple[str, str], Any] = {} if parsed is None else parsed
        self._years: list[int] | None = None
        self._sheets: dict[tuple[str, str, str], set[str]] | None = None
        self.rights = rights.Rights(self.people_of, [])

    def raw(self, blob: str) -> bytes:
        return self.vcs.blob(blob)

    def data(self, path: str, blob: str | None = None) -> Any:
        """Loaded YAML of a file (None when absent or unreadable)."""
        blob = blob or self.blobs.get(path)
        if not blob or is_absent(blob):
            return None
        key = ("data", blob)
        if key not in self._parsed:
            try:
                self._parsed[key] = load_bytes(self.raw(blob), path).data
            except YamlError:
                self._parsed[key] = None
        return self._parsed[key]

    def head(self, path: str, blob: str | None = None) -> dict[str, Any] | None:
        """Just the 状态 of a form, read with a pattern (the full YAML only when it fails)."""
        blob = blob or self.blobs.get(path)
        if not blob or is_absent(blob):
            return None
        key = ("head", blob)
        if key not in self._parsed:
            found = _STATE.search(self.raw(blob).decode("utf-8", "replace"))
            if found:
                self._parsed[key] = {"状态": found.group(1)}
            else:
                data = self.data(path, blob)
                self._parsed[key] = data if isinstance(data, dict) else None
        return self._parsed[key]  # type: ignore[no-any-return]

    def model(self, path: str, cls: type[BaseModel], blob: str | None = None) -> Any:
        blob = blob or self.blobs.get(path)
        if not blob or is_absent(blob):
            return None
        key = (cls.__name__, blob)
        if key not in self._parsed:
            store = self.vcs.cache_file(f"{cls.__name__}-{blob}") if cls in _CACHED else None
            cached = load_pickle(store) if store else None
            if cached is None:
                try:
                    cached = _CACHED.get(cls, _same)(cls.model_validate(self.data(path, blob)))
                except ValidationError:
                    cached = False
                if store:
                    save_pickle(store, cached)
            self._parsed[key] = cached or None
        return self._parsed[key]

    def sha256(self, path: str) -> str:
        blob = self.blobs.get(path)
        if not blob:
            return ""
        key = ("sha256", blob)
        if key not in self._parsed:
            self._parsed[key] = content_hash(self.raw(blob))
        return self._parsed[key]  # type: ignore[no-any-return]

    def prefetch(self, changes: Iterable[Change]) -> None:
        """Ask git for what judging these changes will read: the files that decide each touched
        project's status as they stand now (a new version is read only if a rule needs it)."""
        wanted = []
        for change in changes:
            parts = change.path.split("/")
            if len(parts) > 3 and parts[0] in ("submissions", "reviews"):
                sheets = self.sheets(parts[1], parts[2], layout.ACCEPTANCE)
                for path in (*status_paths(parts[1], parts[2]), *sheets):
                    blob = self.blobs.get(path)
                    if blob:
                        wanted.append(blob)
        self.vcs.prefetch(wanted)

    def program_years(self) -> list[int]:
        if self._years is None:
            names = (p.removeprefix("config/program-").removesuffix(".yaml")
                     for p in self.blobs if p.startswith("config/program-"))
            self._years = [int(n) for n in names if n.isdigit()]
        return self._years

    def people(self) -> People | None:
        return self.model(rights.PEOPLE, People)  # type: ignore[no-any-return]

    def people_of(self, blob: str) -> People | None:
        return self.model(rights.PEOPLE, People, blob)  # type: ignore[no-any-return]

    def start_rights(self, changes: list[tuple[str, str, str]]) -> None:
        """Who holds which rights from here on (see pipeline.history.rights)."""
        self.rights = rights.Rights(self.people_of,
                                    rights.start(self.blobs.get(rights.PEOPLE), changes, self.people_of))

    def apply_commit(self, commit: Commit) -> None:
        """Move on past one commit: its files, and who made the people list."""
        for change in commit.changes:
            self.apply(change)
            if change.path == rights.PEOPLE:
                self.rights.record(None if is_absent(change.new_blob) else change.new_blob,
                                   commit.email)

    def program(self, year: int) -> Program | None:
        return self.model(f"config/program-{year}.yaml", Program)  # type: ignore[no-any-return]

    def status_of(self, year: int, society: str) -> str | None:
        """The project's derived status at this point, None when it has no application."""
        base = f"submissions/{year}/{society}"
        app = self.head(f"{base}/application.yaml")
        if app is None:
            return None
        return status.derive(facts.facts_of(self.project_files(year, society, app))).status

    def project_files(self, year: int, society: str, app: dict[str, Any]) -> facts.ProjectFiles:
        """The same inputs `projects` gathers from the working tree, read from blobs."""
        app_path, report_path, plan_path, decision_path, selection_path, _ = \
            status_paths(year, society)
        report, plan = self.head(report_path), self.head(plan_path)
        submitted = app.get("状态") == "已提交"
        return facts.ProjectFiles(
            year, society, app, self.sha256(app_path),
            decision=self.model(decision_path, Decision),
            selection=self.model(selection_path, Selection),
            report=report if isinstance(report, dict) else None,
            report_sha=self.sha256(report_path),
            plan=plan if isinstance(plan, dict) else None,
            acceptance=self.counted_sheets(year, society, layout.ACCEPTANCE),
            program=self.program(year),
            registered=self.society(society) if submitted else None,
            earlier=self.earlier(year, society) if submitted else ())

    def counted_sheets(self, year: int, society: str, kind: str) -> list[ScoreSheet]:
        """The project's score sheets of one kind that pass the checks `qianghui validate`
        makes (the walk must count exactly the sheets the working tree counts)."""
        program = self.program(year)
        people = self.people()
        counted = []
        for path in sorted(self.sheets(year, society, kind)):
            sheet = self.model(path, ScoreSheet)
            expert = path.rsplit("/", 1)[-1].removesuffix(".yaml")
            if isinstance(sheet, ScoreSheet) and not sheet_findings(
                    sheet, kind, expert, society, program,
                    lambda person: people.by_id(person) if people else None, people is not None):
                counted.append(sheet)
        return counted

    def sheets(self, year: int | str, society: str, kind: str) -> set[str]:
        """Paths of the project's panel or acceptance sheets at this point."""
        if self._sheets is None:
            self._sheets = {}
            for path in self.blobs:
                self._index_sheet(path, add=True)
        return self._sheets.get((str(year), society, kind), set())

    def _index_sheet(self, path: str, *, add: bool) -> None:
        parts = path.split("/")
        if (self._sheets is None or len(parts) != 5 or parts[0] != "reviews"
                or parts[3] not in (layout.PANEL, layout.ACCEPTANCE) or not parts[4].endswith(".yaml")):
            return
        found = self._sheets.setdefault((parts[1], parts[2], parts[3]), set())
        found.add(path) if add else found.discard(path)

    def society(self, society: str) -> Society | None:
        registry = self.model("config/societies.yaml", Registry)
        return registry.get(society) if registry else None

    def earlier(self, year: int, society: str) -> list[facts.Earlier]:
        """The society's projects of earlier years in this tree, with how each stands now."""
        found = []
        for y in sorted(y for y in self.program_years() if y < year):
            state = self.status_of(y, society)
            if state is not None:
                app = self.data(f"submissions/{y}/{society}/application.yaml")
                found.append(facts.Earlier(y, facts.project_name(app if isinstance(app, dict) else None),
                                           state))
        return found

    def selection_approved(self, year: int) -> bool:
        selection = self.model(f"reviews/{year}/selection.yaml", Selection)
        return isinstance(selection, Selection) and selection.approval is not None

    def verdict(self, year: int, society: str, stage: str) -> Any:
        """The current decision of one stage (申报 = "application", 结题 = "completion")."""
        decision = self.model(f"reviews/{year}/{society}/decision.yaml", Decision)
        return getattr(decision, stage) if decision else None

    def passed(self, year: int, society: str, stage: str) -> bool:
        """A 通过 given on exactly the file as it stands now."""
        verdict = self.verdict(year, society, stage)
        path = f"submissions/{year}/{society}/{stage}.yaml"
        return bool(verdict and verdict.outcome == "通过" and verdict.judged(self.sha256(path)))

    def apply(self, change: Change) -> None:
        if change.path.startswith("config/program-"):
            self._years = None
        if is_absent(change.new_blob):
            self.blobs.pop(change.path, None)
            self._index_sheet(change.path, add=False)
        else:
            self.blobs[change.path] = change.new_blob
            self._index_sheet(change.path, add=True)


def references(form: Any, keys: tuple[str, ...]) -> set[str]:
    """The file paths a loaded form names under `keys` (a path or a list of paths)."""
    if not isinstance(form, dict):
        return set()
    found: set[str] = set()
    for key in keys:
        value = form.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):      # a captioned photo: {文件: …, 说明: …}
                item = item.get("文件")
            if isinstance(item, str):
                found.add(item.strip().replace("\\", "/"))
    return found
