"""build/site/: the round as a static web site (list, a page per project, a page per year).

Plain files that work from file://, any web server and GitLab/Gitea Pages: HTML written with
Jinja2 (autoescaped), one style sheet, one script, and the list's data as a script file
(data.js, loaded by a <script> tag: fetch() is refused on file://). Every page says which
commit its data comes from, as the documents do (pipeline.provenance).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pipeline.core import layout
from pipeline.core.layout import Layout
from pipeline.core.projects import Index, Project
from pipeline.forms.loading import Config
from pipeline.site import contexts, state
from pipeline.site.writer import Writer, render_page

if TYPE_CHECKING:
    from pipeline.documents.provenance import History
    from pipeline.run import RunResult

Key = tuple[int, str]


@dataclass
class SiteResult:
    """What one update wrote (paths relative to build/site) and how many files were unchanged."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0


def update(lay: Layout, result: RunResult, config: Config, index: Index,
           requested: set[Key] | None) -> SiteResult:
    """Write the pages of the projects in ``result`` (all, or the ``requested`` ones), their
    years' pages and the list; a file whose bytes would not change is not touched."""
    from pipeline.documents import provenance
    from pipeline.site.stories import stories
    from pipeline.state.status_file import problems_by_project

    writer = Writer(lay.build / "site")
    kept = state.load(lay.build)
    rows: dict[str, contexts.Row] = dict(kept["rows"]) if requested is not None else {}
    history = provenance.history(lay.root)
    problems = problems_by_project(result.validation)
    names = people_names(config)
    told = stories(lay.root, config, [(p.year, p.society) for p in result.projects])
    changed = requested is None
    for p in result.projects:
        origin = history.provenance(lay.root, inputs_of(lay, p.year, p.society))
        key, row = f"{p.year}/{p.society}", contexts.row_of(p, origin)
        if rows.get(key) != row:        # an equal row keeps its object (and its kept JSON)
            rows[key], changed = row, True
        context = project_page(lay, p, index, names, told.get((p.year, p.society), []),
                               problems.get((p.year, p.society), []), origin)
        writer.write(contexts.page_name(p.year, p.society), render_page("project.html", context))
    present = {f"{p.year}/{p.society}" for p in result.projects}
    for key in sorted(({f"{y}/{s}" for y, s in requested} if requested is not None
                       else stale_pages(writer.root)) - present):
        changed |= rows.pop(key, None) is not None
        writer.remove(f"{key}.html")
    registry = kept["registry"] if requested is not None else registry_of(config)
    years = ({y for y, _ in requested} if requested is not None else {r["y"] for r in rows.values()}
             | {int(d.name) for d in writer.root.glob("*") if d.is_dir() and d.name.isdigit()})
    ordered = dict(sorted(rows.items()))
    write_years(lay, writer, ordered, sorted(years), config, index, names, history)
    if changed:             # a save that changed nothing the list shows leaves it alone
        write_list(writer, ordered, registry, config)
        state.save(lay.build, ordered, registry)
    return SiteResult(writer.written, writer.unchanged)


def inputs_of(lay: Layout, year: int, society: str) -> list[Path]:
    """The files a project's page is made from (as its documents are)."""
    from pipeline.documents.plan import config_files

    return [*config_files(lay, year), *lay.own_forms(year, society), *lay.year_forms(year)]


def people_names(config: Config) -> dict[str, str]:
    return {p.id: p.name for p in config.people.people} if config.people else {}


def registry_of(config: Config) -> list[list[str]]:
    """[id, 学会名称] of every society in the registry (for “not applied”)."""
    registry = config.registry
    return [[s.id, s.name] for s in getattr(registry, "societies", [])]


def stale_pages(site: Path) -> set[str]:
    """Every project page on disk, as "年度/学会" (a full run removes those it did not write)."""
    return {f"{page.parent.name}/{page.stem}" for page in site.glob("*/*.html")
            if page.parent.name.isdigit() and page.stem != "index"}


def project_page(lay: Layout, p: Project, index: Index, names: dict[str, str],
                 story: Sequence[str], problems: Sequence[Any], origin: Any) -> dict[str, Any]:
    key = (p.year, p.society)
    report = index.one(layout.COMPLETION, key)
    check_file = index.spot_checks.get(p.year)
    versions = {"申报": p.application.sha256, "结题": report.sha256 if report else ""}
    return contexts.project_context(
        p, report_data=report.data if report else None, versions=versions, names=names,
        check=valid_model(check_file), story=story, problems=problems,
        documents=links(lay, p.documents), origin=origin)


def valid_model(found: Any) -> Any:
    """A year file's model when it validated clean, else None."""
    return found.model if found is not None and not found.problems else None


def links(lay: Layout, documents: Iterable[str]) -> list[tuple[str, str, str]]:
    """(name, href, pdf href or "") of each document, relative to a project page (build/site/
    <年度>/<学会>.html → build/<年度>/<学会>/<文档>)."""
    out = []
    for rel in documents:
        inside = rel.removeprefix("build/")
        pdf = Path(inside).with_suffix(".pdf").as_posix()
        has_pdf = rel.endswith(".docx") and (lay.build / pdf).is_file()
        out.append((Path(rel).name, quote(f"../../{inside}"), quote(f"../../{pdf}") if has_pdf else ""))
    return out


def write_years(lay: Layout, writer: Writer, rows: dict[str, contexts.Row], years: list[int],
                config: Config, index: Index, names: dict[str, str], history: History) -> None:
    from pipeline.documents.plan import config_files

    for year in years:
        of_year = {r["s"]: r for r in rows.values() if r["y"] == year}
        if not of_year:
            writer.remove(f"{year}/index.html")
            continue
        own = history.provenance(lay.root, [*config_files(lay, year), *lay.year_forms(year)])
        mark = {"commit": own.commit, "date": own.when.isoformat() if own.commit else "",
                "dirty": bool(own.dirty)}
        version = contexts.version_line(*contexts.latest([*of_year.values(), mark]))
        context = contexts.year_context(
            year, of_year, program=config.programs.get(year),
            selection=valid_model(index.selections.get(year)),
            check=valid_model(index.spot_checks.get(year)), names=names, version=version)
        writer.write(f"{year}/index.html", render_page("year.html", context))


def write_list(writer: Writer, rows: dict[str, contexts.Row], registry: list[list[str]],
               config: Config) -> None:
    import json

    categories: dict[str, list[str]] = {}
    for program in config.programs.values():
        for name, forms in program.categories.items():
            categories.setdefault(name, []).extend(f for f in forms if f not in categories[name])
    data = contexts.list_data(list(rows.values()), [(i, n) for i, n in registry], categories)
    listed = ",\n".join(state.encoded("list", key, row, contexts.listed) for key, row in rows.items())
    rest = json.dumps(data, ensure_ascii=False)
    writer.write("data.js", f'window.QIANGHUI = {{"rows": [\n{listed}\n], {rest[1:]};\n'
                 .encode())
    version = contexts.version_line(*contexts.latest(rows.values()))
    writer.write("index.html", render_page("index.html", {"provenance": version,
                                                          "years": data["years"]}))
    writer.copy_static()
