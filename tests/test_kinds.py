"""The table of kinds (pipeline/core/kinds.py) is the registry the rest reads: every document it
declares has a template builder and a planner that resolve, and every template in templates/ is
one of its documents."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from pipeline.core import kinds

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("document", kinds.DOCUMENTS, ids=lambda d: d.name)
def test_every_document_resolves(document: kinds.DocumentKind) -> None:
    assert callable(kinds.resolve(document.planner))
    assert document.per in ("project", "year")
    assert set(document.sources) <= set(kinds.BY_NAME), document.sources
    if document.builder:
        module = importlib.import_module(document.builder)
        assert module.NAME == f"{document.name}.docx"


def test_templates_folder_holds_exactly_the_documents_with_builders() -> None:
    declared = {f"{d.name}.docx" for d in kinds.DOCUMENTS if d.builder}
    assert {p.name for p in (ROOT / "templates").glob("*.docx")} == declared


def test_a_document_of_the_table_is_planned_from_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Removing a row removes the document: planning reads the table, not a list of its own."""
    from pipeline.core.layout import Layout
    from pipeline.core.projects import Index
    from pipeline.documents import plan
    from pipeline.run import evaluate

    lay = Layout(ROOT)
    validation, projects, config = evaluate(lay, None)

    def planned() -> set[str]:
        return {job.output.name for job in
                plan.plan(lay, projects, config, Index.of(validation), {2022})}

    every = planned()
    assert {"立项名单.docx", "申报表.docx", "登记表.xlsx"} <= every
    monkeypatch.setattr(kinds, "DOCUMENTS",
                        tuple(d for d in kinds.DOCUMENTS if d.name != "立项名单"))
    fewer = planned()
    assert every - fewer == {"立项名单.docx"}
