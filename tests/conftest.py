"""Shared fixtures: miniature repository trees built from the real config and a golden case.

A case folder (tests/cases/valid|invalid/<name>/) holds only what differs from a base tree:
the repository's own config/ and the demo hbjx application.yaml with its files/ (not the
completion report or reviews: a case is about one application). Files in the case folder are
copied over the base. Marker files are expanded instead of copied, so the committed repository
stays small, holds no symlinks, and a case never carries a stale copy of the shared config:

- `<name>.pad` — `<size in KB> <source>`: the source file (relative to the tree root, after the
  overlay) followed by filler up to that size: comment lines for a .yaml target, else zero bytes.
- `<name>.symlink` — `<target>`: a symbolic link `<name>` pointing at `<target>`.
- `<name>.copy` — `<source>`: a copy of a file of the tree (say the base stamp), so a case for
  another society needs no image of its own.
- `<name>.edit` — lines `<old> => <new>`: the tree's `<name>` with each `<old>` (which must occur
  exactly once) replaced by `<new>` (`\\n` is a line break); used to change one value of the
  shared config.
- `<name>.form` — the same edits, applied to the cases' one base form, tests/cases/application.yaml
  (a valid, submitted application): each case states only the change it is about, so a new
  required field changes that base, not every case. An empty `.form` is the base itself.

`expected.txt` (the golden report lines) and `xfail.txt` (the reason a case shows a known engine
bug) are never copied; tests/test_cases.py reads them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
BASE_SOCIETY = Path("submissions/2022/hbjx")
NOT_COPIED = {"expected.txt", "xfail.txt"}
CASE_FORM = CASES / "application.yaml"      # the one base form of the cases (`.form` markers)
MARKERS = (".copy", ".edit", ".form", ".pad", ".symlink")

TreeFactory = Callable[..., Path]


def build_base(root: Path) -> Path:
    """The repository's config/ and the demo hbjx application (with files/) under `root`."""
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / BASE_SOCIETY / "files", root / BASE_SOCIETY / "files")
    shutil.copyfile(REPO / BASE_SOCIETY / "application.yaml",
                    root / BASE_SOCIETY / "application.yaml")
    return root


def overlay(case: Path, root: Path) -> None:
    """Copy the case's files over the tree, then expand its marker files."""
    markers = []
    for source in sorted(case.rglob("*")):
        rel = source.relative_to(case)
        if source.is_dir() or rel.as_posix() in NOT_COPIED:
            continue
        if source.suffix in MARKERS:
            markers.append(rel)
            continue
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / rel)
    for rel in markers:
        expand(case / rel, root / rel.with_suffix(""), root)


def expand(marker: Path, target: Path, root: Path) -> None:
    """Turn one marker file into the (large or linked) file it stands for."""
    text = marker.read_text(encoding="utf-8").strip()
    target.parent.mkdir(parents=True, exist_ok=True)
    if marker.suffix == ".symlink":
        target.unlink(missing_ok=True)
        target.symlink_to(text)
        return
    if marker.suffix == ".copy":
        shutil.copyfile(root / text, target)
        return
    if marker.suffix in (".edit", ".form"):         # as written: indents and a trailing " => "
        base = target if marker.suffix == ".edit" else CASE_FORM
        edits = marker.read_text(encoding="utf-8")
        target.write_text(edited(base.read_text(encoding="utf-8"), edits), encoding="utf-8")
        return
    size_kb, source = text.split(maxsplit=1)
    write_padded(target, (root / source).read_bytes(), int(size_kb) * 1024)


def edited(text: str, edits: str) -> str:
    """Apply `old => new` lines to `text`; each `old` must occur exactly once. `\\n` in either
    side is a line break (an edit may span lines, or delete or add whole lines)."""
    for line in edits.splitlines():
        if not line.strip():
            continue
        old, new = (side.replace("\\n", "\n") for side in line.split(" => ", 1))
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def case_application(case: Path, tmp: Path) -> Path:
    """The hbjx application.yaml a case folder makes: its own copy, its `.form` expanded into
    `tmp`, or (a case about other files) the demo's."""
    own = case / BASE_SOCIETY / "application.yaml"
    form = own.with_name("application.yaml.form")
    if own.exists() or not form.exists():
        return own if own.exists() else REPO / BASE_SOCIETY / "application.yaml"
    target = tmp / case.name / "application.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    expand(form, target, tmp)
    return target


def write_padded(target: Path, head: bytes, size: int) -> None:
    """`head` followed by filler (YAML comments or zero bytes) up to `size` bytes."""
    yaml_like = target.suffix == ".yaml"
    filler = b"# " + b"x" * 97 + b"\n" if yaml_like else b"\0" * 100
    body = head if head.endswith(b"\n") or not yaml_like else head + b"\n"
    count = -(-(size - len(body)) // len(filler))
    target.write_bytes(body + filler * max(count, 0))


@pytest.fixture
def make_tree(tmp_path: Path) -> TreeFactory:
    """Build a tree: base config + hbjx application, then a case folder (if any) on top."""

    def make(case: Path | None = None) -> Path:
        root = build_base(tmp_path / "tree")
        if case is not None:
            overlay(case, root)
        return root

    return make


@pytest.fixture
def tree(make_tree: TreeFactory) -> Path:
    """A clean tree: the real config and the valid, submitted hbjx application."""
    return make_tree()


@pytest.fixture
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No global git configuration, here or in the git processes the engine starts (the one
    fixture every git test uses; see gitrepo.isolate_git)."""
    from gitrepo import isolate_git

    isolate_git(monkeypatch, tmp_path_factory.mktemp("home"))


@pytest.fixture
def dated_repo(tmp_path: Path, isolated_git: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo round as a git repository (gitrepo.make_repo); what the CLI commits is dated
    inside the round, before the deadline."""
    from gitrepo import BEFORE, make_repo

    monkeypatch.setenv("GIT_AUTHOR_DATE", BEFORE)
    monkeypatch.setenv("GIT_COMMITTER_DATE", BEFORE)
    return make_repo(tmp_path / "repo")
