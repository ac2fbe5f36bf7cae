"""Bordered, fixed-layout tables and their docxtpl-repeated rows.

A repeated row is three rows in the template: ``{%tr for … %}``, the item row and
``{%tr endfor %}``; docxtpl drops the two tag rows and repeats the middle one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from templates.style import (
    BODY,
    CENTER,
    LABEL,
    LEFT,
    TABLE_BODY,
    TABLE_LABEL,
    Container,
    Font,
    add_par,
)

BORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblPrChange")


def set_table_layout(table: Table, widths_cm: Sequence[float], borders: bool = True) -> None:
    """Fix the table width, its grid and every cell width; draw single black borders (or none)."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    width.set(qn("w:w"), str(round(Cm(sum(widths_cm)).twips)))
    width.set(qn("w:type"), "dxa")
    lines = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{edge}")
        style = (("val", "single"), ("sz", "6"), ("space", "0"), ("color", "000000"))
        for key, value in style if borders else (("val", "nil"),):
            border.set(qn(f"w:{key}"), value)
        lines.append(border)
    tbl_pr.insert_element_before(lines, *BORDERS_SUCCESSORS)
    for column, width_cm in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width_cm)
        for cell in column.cells:
            cell.width = Cm(width_cm)


def new_table(
    container: Container, rows: int, widths_cm: Sequence[float], borders: bool = True
) -> Table:
    """Add a fixed-layout table, bordered unless told otherwise."""
    table = container.add_table(rows=rows, cols=len(widths_cm))
    set_table_layout(table, widths_cm, borders)
    return table


def set_row(row_index: int, table: Table, height_cm: float, keep_together: bool) -> None:
    """Give a row a minimum height; optionally forbid it to break across pages."""
    row = table.rows[row_index]
    row.height = Cm(height_cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    if keep_together:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def keep_with_next(row: _Row) -> None:
    """Keep a row on the page of the row or paragraph after it: Word's way, keep-with-next on
    every paragraph in it (those of nested tables too)."""
    for par in row._tr.iter(qn("w:p")):
        Paragraph(par, row).paragraph_format.keep_with_next = True


def fill_cell(
    cell: _Cell, *parts: str, font: Font = BODY, align: int = CENTER, line: float = 0
) -> None:
    """Write one vertically centred paragraph into a cell; ``line`` 0 is 1.6 times the font."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    add_par(cell, *parts, font=font, align=align, line=line or font.size * 1.6)


def add_cells(table: Table, widths_cm: Sequence[float], height_cm: float) -> list[_Cell]:
    """Append a row that cannot break across pages; return its cells."""
    cells = table.add_row().cells
    for cell, width in zip(cells, widths_cm, strict=True):
        cell.width = Cm(width)
    set_row(len(table.rows) - 1, table, height_cm, keep_together=True)
    return cells


def add_wide_row(table: Table, widths_cm: Sequence[float]) -> _Cell:
    """Append a row whose one cell spans the whole table (the caller sets its height)."""
    cells = table.add_row().cells
    for cell, width in zip(cells, widths_cm, strict=True):
        cell.width = Cm(width)
    return span(cells, 0, len(cells) - 1)


def span(cells: Sequence[_Cell], first: int, last: int) -> _Cell:
    """Merge ``cells[first..last]`` (inclusive) into one cell."""
    return cells[first] if first == last else cells[first].merge(cells[last])


def add_heading(cell: _Cell, text: str) -> None:
    """A section heading row (一、…) in 黑体; Word keeps the row with the next one."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    add_par(cell, text, font=LABEL, align=LEFT).paragraph_format.keep_with_next = True


def add_section_heading(container: Container, text: str) -> Paragraph:
    """A section heading (一、…) in 黑体 in the body, kept on the page of what follows it.

    Headings and labels are body paragraphs, never table rows: LibreOffice keeps a paragraph
    with the next one (or the next table's first row) but has no keep-with-next for rows."""
    par = add_par(container, text, font=LABEL, align=LEFT)
    par.paragraph_format.keep_with_next = True
    par.paragraph_format.space_before = Pt(LABEL.size / 2)
    return par


def add_keep_together(table: Table) -> None:
    """Keep every row of a (short) table on one page: each row but the last keeps with the next
    (Word; LibreOffice keeps a table whose rows all do with what follows, chaining sections),
    and no row splits."""
    for index, row in enumerate(table.rows):
        if index < len(table.rows) - 1:
            keep_with_next(row)
        if row._tr.trPr is None or row._tr.trPr.find(qn("w:cantSplit")) is None:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


SEAL_CM = 4.4       # a round official seal is 4.2 cm across: room for it, and a margin


def set_cell_borders(cell: _Cell, style: str, color: str = "000000") -> None:
    """Draw a cell's four borders in ``style`` (single, dashed, nil) whatever the table's."""
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for edge in ("top", "left", "bottom", "right"):
        border = OxmlElement(f"w:{edge}")
        border.set(qn("w:val"), style)
        if style != "nil":
            for key, value in (("sz", "6"), ("space", "0"), ("color", color)):
                border.set(qn(f"w:{key}"), value)
        borders.append(border)
    successors = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                  "w:hideMark")
    tc_pr.insert_element_before(borders, *successors)


