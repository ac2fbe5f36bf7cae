"""The one table of form kinds: every file the round is made of, declared once.

Each kind says where it lives (a path template, from which the path pattern, the editor's glob
and the whole-tree listing derive), its model, its validator, which rule of the history check
governs who may change it and when, its part in a project's status and its Chinese label;
DOCUMENTS then declares each official document: the kinds it is made from, its template's
builder and its planner. layout, forms.validate, forms.schema_export, history.check,
history.snapshot, history.narrative, core.projects, documents.plan and templates.build_templates
read their registries from here.

Models and validators are named as "module:attribute" and resolved on first use, so this module
(and the path classification every command needs) imports nothing but the standard library.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class FormKind:
    name: str               # the kind's id, as in FileKind.kind and the JSON Schema names
    label: str              # what users call it (messages, `qianghui history`)
    path: str               # the path template: {year}, {society}, {expert}, {name}; {rest} any path
    rule: str               # the history.check.Check method judging a change (who, when);
                            # "" for the engine's files, which only maintainers change
    model: str = ""         # "module:Model" of its Pydantic model ("" for attachments, templates)
    validator: str = ""     # "module:function" of its validator ("" when it is not a form)
    schema: str = ""        # its JSON Schema's name (default: the kind's name; sheets share one)
    draftable: bool = False  # 状态: 草稿 may be saved incomplete
    per_year_schema: bool = False  # the year is in the path, not the file: a schema per year
    per: str = ""           # how it is filed: project (one per project), sheets (one per expert
                            # and project), year (one per year), "" (not a round file)
    status: str = ""        # its part in a project's status ("" when it plays none)
    title: str = ""         # its editor schema's title (default: the label)

    @property
    def pattern(self) -> re.Pattern[str]:
        return _pattern(self.path)

    @property
    def glob(self) -> str:
        return re.sub(r"\{[a-z]+\}", "*", self.path)

    @property
    def schema_name(self) -> str:
        return self.schema or self.name

    def at(self, **parts: object) -> str:
        """The repository path of this kind for a year, society, expert."""
        return self.path.format(**parts)


@cache
def _pattern(template: str) -> re.Pattern[str]:
    fields = {"year": r"(?P<year>\d{4})", "rest": r".+"}
    out, pos = "^", 0
    for m in re.finditer(r"\{([a-z]+)\}", template):
        out += re.escape(template[pos:m.start()]) + fields.get(m[1], rf"(?P<{m[1]}>[^/]+)")
        pos = m.end()
    return re.compile(out + re.escape(template[pos:]) + "$")



# In matching order: the first kind whose pattern matches a path is its kind (the catch-all
# submission-file comes after the forms beside it).
KINDS: tuple[FormKind, ...] = (
    FormKind("application", "申报表", "submissions/{year}/{society}/application.yaml",
             "application", "schemas.application:Application", "pipeline.forms.application:validate_application",
             draftable=True, per="project", status="application",
             title="“党建强会计划”项目申报表"),
    FormKind("completion", "结题报告", "submissions/{year}/{society}/completion.yaml",
             "completion", "schemas.completion:Completion", "pipeline.forms.completion:validate_completion",
             draftable=True, per="project", status="report"),
    FormKind("plan", "实施方案", "submissions/{year}/{society}/plan.yaml", "plan",
             "schemas.plan:ImplementationPlan", "pipeline.forms.plan:validate_plan",
             draftable=True, per="project", status="plan"),
    FormKind("submission-file", "材料", "submissions/{year}/{society}/{rest}", "submission_file"),
    FormKind("decision", "审核决定", "reviews/{year}/{society}/decision.yaml", "admin",
             "schemas.decision:Decision", "pipeline.forms.decision:validate_decision", per="project",
             status="decision"),
    FormKind("panel", "立项评审评分表", "reviews/{year}/{society}/panel/{expert}.yaml", "expert",
             "schemas.sheets:ScoreSheet", "pipeline.forms.sheets:validate_sheet", schema="score-sheet",
             per_year_schema=True, per="sheets"),
    FormKind("acceptance", "考核表", "reviews/{year}/{society}/acceptance/{expert}.yaml", "expert",
             "schemas.sheets:ScoreSheet", "pipeline.forms.sheets:validate_sheet", schema="score-sheet",
             per_year_schema=True, per="sheets", status="acceptance"),
    FormKind("survey", "问卷调查与民主测评", "reviews/{year}/{society}/survey.yaml", "survey",
             "schemas.sheets:Survey", "pipeline.forms.survey:validate_survey", per="project"),
    FormKind("selection", "立项名单", "reviews/{year}/selection.yaml", "admin",
             "schemas.decision:Selection", "pipeline.forms.selection:validate_selection", per_year_schema=True,
             per="year", status="selection"),
    FormKind("spot-check", "财务抽查", "reviews/{year}/spot-check.yaml", "admin",
             "schemas.sheets:SpotCheck", "pipeline.forms.spot_check:validate_spot_check", per="year"),
    FormKind("program", "年度申报通知", "config/program-{year}.yaml", "admin",
             "schemas.program:Program", status="program"),
    FormKind("societies", "学会名录", "config/societies.yaml", "admin", "schemas.registry:Registry"),
    FormKind("people", "人员与权限", "config/people.yaml", "admin", "schemas.registry:People"),
    FormKind("template", "文档模板", "templates/{name}.docx", ""),   # engine: maintainers
)



@dataclass(frozen=True)
class DocumentKind:
    """One official document: the forms it is made from, whose it is (one per project, or one
    per year), the module under templates/ that builds its template (NAME, build()), and the
    planner that says which of it the loaded files have earned (documents.plan calls every
    planner of its scope in this order)."""

    name: str               # its file stem in templates/ and build/
    sources: tuple[str, ...]  # the form kinds it is made from
    per: str                # "project" or "year"
    planner: str            # "module:function" (lay, project|year…, config, index) → [Job]
    builder: str = ""       # the templates/ module building its .docx ("" for the .xlsx register)


_PLAN = "pipeline.documents.plan"
DOCUMENTS: tuple[DocumentKind, ...] = (
    DocumentKind("申报表", ("application", "selection"), "project", f"{_PLAN}:application_jobs",
                 "templates.application"),
    DocumentKind("实施方案", ("plan",), "project", f"{_PLAN}:plan_jobs", "templates.implementation"),
    DocumentKind("结题报告", ("completion",), "project", f"{_PLAN}:report_jobs",
                 "templates.completion"),
    DocumentKind("考核表", ("acceptance",), "project", f"{_PLAN}:assessment_jobs",
                 "templates.assessment"),
    DocumentKind("登记表", ("application", "decision", "panel", "selection", "acceptance"), "year",
                 f"{_PLAN}:register_jobs"),
    DocumentKind("立项名单", ("selection", "panel"), "year", f"{_PLAN}:selection_jobs", "templates.selection"),
    DocumentKind("验收结果汇总", ("acceptance", "selection"), "year", f"{_PLAN}:acceptance_jobs",
                 "templates.acceptance"),
    DocumentKind("财务抽查", ("spot-check", "selection"), "year", f"{_PLAN}:spot_check_jobs",
                 "templates.spotcheck"),
)


def documents(per: str) -> list[DocumentKind]:
    """The documents of one scope ("project" or "year"), in planning order."""
    return [d for d in DOCUMENTS if d.per == per]


def documents_of(kind: str) -> list[str]:
    """The documents a form kind goes into (what `qianghui new` and the README say it earns)."""
    return [d.name for d in DOCUMENTS if kind in d.sources]


BY_NAME: dict[str, FormKind] = {k.name: k for k in KINDS}
PLAN = "plan"


def of(name: str) -> FormKind:
    return BY_NAME[name]


def resolve(ref: str) -> Any:
    """The object a "module:attribute" reference names."""
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(module), attribute)


def forms() -> list[FormKind]:
    """The kinds that are validated forms of a round (not config, attachments or templates)."""
    return [k for k in KINDS if k.validator]


_STATUS_PATHS = tuple(k.path for k in KINDS if k.status and k.per != "sheets")


@cache
def status_paths(year: int | str, society: str) -> tuple[str, ...]:
    """The files of one project (beside the acceptance sheets) that decide its status
    (remembered: the history walk asks for them at every commit that touches the project)."""
    return tuple(path.format(year=year, society=society) for path in _STATUS_PATHS)
