"""The orchestrator shared by the CLI, make and the watcher: validate → status → render.

`run` takes what changed (or nothing: the whole tree) and does only the work it affects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.core import layout
from pipeline.core.layout import Layout
from pipeline.core.projects import Index, Project, build_projects
from pipeline.documents.shard import Shard, share
from pipeline.errors import Problem
from pipeline.forms.loading import Config, load_config
from pipeline.forms.validate import ValidationResult, collect_targets, refusals, validate_paths
from pipeline.state.lock import holding
from pipeline.state.status_file import write_status

if TYPE_CHECKING:                 # planning and documents are imported only to render
    from pipeline.site import SiteResult

YEAR_WIDE = (layout.SELECTION, layout.SPOT_CHECK, layout.PROGRAM)   # affect the whole year


@dataclass
class RunResult:
    """What one run checked, derived and wrote."""

    validation: ValidationResult
    projects: list[Project]
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    render_problems: list[Problem] = field(default_factory=list)
    site: SiteResult | None = None          # what the web site update wrote (when asked)

    @property
    def problems(self) -> list[Problem]:
        return self.validation.problems + self.render_problems

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0

    def removed_clause(self) -> str:
        """The documents this run deleted (their forms now have problems), as a closing clause."""
        if not self.removed:
            return ""
        return f"；删除 {len(self.removed)} 个已失效的文档（其材料有错误或已不存在）：" + "、".join(
            self.removed)

    def outputs(self) -> list[str]:
        """Everything a full run leaves in build/: its documents and build/status.json."""
        return [*self.written, *self.unchanged, "build/status.json"]


@holding
def run(lay: Layout, *, societies: Iterable[tuple[int, str]] | None = None, render: bool = True,
        today: date | None = None, years: Iterable[int] = (), site: bool = False,
        shard: Shard | None = None) -> RunResult:
    """Validate, derive status and (optionally) render — for all projects or the ones named.

    Year documents (立项名单, 验收结果汇总, 财务抽查, 登记表) need every project of their year:
    a full run builds them all; a partial run only for `years` (a year-wide change, whose
    projects are all among `societies`). One project's save never pays for the whole year.
    With `site`, build/site/ is brought up to date too (pipeline.site); with `shard`, only
    that share of the documents is rendered (see pipeline.documents.shard)."""
    targets = None if societies is None else project_files(lay, societies)
    validation, projects, config = evaluate(lay, targets, today=today)
    result = RunResult(validation, projects)
    config_broken = any(r.problems for r in config.results)
    if render and not config_broken:      # documents made from broken config would be wrong
        full_years = complete_years(lay, projects) if societies is None else set(years)
        from pipeline.documents.plan import plan

        jobs = plan(lay, projects, config, Index.of(validation), full_years)
        from pipeline.documents.jobs import prune, render_jobs

        render_jobs(lay, share(lay, jobs, shard), result)
        folders = {lay.output_dir(y, s) for y, s in societies} if societies is not None else {
            path for path in lay.build.glob("*/*") if path.is_dir() and path.parent.name.isdigit()}
        folders |= {lay.build / str(year) for year in full_years}
        prune(lay, folders, {job.output for job in jobs}, result)
    requested = None if societies is None else set(societies)
    write_status(lay, result, requested)
    if site and not config_broken:          # without render: pages without document links
        from pipeline import site as web

        result.site = web.update(lay, result, config, Index.of(validation), requested)
    return result


def evaluate(lay: Layout, targets: list[Path] | None, *, today: date | None = None,
             lean: bool = False) -> tuple[ValidationResult, list[Project], Config]:
    """Validate the files (default: the whole tree) and derive each project's status (with
    `lean`, projects carry no application model or data: for problems and status only)."""
    config = load_config(lay)
    validation = validate_paths(lay, targets, today=today, config=config, lean=lean)
    return validation, build_projects(validation, config), config


def check_named(lay: Layout, paths: Iterable[Path], *, today: date | None = None,
                lean: bool = False) -> ValidationResult:
    """The named files (folders expanded) judged exactly as a whole-tree run judges them: every
    file that decides their projects' status is loaded beside them, and only the named files
    (with the config, which every answer rests on) are reported."""
    refused: list[tuple[Path, str, str]] = []
    named = collect_targets(lay, paths, refused)
    owners = set()
    for path in named:
        kind = layout.classify(lay.rel(path))
        if kind is not None and kind.year is not None and kind.society is not None:
            owners.add((kind.year, kind.society))
    context = layout.in_order({*named, *project_files(lay, owners)})
    validation, _, config = evaluate(lay, context, today=today, lean=lean)
    wanted = {lay.rel(p) for p in named} | {r.path for r in config.results}
    return ValidationResult([f for f in validation.files if f.path in wanted]
                            + refusals(lay, refused))


def project_files(lay: Layout, societies: Iterable[tuple[int, str]]) -> list[Path]:
    """Every existing file that decides the status of the named projects — the society's
    projects of earlier years included, since how they ended decides its eligibility."""
    paths: set[Path] = set()
    years = set()
    wanted = set(societies)
    for year, society in set(wanted):
        wanted.update((y, society) for y in lay.years() if y < year
                      and lay.application(y, society).exists())
    for year, society in wanted:
        paths.update(lay.own_forms(year, society))
        years.add(year)
    for year in years:
        paths.update(lay.year_forms(year))
    return layout.in_order(paths)


def complete_years(lay: Layout, projects: list[Project]) -> set[int]:
    """Years whose every application is among the projects (their year documents can be built)."""
    loaded: dict[int, int] = {}
    for p in projects:
        loaded[p.year] = loaded.get(p.year, 0) + 1
    return {year for year, count in loaded.items()
            if count == len(list((lay.root / "submissions" / str(year)).glob("*/application.yaml")))}


def year_scope(lay: Layout, changed: Iterable[Path]) -> set[int]:
    """The years whose year documents a set of changed files affects (selection, program …)."""
    kinds = (layout.classify(lay.rel(path)) for path in changed)
    return {k.year for k in kinds if k and k.kind in YEAR_WIDE and k.year is not None}


def affected(lay: Layout, changed: Iterable[Path]) -> set[tuple[int, str]] | None:
    """The projects a set of changed files affects; None means the whole tree."""
    found: set[tuple[int, str]] = set()
    for path in changed:
        kind = layout.classify(lay.rel(path))
        if kind is None:
            continue
        if kind.kind in YEAR_WIDE and kind.year is not None:
            found |= {(kind.year, p.parent.name) for p in
                      (lay.root / "submissions" / str(kind.year)).glob("*/application.yaml")}
        elif kind.society is None or kind.year is None:
            return None
        else:
            found.add((kind.year, kind.society))
    return found
