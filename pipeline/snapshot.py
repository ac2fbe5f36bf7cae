"""The round's files at one point of a history walk: path → blob, parsed lazily.

Used by the history check (the state before each commit) and by `qianghui history`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline import status
from pipeline.cache import load_pickle, save_pickle
from pipeline.vcs import Change, Vcs, is_absent
from pipeline.yamlio import YamlError, load_bytes
from schemas.decision import Decision, Selection
from schemas.program import Program
from schemas.registry import People

_STATE = re.compile(r"""^状态[ \t]*:[ \t]*["']?(草稿|已提交)["']?[ \t]*(?:#.*)?$""", re.M)


class Tree:
    """The repository's files at one point of the walk, parsed lazily and cached by blob id."""

    def __init__(self, vcs: Vcs, blobs: dict[str, str],
                 parsed: dict[tuple[str, str], Any] | None = None) -> None:
        self.vcs = vcs
        self.blobs = blobs
        self._parsed: dict[tuple[str, str], Any] = {} if parsed is None else parsed
        self._years: list[int] | None = None

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

    def model(self, path: str, cls: type[BaseModel]) -> Any:
        blob = self.blobs.get(path)
        if not blob:
            return None
        key = (cls.__name__, blob)
        if key not in self._parsed:
            store = self.vcs.cache_file(f"{cls.__name__}-{blob}") if cls is People else None
            cached = load_pickle(store) if store else None
            if cached is None:
                try:
                    cached = cls.model_validate(self.data(path))
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
            self._parsed[key] = hashlib.sha256(self.raw(blob)).hexdigest()
        return self._parsed[key]  # type: ignore[no-any-return]

    def prefetch(self, changes: Iterable[Change]) -> None:
        """Ask git for what judging these changes will read: the files that decide each touched
        project's status as they stand now (a new version is read only if a rule needs it)."""
        wanted = []
        for change in changes:
            parts = change.path.split("/")
            if len(parts) > 3 and parts[0] in ("submissions", "reviews"):
                for path in status_paths(parts[1], parts[2]):
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
        return self.model("config/people.yaml", People)  # type: ignore[no-any-return]

    def program(self, year: int) -> Program | None:
        return self.model(f"config/program-{year}.yaml", Program)  # type: ignore[no-any-return]

    def status_of(self, year: int, society: str) -> str | None:
        """The project's derived status at this point, None when it has no application."""
        base = f"submissions/{year}/{society}"
        app = self.head(f"{base}/application.yaml")
        if app is None:
            return None
        return status.derive(self.facts(year, society, app)).status

    def facts(self, year: int, society: str, app: dict[str, Any]) -> status.Facts:
        app_path, report_path, decision_path, selection_path, _ = status_paths(year, society)
        decision = self.model(decision_path, Decision)
        selection = self.model(selection_path, Selection)
        report = self.head(report_path)
        program = self.program(year)
        funded = {e.society for e in selection.funded} if selection and selection.approval else set()

        def verdict(v: Any) -> status.Verdict | None:
            return status.Verdict(v.outcome, v.version) if v else None

        return status.Facts(
            form_state=str(app.get("状态") or status.DRAFT),
            sha256=self.sha256(app_path),
            review=verdict(decision.application if decision else None),
            selected=society in funded, round_closed=bool(program and program.closed),
            report_state=str(report.get("状态") or status.DRAFT) if isinstance(report, dict) else None,
            report_sha256=self.sha256(report_path),
            report_review=verdict(decision.completion if decision else None))

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
        else:
            self.blobs[change.path] = change.new_blob


def status_paths(year: int | str, society: str) -> tuple[str, ...]:
    """The files `Tree.facts` reads to decide a project's status."""
    return (f"submissions/{year}/{society}/application.yaml",
            f"submissions/{year}/{society}/completion.yaml",
            f"reviews/{year}/{society}/decision.yaml", f"reviews/{year}/selection.yaml",
            f"config/program-{year}.yaml")


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
