"""结题报告 (submissions/<年度>/<学会>/completion.yaml): its shape, goals and finance against the application, the photos, and (warnings) its activities against the plan reported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pipeline.core import layout
from pipeline.core.layout import FileKind, Layout
from pipeline.core.rules import (
    Rule,
    apply,
    check_finance,
    check_goals,
    check_identity,
)
from pipeline.errors import Finding
from pipeline.forms import files
from pipeline.forms.blanks import REPORT_EXAMPLES
from pipeline.forms.loading import Config, FileResult, load_form, loaded
from pipeline.forms.plan import report_against_plan, reported_plan
from pipeline.forms.scaffold import examples_left
from schemas.application import Application
from schemas.completion import Completion
from schemas.decision import Selection


def application_of(lay: Layout, year: int, society: str, config: Config) -> Application | None:
    path = lay.application(year, society)
    if not path.exists():
        return None
    model = loaded(lay, path, layout.APPLICATION, Application, config).model
    return model if isinstance(model, Application) else None


def grant_of(lay: Layout, year: int, society: str, config: Config, app: Application) -> Decimal:
    """The amount funded: the approved selection's 资助金额, else what was applied for."""
    path = lay.selection(year)
    selection = loaded(lay, path, layout.SELECTION, Selection, config).model if path.exists() else None
    if isinstance(selection, Selection):
        for entry in selection.funded:
            if entry.society == society:
                return entry.amount
    return app.amount


def validate_completion(lay: Layout, path: Path, kind: FileKind, config: Config,
                        today: date) -> FileResult:
    """结题报告: its own shape, then goals and finance against the application on what parsed
    (hints while a draft) and, once submitted, the photos (the status machine separately
    refuses a report for a project not 已立项)."""
    result, doc = load_form(path, lay.rel(path), layout.COMPLETION, Completion)
    if doc is None or not isinstance(doc.data, dict) or not kind.year or not kind.society:
        return result
    findings = check_identity(doc.data.get("年度"), doc.data.get("学会"), folder_year=kind.year,
                              folder_society=kind.society, registry=config.registry)
    report, partial = result.parsed, result.model is None
    state = getattr(report, "state", None)
    app = application_of(lay, kind.year, kind.society, config)
    if isinstance(report, Completion) and state is not None and app is not None:
        grant = grant_of(lay, kind.year, kind.society, config, app)
        rules: list[Rule] = [lambda: check_goals(report, app), lambda: check_finance(report, app, grant)]
        plan = reported_plan(lay, kind.year, kind.society, config)
        if plan is not None:
            result.add(report_against_plan(report, plan), warning=True)
        if state == "草稿":          # hints while drafting, never failing
            result.add(apply(rules, partial=True), warning=True)
        else:
            rules.append(lambda: report_files(path.parent, report))
            findings += apply(rules, partial=partial) + examples_left(doc, REPORT_EXAMPLES)
    result.add(findings)
    return result


def report_files(folder: Path, report: Completion) -> list[Finding]:
    """Activity photos (jpg/png ≤ 3 MB each, by content) and the optional attachment."""
    found = []
    for i, photo in enumerate(report.photos):
        message = files.check_reference(folder, photo.file, files.IMAGE)
        if message:
            found.append(Finding(("活动照片", i), "file-invalid", message))
    if report.attachment:
        message = files.check_reference(folder, report.attachment, files.ATTACHMENT)
        if message:
            found.append(Finding(("附件",), "file-invalid", message))
    return found
