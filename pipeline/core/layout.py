"""Where things live: years, societies, and the path of every file kind in a round."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.core import kinds
from pipeline.errors import QianghuiError, UsageError
from pipeline.reading import link_message

APPLICATION = "application"
COMPLETION = "completion"
DECISION = "decision"
PANEL = "panel"
ACCEPTANCE = "acceptance"
SURVEY = "survey"
SELECTION = "selection"
SPOT_CHECK = "spot-check"
PROGRAM = "program"
SOCIETIES = "societies"
PEOPLE = "people"
TEMPLATE = "template"
SUBMISSION_FILE = "submission-file"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(k.name, k.pattern) for k in kinds.KINDS]

# A project's own forms by side of the round: file names, and folders of one sheet per expert.
_OWN: dict[str, tuple[set[str], set[str]]] = {"submissions": (set(), set()), "reviews": (set(), set())}
for _kind in kinds.KINDS:
    if _kind.per in ("project", "sheets"):     # <side>/{year}/{society}/<name>[/{expert}.yaml]
        _side, _year, _society, _name, *_more = _kind.path.split("/")
        _OWN[_side][_kind.per == "sheets"].add(_name)


@dataclass(frozen=True)
class FileKind:
    """What a repository path is, and which year / society / expert it belongs to."""

    kind: str
    year: int | None = None
    society: str | None = None
    expert: str | None = None


def classify(relpath: str) -> FileKind | None:
    """The kind of a path relative to the repository root (posix separators), or None."""
    for kind, pattern in _PATTERNS:
        match = pattern.match(relpath)
        if match:
            groups = match.groupdict()
            year = int(groups["year"]) if "year" in groups else None
            return FileKind(kind, year, groups.get("society"), groups.get("expert"))
    return None


@dataclass(frozen=True)
class Layout:
    """Paths of one repository checkout."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def schemas_json(self) -> Path:
        return self.root / "schemas" / "json"

    def program(self, year: int) -> Path:
        return self.config / f"program-{year}.yaml"

    @property
    def societies(self) -> Path:
        return self.config / "societies.yaml"

    @property
    def people(self) -> Path:
        return self.config / "people.yaml"

    def submission_dir(self, year: int, society: str) -> Path:
        return self.root.joinpath("submissions", str(year), society)   # one parse, not three

    def application(self, year: int, society: str) -> Path:
        return self.submission_dir(year, society) / "application.yaml"

    def review_dir(self, year: int, society: str) -> Path:
        return self.root.joinpath("reviews", str(year), society)

    def output_dir(self, year: int, society: str) -> Path:
        return self.build / str(year) / society

    def rel(self, path: Path) -> str:
        """A path as users see it in messages: relative to the root when inside it."""
        text, prefix = str(path), self._prefix
        if text.startswith(prefix) and os.sep == "/" and "/../" not in text:
            return text[len(prefix):]          # the common case, without pathlib's parsing
        root = self.root
        try:
            return (path if path.is_absolute() else Path.cwd() / path).relative_to(root).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def argument(self, name: str, here: Path) -> Path:
        """A path typed on the command line, made absolute: relative to ``here`` (the folder the
        command runs in; with -C, like git -C, the repository) when it exists there, else to
        the root. A UsageError naming it when it leads out of the repository (an absolute path
        elsewhere, ``..``), a QianghuiError when it or a folder on the way is a link."""
        path = Path(os.path.normpath(here / name))
        if not os.path.lexists(path):
            path = Path(os.path.normpath(self.root / name))
        if path != self.root and not path.is_relative_to(self.root):
            raise UsageError(f"「{name}」在仓库（{self.root}）之外：只能指定仓库里的文件或文件夹")
        inside = len(path.relative_to(self.root).parts)
        for level in range(inside - 1, -1, -1):       # from the root down to the path itself
            step = path.parents[level - 1] if level else path
            if os.path.islink(step):                  # False when it cannot be looked at:
                said = link_message(step, self.root)    # the reader then says why
                raise QianghuiError(said if step == path else f"「{name}」：{said}")
        return path

    @cached_property
    def _prefix(self) -> str:
        return str(self.root).rstrip("/") + "/" if self.root.is_absolute() else "\0"

    def applications(self) -> list[Path]:
        """Every application.yaml in the tree, sorted by year then society."""
        return sorted((self.root / "submissions").glob("*/*/application.yaml"))

    def forms(self, refused: list[tuple[Path, str, str]] | None = None) -> list[Path]:
        """Every form file the validator knows: applications, reports, decisions, selections.

        One walk for every kind's path template that never follows a link: a linked or
        unreadable folder on the way is added to ``refused`` (path, code, Chinese reason)
        instead, so the whole-tree run reports it rather than reading through it or
        silently skipping what is inside."""
        found: list[Path] = []
        _match(self.root, self.root, [k.glob.split("/") for k in kinds.forms()], found,
               [] if refused is None else refused)
        return sorted(found)

    def own_forms(self, year: int, society: str) -> list[Path]:
        """The existing forms of one project (one directory listing per folder, no globbing)."""
        found: list[Path] = []
        for side, (files, folders) in _OWN.items():
            base = self.root.joinpath(side, str(year), society)
            for name in _names(base):
                if name in files:
                    found.append(base / name)
                elif name in folders:
                    found += [base / name / sheet for sheet in sorted(_names(base / name))
                              if sheet.endswith(".yaml")]
        return found

    def year_forms(self, year: int) -> list[Path]:
        """The year's selection and spot check, when they exist."""
        paths = [self.selection(year), self.root / "reviews" / str(year) / "spot-check.yaml"]
        return [p for p in paths if p.exists()]

    def decision(self, year: int, society: str) -> Path:
        return self.review_dir(year, society) / "decision.yaml"

    def completion(self, year: int, society: str) -> Path:
        return self.submission_dir(year, society) / "completion.yaml"

    def selection(self, year: int) -> Path:
        return self.root / "reviews" / str(year) / "selection.yaml"

    def years(self) -> list[int]:
        found = {int(p.stem.split("-")[1]) for p in self.config.glob("program-*.yaml")
                 if p.stem.split("-")[1].isdigit()}
        return sorted(found)


