"""Which documents the files have earned, and the context of each.

Pure over the projects, but for one read: the hash of each photo a 结题报告 shows, which goes
into its context (and so into the cache key) to rebuild the report when a photo changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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
from schemas.sheets import SpotCheck

ISSUER = "湖北省科协科技社团党委"
BY_SOCIETY = ("申报表.docx", "实施方案.docx", "结题报告.docx")       # written (and signed) by the society


@dataclass(frozen=True)
class Job:
    """One output file: a docx template with its context, or the .xlsx register (template None);
    the files it is made from (for its provenance), its title and its author."""

    template: Path | None
    context: dict[str, Any]
    output: Path
    inputs: tuple[Path, ...] = ()
    title: str = ""
    author: str = ISSUER
    origin: Provenance | None = None     # set just before rendering (pipeline.run)


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
    out = lay.output_dir(project.year, project.society)
    app = project.model
    if app is None or app.state != "已提交" or project.application.problems:
        return []
    jobs = [Job(lay.templates / "申报表.docx",
                documents.application_context(app, project.society_name,
                                              approval(project, config, index)),
                out / "申报表.docx")]
    plan_file = index.one(kinds.PLAN, (project.year, project.society))
    if (plan_file is not None and isinstance(plan_file.model, ImplementationPlan)
            and plan_file.model.state == "已提交" and not plan_file.problems
            and project.status in (*status.REPORTABLE, *status.FINAL)):
        jobs.append(Job(lay.templates / "实施方案.docx",
                        documents.plan_context(plan_file.model, project.society_name,
                                               str(project.raw.get("项目名称") or "")),
                        out / "实施方案.docx"))
    program = config.programs.get(project.year)
    if project.report is not None and project.status in (status.REPORTED, status.ACCEPTED,
                                                         status.FAILED, status.REPORT_RETURNED):
        jobs.append(report_job(lay, project, project.report))
    if program is not None and project.scores.acceptance_sheets:
        jobs += assessment_jobs(lay, project, program, config)
    return jobs


def report_job(lay: Layout, project: Project, report: Completion) -> Job:
    """结题报告, its photos taken from the project's submission folder (absolute paths)."""
    folder = lay.submission_dir(project.year, project.society).absolute()
    digests = {p.file: photo_digest(files.locate(folder, p.file)) for p in report.photos}
    return Job(lay.templates / "结题报告.docx",
               documents.report_context(project, report, folder, digests),
               lay.output_dir(project.year, project.society) / "结题报告.docx",
               inputs=tuple(files.locate(folder, p.file) for p in report.photos))


def photo_digest(path: Path) -> str:
    """sha256 of a photo; blank if it has gone since validation (rendering then reports it)."""
    try:
        return file_digest(path)
    except OSError:
        return ""


def assessment_jobs(lay: Layout, project: Project, program: Any, config: Config) -> list[Job]:
    """考核表: one per expert and one combined."""
    out = lay.output_dir(project.year, project.society)
    template = lay.templates / "考核表.docx"
    jobs = []
    sheets = project.scores.acceptance_sheets
    names = {s.expert: name_of(config, s.expert) for s in sheets}
    for sheet in sheets:
        name = names[sheet.expert]
        context = documents.assessment_context(
            project, program, [sheet], [(name, sheet.date)],
            scoring.method([sheet], program.trim_at, names))
        jobs.append(Job(template, context, out / f"考核表（{name}）.docx"))
    kept = scoring.kept_sheets(sheets, program.trim_at)
    combined = documents.assessment_context(
        project, program, kept, [(names[s.expert], s.date) for s in sheets],
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
    """立项名单, 验收结果汇总, 财务抽查 and 登记表.xlsx of one year."""
    out = lay.build / str(year)
    program = config.programs.get(year)
    names = {p.id: p.name for p in config.people.people} if config.people else {}
    jobs = [Job(None, {"year": year, "rows": summaries.register_rows(projects)},
                out / "登记表.xlsx")]
    selection = index.selections.get(year)
    if selection and isinstance(selection.model, Selection) and not selection.problems:
        jobs.append(Job(lay.templates / "立项名单.docx",
                        summaries.selection_context(year, projects, selection.model, names),
                        out / "立项名单.docx"))
        if program and any(p.scores.acceptance is not None for p in projects):
            jobs.append(Job(lay.templates / "验收结果汇总.docx",
                            summaries.acceptance_context(year, projects, program),
                            out / "验收结果汇总.docx"))
        check = index.spot_checks.get(year)
        if check and isinstance(check.model, SpotCheck) and not check.problems:
            jobs.append(Job(lay.templates / "财务抽查.docx",
                            summaries.spot_check_context(year, projects, check.model,
                                                         len(selection.model.funded)),
                            out / "财务抽查.docx"))
    return jobs
