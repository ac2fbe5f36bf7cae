"""PDFs made by LibreOffice, and their pages checked by machine (tests/pdfcheck.py).

The demo round is rendered and converted once; every page of every PDF is then checked as a
person holding the print-out would: no page ends with a heading, a continued table starts with
its header, no page but the last is more than half empty, every seal box is at least 4.2 cm.
A long 申报表 (30 budget lines, 15 plan steps) shows that the tables break with their headers.
LibreOffice is installed by .ci/install-libreoffice when missing; where that cannot be done
(no root, no apt-get), these tests are skipped and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from pdfcheck import problems, read, seal_boxes
from test_documents import copy_demo
from test_render import sample_context

from pipeline.commands.render import render
from pipeline.core.layout import Layout
from pipeline.documents import pdf
from pipeline.documents.docx import render_bytes

REPO = Path(__file__).resolve().parent.parent
INSTALLER = REPO / ".ci" / "install-libreoffice"

pytestmark = [pytest.mark.slow,     # LibreOffice converts every document
              pytest.mark.libreoffice]


def ensure_office() -> str:
    """LibreOffice's program, installed first if missing; skip (with the reason) if it cannot be."""
    office = pdf.find_office()
    if office is None:
        try:
            done = subprocess.run([str(INSTALLER)], capture_output=True, text=True, timeout=1500,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"LibreOffice 未安装，且 {INSTALLER.name} 无法运行：{exc}")
        office = pdf.find_office()
        if office is None:
            pytest.skip(f"LibreOffice 未安装，且无法自动安装：{done.stderr.strip()[-300:]}")
    return office


@pytest.fixture(scope="module")
def office() -> str:
    return ensure_office()


def header_rows(docx: Path) -> set[str]:
    """The texts of the repeated header rows of a document's tables (as pdfplumber joins them)."""
    found = set()
    for table in Document(str(docx)).tables:
        row = table.rows[0]
        if row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None:
            cells = list(dict.fromkeys(cell._tc for cell in row.cells))
            found.add("".join("".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in cells))
    return found


@pytest.fixture(scope="module")
def demo(office: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_demo(tmp_path_factory.mktemp("pdf") / "tree")
    with open(os.devnull, "w", encoding="utf-8") as sink:
        assert render(Layout(root), sink, pdf=True)[0] == 0
    return root


def documents(root: Path) -> list[Path]:
    return sorted((root / "build").glob("2022/**/*.docx"))


def test_every_document_has_its_pdf(demo: Path) -> None:
    docs = documents(demo)
    assert len(docs) == 31
    for docx in docs:
        assert docx.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-", docx


@pytest.mark.parametrize("name", ["申报表", "结题报告", "考核表（汇总）", "立项名单", "验收结果汇总",
                                  "财务抽查"])
def test_pages_are_print_ready(demo: Path, name: str) -> None:
    checked = [docx for docx in documents(demo) if docx.stem == name]
    assert checked
    for docx in checked:
        assert problems(docx.with_suffix(".pdf"), header_rows(docx)) == [], docx


def test_every_assessment_sheet_is_one_page(demo: Path) -> None:
    sheets = [docx for docx in documents(demo) if docx.stem.startswith("考核表")]
    assert len(sheets) == 15
    assert {len(read(docx.with_suffix(".pdf"))) for docx in sheets} == {1}


def test_seal_boxes_are_at_least_4_2_cm(demo: Path) -> None:
    boxes = {docx.stem: seal_boxes(read(docx.with_suffix(".pdf"))) for docx in documents(demo)
             if "考核表" not in docx.stem}
    assert len(boxes["申报表"]) == 2 and len(boxes["结题报告"]) == 1
    assert all(len(found) == 1 for name, found in boxes.items() if name in ("立项名单", "财务抽查"))
    for name, found in boxes.items():
        for page, width, height in found:
            assert width >= 4.2 and height >= 4.2, (name, page, width, height)


def test_a_long_application_breaks_its_tables_under_their_headers(
        office: str, tmp_path: Path) -> None:
    context = sample_context() | {
        "theme": ["以“党建+科普”为主线，组织党员专家走进社区开展科普讲座、展览和咨询。" * 4] * 6,
        "plan": [{"time": f"2022-{month:02d}", "content": "开展一场科普进社区活动，" * 6}
                 for month in range(1, 16)],
        "budget": [{"no": str(i), "item": f"第{i}项支出", "amount": "600",
                    "note": "科普手册印制与发放，" * 3} for i in range(1, 31)],
    }
    docx = tmp_path / "申报表.docx"
    docx.write_bytes(render_bytes(REPO / "templates" / "申报表.docx", context))
    converted = pdf.convert([docx], tmp_path / "cache", program=office)
    assert converted.failed == {}
    pages = read(docx.with_suffix(".pdf"))
    assert len(pages) >= 6
    assert problems(docx.with_suffix(".pdf"), header_rows(docx)) == []
    budget_pages = [page for page in pages if any(line.text.startswith("序号项目金额")
                                                  for line in page.lines)]
    assert len(budget_pages) >= 2            # the budget runs on, its header on every page


def test_conversion_is_cached_by_the_docx_bytes(demo: Path, office: str) -> None:
    docs = documents(demo)
    before = {docx: docx.with_suffix(".pdf").stat().st_mtime_ns for docx in docs}
    again = pdf.convert(docs, demo / "build" / ".cache" / "pdf", program=office)
    assert again.written == [] and len(again.unchanged) == len(docs) and again.failed == {}
    assert {docx: docx.with_suffix(".pdf").stat().st_mtime_ns for docx in docs} == before


def test_a_document_that_is_not_word_gets_a_reason(office: str, tmp_path: Path) -> None:
    fake = tmp_path / "坏.docx"
    fake.write_bytes(b"\x00\x01 not a document")
    converted = pdf.convert([fake], tmp_path / "cache", program=office)
    assert fake in converted.failed and "LibreOffice" in converted.failed[fake]
    assert not fake.with_suffix(".pdf").exists()


def test_without_libreoffice_the_message_says_how_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QIANGHUI_SOFFICE", str(tmp_path / "没有这个程序"))
    docx = tmp_path / "a.docx"
    shutil.copyfile(REPO / "templates" / "申报表.docx", docx)
    with pytest.raises(pdf.PdfError, match="未找到 LibreOffice.*install-libreoffice"):
        pdf.convert([docx], tmp_path / "cache")
