"""The orchestrator shared by the CLI, make and the watcher: validate → status → render.

`run` takes what changed (or nothing: the whole tree) and does only the work it affects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import layout
from pipeline.cache import Manifest, input_key
from pipeline.errors import Problem, QianghuiError
from pipeline.layout import Layout
from pipeline.parallel import map_chunks
from pipeline.projects import Index, Project, build_projects
from pipeline.shard import Shard, share
from pipeline.validate import (
    Config,
    ValidationResult,
    collect_targets,
    load_config,
    validate_paths,
)

if TYPE_CHECKING:                 # planning and documents are imported only to render
    from pipeline.plan import Job

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

    @property
    def problems(self) -> list[Problem]:
        return self.validation.problems + self.render_problems

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def run(lay: Layout, *, societies: Iterable[tuple[int, str]] | None = None, render: bool = True,
        today: date | None = None, years: Iterable[int] = (),
        shard: Shard | None = None) -> RunResult:
    """Validate, derive status and (optionally) render — for all projects or the ones named.

    Year documents (立项名单, 验收结果汇总, 财务抽查, 登记表) need every project of their year:
    a full run builds them all; a partial run only for `years` (a year-wide change, whose
    projects are all among `societies`). One project's save never pays for the whole year.
    With `shard`, only that share of the documents is rendered (see pipeline.shard)."""
    targets = None if societies is None else project_files(lay, societies)
    validation, projects, config = evaluate(lay, targets, today=today)
    result = RunResult(validation, projects)
    config_broken = any(r.problems for r in config.results)
    if render and not config_broken:      # documents made from broken config would be wrong
        full_years = complete_years(lay, projects) if societies is None else set(years)
        from pipeline.plan import plan

        jobs = plan(lay, projects, config, Index.of(validation), full_years)
        render_jobs(lay, share(lay, jobs, shard), result)
        folders = {lay.output_dir(y, s) for y, s in societies} if societies is not None else {
            path for path in lay.build.glob("*/*") if path.is_dir() and path.parent.name.isdigit()}
        folders |= {lay.build / str(year) for year in full_years}
        prune(lay, folders, {job.output for job in jobs}, result)
    write_status(lay, result, None if societies is None else set(societies))
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
    named = collect_targets(lay, paths)
    owners = set()
    for path in named:
        kind = layout.classify(lay.rel(path))
        if kind is not None and kind.year is not None and kind.society is not None:
            owners.add((kind.year, kind.society))
    context = layout.in_order({*named, *project_files(lay, owners)})
    validation, _, config = evaluate(lay, context, today=today, lean=lean)
    wanted = {lay.rel(p) for p in named} | {r.path for r in config.results}
    return ValidationResult([f for f in validation.files if f.path in wanted])


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


def with_origins(lay: Layout, jobs: list[Job]) -> list[Job]:
    """Each job with its provenance: in its context (the footer's 数据版本 line) and beside it."""
    from dataclasses import replace

    from pipeline import provenance

    history = provenance.history(lay.root)
    found = []
    for job in jobs:
        origin = history.provenance(lay.root, job.inputs)
        found.append(replace(job, origin=origin,
                             context={**job.context, "provenance": origin.footer()}))
    return found


def render_jobs(lay: Layout, jobs: list[Job], result: RunResult) -> None:
    """Render what is stale (in parallel when there is enough of it); a failing document becomes
    a problem, never a crash."""
    manifest = Manifest(lay.build)
    stale: list[tuple[Job, str]] = []
    for job in with_origins(lay, jobs):
        origin = job.origin.properties() if job.origin else {}
        key = input_key(job.template, [job.context, origin, job.title, job.author])
        if manifest.fresh(job.output, key):
            result.unchanged.append(lay.rel(job.output))
        else:
            stale.append((job, key))
    for (job, key), error in zip(stale, map_jobs(stale), strict=True):
        rel = lay.rel(job.output)
        if error is None:
            manifest.record(job.output, key)
            result.written.append(rel)
        else:
            where = lay.rel(job.template) if job.template else rel
            result.render_problems.append(Problem(where, 0, 0, "", "render-failed",
                                                  f"生成 {rel} 失败：{error}"))
    manifest.save()


OUTPUTS = (".docx", ".pdf", ".xlsx")


def prune(lay: Layout, folders: set[Path], planned: set[Path], result: RunResult) -> None:
    """Delete the documents (and their PDFs) in ``folders`` that no longer have a job: a form
    that became invalid, or a project that is gone, must not leave an old document to print."""
    keep = planned | {path.with_suffix(".pdf") for path in planned if path.suffix == ".docx"}
    manifest = Manifest(lay.build)
    for folder in sorted(folders):
        for path in sorted(folder.glob("*")):
            if path.suffix in OUTPUTS and path.is_file() and path not in keep:
                path.unlink()
                manifest.forget(path)
                result.removed.append(lay.rel(path))
    manifest.save()


POOL_MIN = 8        # below this, starting worker processes costs more than it saves


def map_jobs(stale: list[tuple[Job, str]]) -> list[str | None]:
    """Write every stale document; one worker process per core when it pays off."""
    return map_chunks(_write_chunk, stale, POOL_MIN, "生成文档")


def _write_chunk(items: Sequence[tuple[Job, str]]) -> list[str | None]:
    return [write_one(item) for item in items]


def write_one(item: tuple[Job, str]) -> str | None:
    """Build and atomically write one document; the Chinese reason when it fails."""
    from pipeline import render

    job, _ = item
    try:
        render.write_atomic(job.output, build(job))
    except QianghuiError as e:
        return e.message
    except OSError as e:
        return f"无法写入：{e}"
    return None


_STATUS: dict[Path, tuple[int, dict[str, str]]] = {}   # status.json → (mtime, key → its line)


def write_status(lay: Layout, result: RunResult, requested: set[tuple[int, str]] | None) -> None:
    """build/status.json: every project's status, errors (of all its files) and documents.

    A partial run merges into the existing file and drops requested projects that are gone;
    entries are kept serialised in memory, so a save re-encodes only its own projects."""
    path = lay.build / "status.json"
    problems = problems_by_project(result.validation)
    entries: dict[str, str] = {}
    for p in result.projects:
        key = f"{p.year}/{p.society}"
        entries[key] = f"  {json.dumps(key, ensure_ascii=False)}: " + json.dumps({
            "学会": p.society, "学会名称": p.society_name, "年度": p.year, "状态": p.status,
            "错误": [pr.format() for pr in problems.get((p.year, p.society), [])],
            "文档": p.documents}, ensure_ascii=False)
    if requested is not None:
        previous = _previous_status(path)
        gone = {f"{year}/{society}" for year, society in requested} - entries.keys()
        if (path.exists() and not gone & previous.keys()
                and all(previous.get(key) == line for key, line in entries.items())):
            return                           # a save that changed nothing anyone reads here
        entries = {**{k: v for k, v in previous.items() if k not in gone}, **entries}
    body = ",\n".join([entries[k] for k in sorted(entries)])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text('{"projects": {\n' + body + "\n}}\n", encoding="utf-8")
    tmp.replace(path)
    _STATUS[path] = (path.stat().st_mtime_ns, entries)


def _previous_status(path: Path) -> dict[str, str]:
    """The serialised entries of status.json: from memory while the file is ours, else read."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return {}
    cached = _STATUS.get(path)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    try:
        projects = json.loads(path.read_text(encoding="utf-8")).get("projects", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {k: f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
            for k, v in projects.items()}


def build(job: Job) -> bytes:
    """The bytes of one output: a rendered docx, or the .xlsx register, with its properties."""
    from pipeline import provenance, render, summaries

    if job.template is None:
        data = summaries.register_xlsx(job.context["rows"], job.context["year"],
                                       job.context.get("provenance", ""))
    else:
        data = render.render_bytes(job.template, job.context)
    if job.origin is None:
        return render.normalize_docx(data)
    return provenance.stamp(data, job.origin, job.title, job.author)


def problems_by_project(validation: ValidationResult) -> dict[tuple[int, str], list[Problem]]:
    """The problems of every file that belongs to one project, grouped by project."""
    grouped: dict[tuple[int, str], list[Problem]] = {}
    for fr in validation.files:
        kind = layout.classify(fr.path)
        if fr.problems and kind and kind.year and kind.society:
            grouped.setdefault((kind.year, kind.society), []).extend(fr.problems)
    return grouped


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
