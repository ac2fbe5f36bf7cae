"""Checks of printed pages, read back from PDFs with pdfplumber.

A page is its text lines (words grouped by their baseline), its tables (pdfplumber's finder on
the drawn borders) and its edges (every line and rectangle side). The checks are those a person
makes when holding the print-out: no page ends with a heading, a table continued from the page
before starts with its header row, no page but the last is more than half empty, and every
seal box (a box around “（盖章）”) is at least 4.2 cm each way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber

CM = 72 / 2.54
SEAL_CM = 4.2
# the body's top and bottom margins (templates/pages.py): portrait, landscape
MARGINS_CM = {False: (3.7, 3.5), True: (2.8, 2.6)}
HEADING = re.compile(r"^([一二三四五六七八九十]、|（[一二三四五六七]）)")
FOOTER = re.compile(r"^(— \d+ —|—\d+—|数据版本)")


@dataclass(frozen=True)
class Line:
    text: str
    top: float
    bottom: float
    x0: float
    x1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[Any]           # pdfplumber Table objects (bbox, rows)
    edges: list[dict[str, Any]]
    images: list[dict[str, Any]]

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def area(self) -> tuple[float, float]:
        """The top and bottom of the text area, in points from the top of the page."""
        top, bottom = MARGINS_CM[self.landscape]
        return top * CM, self.height - bottom * CM

    @property
    def body(self) -> list[Line]:
        """The lines of the text area (the footer left out)."""
        return [line for line in self.lines if not FOOTER.match(line.text)
                and line.top < self.area[1] + 2]


def read(path: Path) -> list[Page]:
    """Every page of a PDF."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages, 1):
            words = page.extract_words(keep_blank_chars=True, use_text_flow=False)
            pages.append(Page(index, float(page.width), float(page.height), group(words),
                              page.find_tables(), list(page.edges), list(page.images)))
    return pages


def group(words: Iterable[dict[str, Any]]) -> list[Line]:
    """Words on one baseline (within 3 pt), left to right, as lines from the top."""
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["bottom"]), w["x0"])):
        if rows and abs(rows[-1][0]["bottom"] - word["bottom"]) <= 3:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [Line("".join(w["text"] for w in sorted(row, key=lambda w: w["x0"])).strip(),
                 min(w["top"] for w in row), max(w["bottom"] for w in row),
                 min(w["x0"] for w in row), max(w["x1"] for w in row))
            for row in rows if "".join(w["text"] for w in row).strip()]


def in_table(line: Line, page: Page) -> Any | None:
    """The table a line lies in, if any."""
    for table in page.tables:
        x0, top, x1, bottom = table.bbox
        if top - 1 <= line.top and line.bottom <= bottom + 1 and x0 - 1 <= line.x0:
            return table
    return None


def ends_with_heading(pages: list[Page]) -> list[str]:
    """Pages (but the last) whose last line is a heading or sub-heading outside any table."""
    found = []
    for page in pages[:-1]:
        body = page.body
        if body and HEADING.match(body[-1].text) and in_table(body[-1], page) is None:
            found.append(f"第 {page.number} 页以标题结尾：{body[-1].text}")
    return found


def first_row_text(table: Any) -> str:
    rows = table.extract()
    return "".join(cell or "" for cell in rows[0]).replace("\n", "") if rows else ""


def continued_without_header(pages: list[Page], headers: set[str]) -> list[str]:
    """Pages whose first line is inside a table that did not start there with a header row.

    A table that runs on from the page before is one whose first row is not a header
    (``headers``: the header rows' texts) while the page before ended inside a table."""
    found = []
    for before, page in zip(pages, pages[1:], strict=False):
        body, previous = page.body, before.body
        if not body or not previous or in_table(previous[-1], before) is None:
            continue
        table = in_table(body[0], page)
        if table is not None and first_row_text(table) not in headers:
            found.append(f"第 {page.number} 页的续表没有表头：{first_row_text(table)[:30]}")
    return found


def content_bottom(page: Page) -> float:
    """The lowest point of the text area's content: text, pictures and table borders."""
    bottoms = [line.bottom for line in page.body]
    bottoms += [float(image["bottom"]) for image in page.images]
    bottoms += [float(edge["bottom"]) for edge in page.edges if edge["bottom"] < page.area[1] + 2]
    return max(bottoms, default=page.area[0])


def half_empty(pages: list[Page]) -> list[str]:
    """Pages but the last whose content ends above the middle of the text area."""
    found = []
    for page in pages[:-1]:
        top, bottom = page.area
        used = (content_bottom(page) - top) / (bottom - top)
        if used < 0.5:
            found.append(f"第 {page.number} 页只用了 {used:.0%}")
    return found


def seal_boxes(pages: list[Page]) -> list[tuple[int, float, float]]:
    """Every box around a “（盖章）”: (page, width cm, height cm), from the nearest edges."""
    found = []
    for page in pages:
        for line in page.lines:
            if "（盖章）" not in line.text:
                continue
            middle_x, middle_y = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
            left = nearest(page.edges, "v", middle_x, middle_y, before=True)
            right = nearest(page.edges, "v", middle_x, middle_y, before=False)
            top = nearest(page.edges, "h", middle_y, middle_x, before=True)
            bottom = nearest(page.edges, "h", middle_y, middle_x, before=False)
            if None in (left, right, top, bottom):
                found.append((page.number, 0.0, 0.0))
                continue
            assert left is not None and right is not None and top is not None and bottom is not None
            found.append((page.number, (right - left) / CM, (bottom - top) / CM))
    return found


def nearest(edges: list[dict[str, Any]], orientation: str, at: float, across: float,
            before: bool) -> float | None:
    """The nearest edge of ``orientation`` (v/h) before or after ``at`` that spans ``across``
    (a dashed border is many short edges: any one of them that spans counts)."""
    best: float | None = None
    for edge in edges:
        if edge["orientation"] != orientation:
            continue
        if orientation == "v":
            position, low, high = float(edge["x0"]), float(edge["top"]), float(edge["bottom"])
        else:
            position, low, high = float(edge["top"]), float(edge["x0"]), float(edge["x1"])
        near_enough = low - 40 <= across <= high + 40   # dashes leave gaps
        if not near_enough or (position >= at if before else position <= at):
            continue
        if best is None or abs(position - at) < abs(best - at):
            best = position
    return best


def problems(path: Path, headers: set[str]) -> list[str]:
    """Everything wrong with the pages of one PDF, in words."""
    pages = read(path)
    small = [f"第 {page} 页的盖章框只有 {w:.1f} × {h:.1f} cm"
             for page, w, h in seal_boxes(pages) if w < SEAL_CM or h < SEAL_CM]
    return (ends_with_heading(pages) + continued_without_header(pages, headers)
            + half_empty(pages) + small)
