"""Reading rendered documents back in body order: sections are headings followed by the
paragraphs and tables up to the next heading (headings are body paragraphs, not table rows)."""

from __future__ import annotations

import re

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

Block = Paragraph | Table
HEADING = re.compile(r"^[一二三四五六七八九十]、")


def blocks(document: DocxDocument) -> list[Block]:
    """The body's paragraphs and tables, in order."""
    found: list[Block] = []
    for child in document.element.body:
        if child.tag == qn("w:p"):
            found.append(Paragraph(child, document))
        elif child.tag == qn("w:tbl"):
            found.append(Table(child, document))
    return found


def sections(document: DocxDocument) -> dict[str, list[Block]]:
    """Each section heading (一、…) with the blocks under it."""
    found: dict[str, list[Block]] = {}
    current: list[Block] | None = None
    for block in blocks(document):
        if isinstance(block, Paragraph) and HEADING.match(block.text):
            current = found.setdefault(block.text, [])
        elif current is not None:
            current.append(block)
    return found


def lines(section: list[Block]) -> list[str]:
    """The texts of a section's paragraphs (outside its tables)."""
    return [block.text for block in section if isinstance(block, Paragraph)]


def tables(section: list[Block]) -> list[Table]:
    return [block for block in section if isinstance(block, Table)]


def grid(table: Table) -> list[list[str]]:
    """A table's cell texts, row by row (a merged cell repeated as python-docx gives it)."""
    return [[cell.text for cell in row.cells] for row in table.rows]


def cell_lines(table: Table, row: int = 0, column: int = 0) -> list[str]:
    return [paragraph.text for paragraph in table.cell(row, column).paragraphs]


class Section:
    """A section read like a table cell: its paragraphs, tables and text."""

    def __init__(self, content: list[Block]) -> None:
        self.paragraphs = [block for block in content if isinstance(block, Paragraph)]
        self.tables = tables(content)
        self.text = "\n".join(p.text for p in self.paragraphs)


def section(document: DocxDocument, heading: str) -> Section:
    """The section under a heading (一、…), as a cell-like view."""
    return Section(sections(document)[heading])
