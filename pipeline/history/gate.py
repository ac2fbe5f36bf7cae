"""Content at the gate: the forms a range of commits brings, validated as they stand at its tip.

Used by the central repository's hook and by `qianghui check-history` with a range. It works in
a bare repository: config/ and the folders of the touched projects (in every year, with each
year's selection and spot check: what their rules read) are written from git into a temporary
folder and checked there by the engine's own validator, exactly as `qianghui validate` checks a
checkout. A draft with problems passes (it is the society's to finish); a submitted form, a
review file or a touched config file with problems does not.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from pipeline.core import kinds, layout
from pipeline.core.layout import Layout
from pipeline.errors import Problem
from pipeline.forms.validate import VALIDATORS, ValidationResult, validate_paths
from pipeline.history.vcs import Vcs

DRAFTABLE = tuple(k.name for k in kinds.KINDS if k.draftable)     # a draft passes the gate
YEAR_WIDE = tuple(k.name for k in kinds.KINDS if k.per == "year")  # one file for the whole year


def touched(vcs: Vcs, revs: list[str]) -> set[str]:
    """Every path a commit of `revs` changed (a merge: against each parent)."""
    out = vcs.run("log", "-z", "-m", "--no-renames", "--format=", "--name-only", "--end-of-options",
                  *revs, "--")
    return {path for path in out.split("\0") if path}


def forms_to_check(paths: set[str], present: set[str]) -> list[str]:
    """The forms to validate: each touched form, and the forms a touched file next to them
    (a stamp page, a photo) belongs to — those present at the tip."""
    forms = set()
    for path in paths:
        kind = layout.classify(path)
        if kind is None:
            continue
        if kind.kind in VALIDATORS:
            forms.add(path)
        elif kind.kind == layout.SUBMISSION_FILE:
            forms |= {f"submissions/{kind.year}/{kind.society}/{name}"
                      for name in ("application.yaml", "completion.yaml")}
    return sorted(forms & present)


def folders_for(forms: list[str], years: set[int]) -> list[str]:
    """What the validators of `forms` read: config/, each touched society's folders in every
    year, each year's selection and spot check; a year-wide form reads its whole year."""
    wanted = {"config"}
    for path in forms:
        kind = layout.classify(path)
        assert kind is not None and kind.year is not None
        years.add(kind.year)
        if kind.kind in YEAR_WIDE:
            wanted |= {f"submissions/{kind.year}", f"reviews/{kind.year}"}
    societies = {kind.society for kind in map(layout.classify, forms) if kind and kind.society}
    for year in years:
        wanted |= {f"reviews/{year}/selection.yaml", f"reviews/{year}/spot-check.yaml"}
        wanted |= {f"{top}/{year}/{society}" for society in societies
                   for top in ("submissions", "reviews")}
    return sorted(wanted)


def content_problems(vcs: Vcs, revs: list[str], tip: str, today: date,
                     cache: Path | None = None) -> list[Problem]:
    """The problems of what `revs` brings, judged at `tip` (see the module's docstring);
    `cache` is where the validator keeps its config caches between runs."""
    changed = touched(vcs, revs)
    candidates = {"/".join(path.split("/")[:3]) for path in changed
                  if path.startswith(("submissions/", "reviews/"))}
    present = set(vcs.tree_blobs(tip, ["config", *sorted(candidates)]))
    forms = forms_to_check(changed, present)
    config = sorted(path for path in changed & present if path.startswith("config/"))
    if not forms and not config:
        return []
    years = {int(p.split("-")[1].split(".")[0]) for p in present
             if p.startswith("config/program-") and p.split("-")[1].split(".")[0].isdigit()}
    with tempfile.TemporaryDirectory(prefix="qianghui-gate-") as tmp:
        root = Path(tmp)
        vcs.extract(tip, folders_for(forms, years), root)
        if cache is not None:
            cache.mkdir(parents=True, exist_ok=True)
            (root / "build").symlink_to(cache, target_is_directory=True)
        lay = Layout(root)
        result = validate_paths(lay, [root / form for form in forms], today=today, lean=True)
        return refused(result, set(config))


def refused(result: ValidationResult, touched_config: set[str]) -> list[Problem]:
    """The problems that refuse a push: not a draft's, not an untouched config file's."""
    found = []
    for file in result.files:
        if file.kind in DRAFTABLE and isinstance(file.data, dict) and file.data.get("状态") == "草稿":
            continue
        if file.path.startswith("config/") and file.path not in touched_config:
            continue
        found += file.problems
    return found