def in_order(paths: Iterable[Path]) -> list[Path]:
    """Paths sorted as `sorted(paths)` sorts them (part by part), without pathlib's slow
    comparison: thousands of form paths sort in a few milliseconds."""
    return sorted(paths, key=_parts)


def _parts(path: Path) -> tuple[str, ...]:
    return path.parts


UNREADABLE_FOLDER = "无法读取这个文件夹：没有读取权限，其中的材料没有检查（请检查文件夹的权限设置）"


def _match(root: Path, folder: Path, rests: list[list[str]], found: list[Path],
           refused: list[tuple[Path, str, str]]) -> None:
    """The paths under ``folder`` matching the remaining glob parts, links never followed
    (written by hand: pathlib's glob follows links to folders and skips unreadable ones)."""
    entries: dict[str, os.DirEntry[str]] = {}
    listed = len({rest[0] for rest in rests}) > 1 or "*" in rests[0][0]   # else one lstat
    if listed:
        try:
            with os.scandir(folder) as listing:     # the type of each entry comes free
                entries = {e.name: e for e in listing if not e.name.startswith(".")}
        except PermissionError:
            refused.append((folder, "folder-unreadable", UNREADABLE_FOLDER))
            return
        except OSError:
            pass
    wanted: dict[str, list[list[str]]] = {}
    for head, *tail in rests:
        for name in fnmatch.filter(entries, head) if "*" in head else [head]:
            wanted.setdefault(name, []).append(tail)
    for name, tails in wanted.items():
        path = folder / name
        if listed and name not in entries:
            continue
        try:
            entry = entries.get(name)
            link, folder_here = ((entry.is_symlink(), entry.is_dir(follow_symlinks=False))
                                 if entry is not None else _link_or_folder(path))
        except PermissionError:             # a folder that can be entered by name only
            refused.append((folder, "folder-unreadable", UNREADABLE_FOLDER))
            return
        except OSError:
            continue
        if [] in tails:
            found.append(path)          # the file itself (a link or a folder: its reader says so)
        deeper = [t for t in tails if t]
        if deeper and link:
            refused.append((path, "folder-link", link_message(path, root)))
        elif deeper and folder_here:
            _match(root, path, deeper, found, refused)


def _link_or_folder(path: Path) -> tuple[bool, bool]:
    """(is a link, is a real folder) by one lstat."""
    mode = os.lstat(path).st_mode
    return stat.S_ISLNK(mode), stat.S_ISDIR(mode)


def _names(folder: Path) -> list[str]:
    """The names in a folder (none when it is missing or not a folder)."""
    try:
        return os.listdir(folder)
    except OSError:
        return []


def find_root(start: Path) -> Path:
    """The repository root: the nearest folder upward holding config/ and submissions/."""
    for folder in [start.resolve(), *start.resolve().parents]:
        if (folder / "config").is_dir() and (folder / "submissions").is_dir():
            return folder
    return start.resolve()
