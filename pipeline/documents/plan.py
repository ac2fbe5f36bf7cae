"""Which documents the files have earned, and the context of each.

Pure over the projects, but for one read: the hash of each photo a 结题报告 shows, which goes
into its context (and so into the cache key) to rebuild the report when a photo changes.

Long because it holds the planner of every document in the table of kinds (core.kinds.DOCUMENTS).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.core import kinds, scoring, status
from pipeline.core.layout import Layout
from pipeline.core.projects import Index, Project
from pipeline.documents import contexts as documents
from pipeline.documents import summaries
from pipeline.documents.provenance import Provenance
from pipeline.forms import files
from pipeline.forms.loading import Config
from pipeline.state.manifest import file_digest
from schemas.completion import Completion
from schemas.decision import Selection
from schemas.plan import ImplementationPlan
from schemas.sheets import ScoreSheet, SpotCheck

ISSUER = "湖北省科协科技社团党委"
BY_SOCIETY = ("申报表.docx", "实施方案.docx", "结题报告.docx")       # written (and signed) by the society


@dataclass(frozen=True)
class Job:
    """One output file: a docx template with its context, or the .xlsx register (template None);
    the files it is made from (for its provenance), its title and its author.

    The context is planned as a function and built by `ready()` only for the jobs that are
    rendered: a shard plans every document of the round (to deal them) but builds the contexts
    of its own share only."""

    template: Path | None
    make_context: Callable[[], dict[str, Any]] | None
    output: Path
    inputs: tuple[Path, ...] = ()
    title: str = ""
    author: str = ISSUER
    origin: Provenance | None = None     # set just before rendering (pipeline.run)
    context: dict[str, Any] = field(default_factory=dict)

    def ready(self) -> Job:
        """This job with its context built (a job that is ready pickles to a worker)."""
        if self.make_context is None:
            return self
        return replace(self, make_context=None, context=self.make_context())


def plan(lay: Layout, projects: Sequence[Project], config: Config, index: Index,
         full_years: set[int]) -> list[Job]:
    """Every document of the projects, plus the year documents of the years fully loaded."""
    jobs: list[Job] = []
    for project in projects:
        common = (*config_files(lay, project.year), *lay.own_forms(project.year, project.society),
                  *lay.year_forms(project.year))
        project_jobs = [described(job, common, project.society_name,
                                  f"{project.society_name}　{job.output.stem}（{project.year}年度）")
                        for job in plan_project(lay, project, config, index)]
        project.documents += [lay.rel(j.output) for j in project_jobs]
        jobs += project_jobs
    for year in sorted(full_years):
        of_year = [p for p in projects if p.year == year]
        common = (*config_files(lay, year), *lay.year_forms(year))
        jobs += [described(job, (*common, *forms_of(lay, job, of_year, index)), ISSUER,
                           f"{year}年度{job.output.stem}")
                 for job in plan_year(lay, year, of_year, config, index)]
    return jobs


def config_files(lay: Layout, year: int) -> list[Path]:
    """The configuration every document of a year depends on."""
    names = ("societies.yaml", "people.yaml", f"program-{year}.yaml")
    return [path for path in (lay.root / "config" / name for name in names) if path.is_file()]


def forms_of(lay: Layout, job: Job, projects: Sequence[Project], index: Index) -> list[Path]:
    """The project forms a year document is made from: every project's for the register, the
    funded projects' for the others."""
    funded = index.funded(projects[0].year) if projects else set()
    return [path for p in projects if job.template is None or p.society in funded
            for path in lay.own_forms(p.year, p.society)]


def described(job: Job, common: Sequence[Path], society: str, title: str) -> Job:
    """A job with its inputs (the template, ``common`` and its own, e.g. photos), title, author."""
    template = (job.template,) if job.template else ()
    inputs = tuple(dict.fromkeys((*template, *common, *job.inputs)))
    author = society if job.output.name in BY_SOCIETY else ISSUER
    return replace(job, inputs=inputs, title=title, author=author)


def plan_project(lay: Layout, project: Project, config: Config, index: Index) -> list[Job]:
    """The documents one project has earned: every project planner of the table of kinds."""
    if project.model is None or project.model.state != "已提交" or project.application.problems:
        return []
    return [job for document in kinds.documents("project")
            for job in kinds.resolve(document.planner)(lay, project, config, index)]


def application_jobs(lay: Layout, project: Project, config: Config, index: Index) -> list[Job]:
    """申报表, once submitted (with section 五 once the list that funds it is approved)."""
    assert project.model is not None
    model = project.model
    return [Job(lay.templates / "申报表.docx",
                lambda: documents.application_context(model, project.society_name,
                                                      approval(project, config, index)),
                lay.output_dir(project.year, project.society) / "申报表.docx")]


def plan_jobs(lay: Layout, project: Project, config: Config, index: Index) -> list[Job]:
    """实施方案, once a clean plan is submitted for a project that is under way or finished."""
    plan_file = index.one(kinds.PLAN, (project.year, project.society))
    if (plan_file is None or not isinstance(plan_file.model, ImplementationPlan)
            or plan_file.model.state != "已提交" or plan_file.problems
            or project.status not in (*status.REPORTABLE, *status.FINAL)):
        return []
    model = plan_file.model
    return [Job(lay.templates / "实施方案.docx",
                lambda: documents.plan_context(model, project.society_name,
                                               str(project.raw.get("项目名称") or "")),
                lay.output_dir(project.year, project.society) / "实施方案.docx")]