def add_seal_table(container: Container, widths_cm: Sequence[float],
                   framed: bool = True) -> tuple[_Cell, _Cell]:
    """A one-row table that never breaks: the text on the left, the seal box on the right.

    The box is the right cell, ``widths_cm[-1]`` wide (at least ``SEAL_CM``) and at least
    ``SEAL_CM`` high. ``framed`` draws the whole table; otherwise only the box, dashed (the
    落款 of a year document). Returns the text cell and the seal cell."""
    table = new_table(container, 1, widths_cm, borders=framed)
    set_row(0, table, SEAL_CM, keep_together=True)
    text, seal = table.rows[0].cells
    if not framed:
        set_cell_borders(seal, "dashed", "808080")
    text.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    seal.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    return text, seal


@dataclass(frozen=True)
class ListTable:
    """A table with a header row and one docxtpl-repeated row per item."""

    header: tuple[str, ...]
    widths_cm: tuple[float, ...]
    loop: str  # the for clause, e.g. "step in plan"
    cells: tuple[str, ...]
    aligns: tuple[int, ...]
    label: Font = TABLE_LABEL
    body: Font = TABLE_BODY
    height_cm: float = 0.9
    line: float = 0  # exact line height in points; 0 is 1.6 times the font size


def add_list_table(container: Container, spec: ListTable) -> Table:
    """Rows: header (repeated on each page), ``{%tr for %}``, the item row, ``{%tr endfor %}``."""
    table = new_table(container, 4, spec.widths_cm)
    header, start, item, end = table.rows
    for target, text in zip(header.cells, spec.header, strict=True):
        fill_cell(target, text, font=spec.label, line=spec.line)
        target.paragraphs[0].paragraph_format.keep_with_next = True  # not alone at a page end
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    fill_cell(start.cells[0], f"{{%tr for {spec.loop} %}}", font=spec.body)
    for target, text, align in zip(item.cells, spec.cells, spec.aligns, strict=True):
        fill_cell(target, text, font=spec.body, align=align, line=spec.line)
    fill_cell(end.cells[0], "{%tr endfor %}", font=spec.body)
    for index in range(4):
        set_row(index, table, spec.height_cm, keep_together=True)
    return table


def add_field_rows(
    table: Table, rows: Sequence[tuple[str, ...]], first: int = 0, height_cm: float = 1.1
) -> None:
    """Label/value rows of a form: one column per text, the last text spanning the rest.

    So ``(label, value)`` gives a value across the row and ``(label, value, label, value)``
    two pairs. A text holding a tag is a value in ``BODY``, any other a label in ``LABEL``.
    """
    for index, texts in enumerate(rows, start=first):
        cells = table.rows[index].cells
        targets = [*cells[: len(texts) - 1], span(cells, len(texts) - 1, len(cells) - 1)]
        for cell, text in zip(targets, texts, strict=True):
            fill_cell(cell, text, font=LABEL if "{{" not in text else BODY)
        set_row(index, table, height_cm, keep_together=True)


def add_label_row(
    table: Table,
    widths_cm: Sequence[float],
    split: int,
    label: str,
    *value: str,
    align: int = CENTER,
    height_cm: float = 0.9,
    fonts: tuple[Font, Font] = (TABLE_LABEL, TABLE_BODY),
    line: float = 0,
) -> _Cell:
    """Append a row: ``label`` over the first ``split`` columns, ``value`` over the rest.

    ``fonts`` are the label's and the value's; ``line`` as in ``fill_cell``.
    """
    cells = add_cells(table, widths_cm, height_cm)
    fill_cell(span(cells, 0, split - 1), label, font=fonts[0], line=line)
    target = span(cells, split, len(cells) - 1)
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if value:
        fill_cell(target, *value, font=fonts[1], align=align, line=line)
    return target


def add_tag_row(table: Table, widths_cm: Sequence[float], tag: str) -> None:
    """Append a row holding only a ``{%tr … %}`` tag; docxtpl removes the row itself."""
    fill_cell(add_cells(table, widths_cm, 0.5)[0], tag, font=TABLE_BODY)


def add_seal_lines(seal: _Cell, *lines: str, font: Font = BODY) -> None:
    """The seal box's text, centred: blank room for the seal, then ``（盖章）`` and ``lines``
    (the issuer, the date: a seal is pressed over them)."""
    for text in ("（盖章）", *lines):
        add_par(seal, text, font=font, align=CENTER)


ISSUER = "湖北省科协科技社团党委"


def add_sign_off(container: Container, width_cm: float, date: str, issuer: str = ISSUER) -> _Cell:
    """The 落款 of a document: ``issuer`` (default: the association's office) and ``date`` in a
    dashed seal box at the right, kept on one page; returns the (borderless) cell on its left,
    for an approval's text."""
    text, seal = add_seal_table(container, (width_cm - SEAL_CM - 1.8, SEAL_CM + 1.8),
                                framed=False)       # the issuer's name on one line
    add_seal_lines(seal, issuer, date)
    return text


def add_field_section(document: Container, heading: str, fields: Sequence[tuple[str, ...]],
                      widths_cm: Sequence[float]) -> Table:
    """A numbered section of label/value rows (``add_field_rows``), with the blank line after."""
    add_section_heading(document, heading)
    table = new_table(document, len(fields), widths_cm)
    add_field_rows(table, fields)
    add_par(document, "", line=12)
    return table
