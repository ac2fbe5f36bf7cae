"""申报表 (submissions/<年度>/<学会>/application.yaml): its shape, the rules of the call (amount,
categories, budget), the society's registration, the files it references, no example text left."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.core import layout
from pipeline.core.layout import FileKind, Layout
from pipeline.core.rules import application_rules, apply, check_identity
from pipeline.errors import Finding
from pipeline.forms import files
from pipeline.forms.loading import Config, FileResult, load_form
from pipeline.forms.scaffold import PLACEHOLDERS, examples_left
from schemas.application import Application


def validate_application(lay: Layout, path: Path, kind: FileKind, config: Config,
                         today: date) -> FileResult:
    """申报表: schema, folder identity, and every rule on what parsed — once submitted also the
    referenced files; a draft's rule findings are warnings."""
    result, doc = load_form(path, lay.rel(path), layout.APPLICATION, Application)
    config.loaded[lay.rel(path)] = result
    if doc is None or not isinstance(doc.data, dict):
        return result
    assert kind.year is not None and kind.society is not None
    findings = check_identity(doc.data.get("年度"), doc.data.get("学会"), folder_year=kind.year,
                              folder_society=kind.society, registry=config.registry)
    app, partial = result.parsed, result.model is None
    state = getattr(app, "state", None)
    if isinstance(app, Application) and state is not None and not findings:
        program = config.programs.get(getattr(app, "year", kind.year))
        rules = application_rules(app, program, config.registry, today)
        if state == "草稿":          # hints while drafting, never failing
            result.add(apply(rules, partial=True), warning=True)
        else:
            rules.append(lambda: check_references(path.parent, app))
            findings += apply(rules, partial=partial)
            findings += examples_left(doc, PLACEHOLDERS)
    result.add(findings)
    return result


def check_references(folder: Path, app: Application) -> list[Finding]:
    """盖章页 (image ≤ 3 MB) and 附件 (≤ 100 MB) exist inside the folder and are what they claim."""
    found = []
    for key, ref, rule in (("盖章页", app.stamp, files.IMAGE), ("附件", app.attachment, files.ATTACHMENT)):
        message = files.check_reference(folder, ref, rule) if ref else None
        if message:
            found.append(Finding((key,), "file-invalid", message))
    return found
