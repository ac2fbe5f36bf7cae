"""The history of each project in plain Chinese (what `qianghui history` says), for many
projects at once: one walk of the log instead of one `git log` per project, kept per HEAD."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from pipeline.core import layout
from pipeline.errors import QianghuiError
from pipeline.forms.loading import Config
from pipeline.history.narrative import events
from pipeline.history.snapshot import Tree
from pipeline.history.vcs import Change, Commit, Vcs

Key = tuple[int, str]
FEW = 8         # up to this many projects, one `git log` each beats walking the whole round

_KEPT: dict[tuple[Path, str], dict[Key, list[str]]] = {}      # per HEAD: stories told so far
_COMPLETE: dict[tuple[Path, str], bool] = {}                  # … and whether they are all


def stories(root: Path, config: Config, keys: Iterable[Key]) -> dict[Key, list[str]]:
    """Each project's story; empty outside git (the page says so)."""
    wanted = set(keys)
    try:
        with Vcs(root) as vcs:
            head = vcs.resolve("HEAD")
            if head is None or vcs.bare:
                return {}
            if (root, head) not in _KEPT:
                _KEPT.clear()
                _KEPT[(root, head)] = {} if len(wanted) <= FEW else walk(vcs, config, None)
                _COMPLETE[(root, head)] = len(wanted) > FEW
            kept = _KEPT[(root, head)]
            for key in wanted - kept.keys() if not _COMPLETE[(root, head)] else ():
                kept[key] = walk(vcs, config, {key}).get(key, [])
            return {key: kept.get(key, []) for key in wanted}
    except QianghuiError:
        return {}


def walk(vcs: Vcs, config: Config, only: set[Key] | None) -> dict[Key, list[str]]:
    """Replay the log once, telling every project (or those in ``only``) what each commit meant."""
    paths = ["submissions", "reviews"] if only is None else [
        p for year, society in only for p in (f"submissions/{year}/{society}",
                                              f"reviews/{year}/{society}",
                                              f"reviews/{year}/selection.yaml")]
    people = config.people
    told: dict[Key, list[str]] = {}
    known: dict[int, set[str]] = {}
    tree: Tree | None = None
    for commit in vcs.log(["HEAD"], paths=paths):
        if tree is None:
            tree = Tree(vcs, vcs.tree_blobs(commit.parents[0]) if commit.parents else {})
        person = people.by_email(commit.email) if people else None
        who = f"{person.name}（{person.role}）" if person else f"{commit.author} <{commit.email}>"
        for key in concerned(commit.changes, known, only):
            for event in events(tree, own_changes(commit, *key), *key):
                told.setdefault(key, []).append(f"{commit.committed:%Y-%m-%d %H:%M}  {who}：{event}")
        for change in commit.changes:
            tree.apply(change)
    return told


def own_changes(commit: Commit, year: int, society: str) -> Commit:
    """The commit with only the changes `qianghui history` lists for the project."""
    folders = (f"submissions/{year}/{society}/", f"reviews/{year}/{society}/")
    selection = f"reviews/{year}/selection.yaml"
    return replace(commit, changes=[c for c in commit.changes
                                    if c.path.startswith(folders) or c.path == selection])


def concerned(changes: Iterable[Change], known: dict[int, set[str]],
              only: set[Key] | None) -> list[Key]:
    """The projects a commit's changes touch (the selection: every project of its year)."""
    found: set[Key] = set()
    wide: set[int] = set()
    for change in changes:
        kind = layout.classify(change.path)
        if kind is None or kind.year is None:
            continue
        if kind.society is None:
            if kind.kind == layout.SELECTION:       # as `qianghui history` tells it
                wide.add(kind.year)
        else:
            found.add((kind.year, kind.society))
            known.setdefault(kind.year, set()).add(kind.society)
    found |= {(year, s) for year in wide for s in known.get(year, set())}
    return sorted(found if only is None else found & only)