def report_jobs(lay: Layout, project: Project, config: Config, index: Index) -> list[Job]:
    """结题报告, once reported (and through its acceptance)."""
    if project.report is None or project.status not in (status.REPORTED, status.ACCEPTED,
                                                        status.FAILED, status.REPORT_RETURNED):
        return []
    return [report_job(lay, project, project.report)]


def report_job(lay: Layout, project: Project, report: Completion) -> Job:
    """结题报告, its photos taken from the project's submission folder (absolute paths)."""
    folder = lay.submission_dir(project.year, project.society).absolute()

    def context() -> dict[str, Any]:
        digests = {p.file: photo_digest(files.locate(folder, p.file)) for p in report.photos}
        return documents.report_context(project, report, folder, digests)

    return Job(lay.templates / "结题报告.docx", context,
               lay.output_dir(project.year, project.society) / "结题报告.docx",
               inputs=tuple(files.locate(folder, p.file) for p in report.photos))


def photo_digest(path: Path) -> str:
    """sha256 of a photo; blank if it has gone since validation (rendering then reports it)."""
    try:
        return file_digest(path)
    except OSError:
        return ""


def assessment_jobs(lay: Layout, project: Project, config: Config, index: Index) -> list[Job]:
    """考核表: one per expert and one combined, once acceptance sheets are filed."""
    program = config.programs.get(project.year)
    if program is None or not project.scores.acceptance_sheets:
        return []
    out = lay.output_dir(project.year, project.society)
    template = lay.templates / "考核表.docx"
    sheets = project.scores.acceptance_sheets
    names = {s.expert: name_of(config, s.expert) for s in sheets}

    def one(sheet: ScoreSheet) -> Callable[[], dict[str, Any]]:
        return lambda: documents.assessment_context(
            project, program, [sheet], [(names[sheet.expert], sheet.date)],
            scoring.method([sheet], program.trim_at, names))

    jobs = [Job(template, one(sheet), out / f"考核表（{names[sheet.expert]}）.docx")
            for sheet in sheets]

    def combined() -> dict[str, Any]:
        return documents.assessment_context(
            project, program, scoring.kept_sheets(sheets, program.trim_at),
            [(names[s.expert], s.date) for s in sheets],
            scoring.method(sheets, program.trim_at, names))

    jobs.append(Job(template, combined, out / "考核表（汇总）.docx"))
    return jobs


def name_of(config: Config, person_id: str) -> str:
    """A person's name from config/people.yaml (the id when not listed)."""
    person = config.person(person_id)
    return person.name if person else person_id


def approval(project: Project, config: Config, index: Index) -> dict[str, Any] | None:
    """Section 五 of the 申报表: the 党组 approval of the list that funds the project, with
    the grant; None before the approval or when the project is not on the list."""
    selection = index.selections.get(project.year)
    model = selection.model if selection and not selection.problems else None
    if not isinstance(model, Selection) or model.approval is None or project.grant is None:
        return None
    given = model.approval
    return {"opinion": given.opinion, "leader": name_of(config, given.approver),
            "date": given.date, "amount": project.grant}


def plan_year(lay: Layout, year: int, projects: list[Project], config: Config,
              index: Index) -> list[Job]:
    """The documents of one year: every year planner of the table of kinds."""
    return [job for document in kinds.documents("year")
            for job in kinds.resolve(document.planner)(lay, year, projects, config, index)]


def register_jobs(lay: Layout, year: int, projects: list[Project], config: Config,
                  index: Index) -> list[Job]:
    """登记表.xlsx: every project of the year, always."""
    return [Job(None, lambda: {"year": year, "rows": summaries.register_rows(projects)},
                lay.build / str(year) / "登记表.xlsx")]


def approved_selection(index: Index, year: int) -> Selection | None:
    """The year's selection when it is clean (the list the year documents are made from)."""
    selection = index.selections.get(year)
    if selection and isinstance(selection.model, Selection) and not selection.problems:
        return selection.model
    return None


def selection_jobs(lay: Layout, year: int, projects: list[Project], config: Config,
                   index: Index) -> list[Job]:
    """立项名单, once the year has a clean selection."""
    selection = approved_selection(index, year)
    if selection is None:
        return []
    names = {p.id: p.name for p in config.people.people} if config.people else {}
    return [Job(lay.templates / "立项名单.docx",
                lambda: summaries.selection_context(year, projects, selection, names),
                lay.build / str(year) / "立项名单.docx")]


def acceptance_jobs(lay: Layout, year: int, projects: list[Project], config: Config,
                    index: Index) -> list[Job]:
    """验收结果汇总, once a funded project has an acceptance score."""
    program = config.programs.get(year)
    if (approved_selection(index, year) is None or program is None
            or all(p.scores.acceptance is None for p in projects)):
        return []
    return [Job(lay.templates / "验收结果汇总.docx",
                lambda: summaries.acceptance_context(year, projects, program),
                lay.build / str(year) / "验收结果汇总.docx")]


def spot_check_jobs(lay: Layout, year: int, projects: list[Project], config: Config,
                    index: Index) -> list[Job]:
    """财务抽查, once the year has a clean selection and a clean spot check."""
    selection = approved_selection(index, year)
    check = index.spot_checks.get(year)
    if selection is None or not (check and isinstance(check.model, SpotCheck)
                                 and not check.problems):
        return []
    return [Job(lay.templates / "财务抽查.docx",
                lambda: summaries.spot_check_context(year, projects, check.model,
                                                     len(selection.funded)),
                lay.build / str(year) / "财务抽查.docx")]
