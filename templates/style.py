"""Fonts, runs and paragraphs in the style of Chinese official documents (GB/T 9704).

Every run names its font for the ascii, hAnsi, eastAsia and cs scripts, so Word never falls
back to 宋体. Template tags are written as whole runs, so docxtpl never has to stitch a tag
back together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.run import CT_R
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

LINE_PT = 28.0
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
GAP = "　　　　"  # full-width spaces between a signature and its date
Container = DocxDocument | _Cell
LEFT, CENTER, RIGHT = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY


@dataclass(frozen=True)
class Font:
    """One typeface role: a font name (used for every script) and a size in points."""

    name: str
    size: float


TITLE = Font("方正小标宋简体", 22)  # 二号
SMALL_TITLE = Font("方正小标宋简体", 18)  # 小二, for a one-page form
SUBTITLE = Font("楷体_GB2312", 16)  # 三号
LABEL = Font("黑体", 14)  # 四号
SUBHEADING = Font("楷体_GB2312", 14)
BODY = Font("仿宋_GB2312", 14)
TABLE_LABEL = Font("黑体", 12)  # 小四, inside nested tables
TABLE_BODY = Font("仿宋_GB2312", 12)
SMALL_LABEL = Font("黑体", 10.5)  # 五号, for tables of many columns
SMALL_BODY = Font("仿宋_GB2312", 10.5)
PAGE_NUMBER = Font("宋体", 14)


def set_font(rpr: CT_RPr, font: Font) -> None:
    """Name ``font`` for the ascii, hAnsi, eastAsia and cs scripts of a run's ``w:rPr``."""
    fonts = rpr.get_or_add_rFonts()
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)  # a theme font would win over the name
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), font.name)
    fonts.set(qn("w:hint"), "eastAsia")  # “” and ☑ are then drawn with the Chinese font
    size = rpr.get_or_add_sz()
    size.set(qn("w:val"), str(round(font.size * 2)))
    complex_size = rpr.find(qn("w:szCs"))
    if complex_size is None:
        complex_size = OxmlElement("w:szCs")
        size.addnext(complex_size)
    complex_size.set(qn("w:val"), str(round(font.size * 2)))


def format_paragraph(par: Paragraph, font: Font, align: int, indent: bool, line: float) -> None:
    """Set alignment, exact line spacing, no paragraph spacing and an optional 2-char indent."""
    fmt = par.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    if indent:
        fmt.first_line_indent = Pt(font.size * 2)
        par._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    set_font(mark_properties(par), font)


def mark_properties(par: Paragraph) -> CT_RPr:
    """The ``w:rPr`` of a paragraph mark (it sizes empty lines); created last in ``w:pPr``."""
    ppr = par._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.append(rpr)
    return cast(CT_RPr, rpr)


def new_paragraph(container: Container) -> Paragraph:
    """Reuse the untouched paragraph python-docx leaves in a cell, else append one."""
    paragraphs = container.paragraphs
    if paragraphs:
        last = paragraphs[-1]
        untouched = last._p.pPr is None and not last.runs
        if untouched and last._p is container._element[-1]:
            return last
    return container.add_paragraph()


def add_run(par: Paragraph, text: str, font: Font) -> CT_R:
    """Append a run in ``font`` whose text keeps its spaces; return its ``w:r``."""
    run = par.add_run(text)
    set_font(run._r.get_or_add_rPr(), font)
    text_element = run._r.find(qn("w:t"))
    if text_element is not None:
        text_element.set(XML_SPACE, "preserve")
    return run._r


def add_par(
    container: Container,
    *parts: str,
    font: Font = BODY,
    align: int = JUSTIFY,
    indent: bool = False,
    line: float = LINE_PT,
) -> Paragraph:
    """Add a paragraph with one run per part, so every template tag sits inside one run."""
    par = new_paragraph(container)
    format_paragraph(par, font, align, indent, line)
    for part in parts:
        add_run(par, part, font)
    return par


def add_labelled(
    container: Container, *pairs: tuple[str, str], font: Font = BODY, align: int = LEFT
) -> Paragraph:
    """One paragraph of ``label：value`` pairs: labels in 黑体, values in ``font``."""
    label = Font(LABEL.name, font.size)
    par = add_par(container, font=font, align=align, line=max(LINE_PT, font.size * 2))
    for index, (name, value) in enumerate(pairs):
        add_run(par, f"{GAP[:2] if index else ''}{name}：", label)
        add_run(par, value, font)
    return par


def add_loop(
    container: Container,
    var: str,
    items: str,
    *body: str,
    font: Font = BODY,
    line: float = LINE_PT,
    indent: bool = True,
) -> None:
    """Add a docxtpl paragraph loop: one (indented) paragraph per item of ``items``."""
    add_par(container, f"{{%p for {var} in {items} %}}", font=font, line=line)
    add_par(container, *body, font=font, indent=indent, line=line)
    add_par(container, "{%p endfor %}", font=font, line=line)


def add_unless(
    container: Container, items: str, *body: str, font: Font = BODY, line: float = LINE_PT
) -> None:
    """Paragraphs shown only when ``items`` is empty: ``body`` (or blank lines to write in)."""
    add_par(container, f"{{%p if not {items} %}}", font=font)
    for text in body:
        add_par(container, text, font=font, line=line)
    add_par(container, "{%p endif %}", font=font)


def add_spacer(container: Container) -> None:
    """A thin gap, e.g. around a nested table (Word requires a paragraph after one anyway)."""
    add_par(container, "", line=6)


def add_blank_lines(container: Container, count: int) -> None:
    """Empty body lines: room to sign, stamp or write by hand."""
    for _ in range(count):
        add_par(container, "")


def add_signature(container: Container, label: str, name: str, date: str) -> Paragraph:
    """A right-aligned signature line: ``label``, a name and a date, as given (tags or text)."""
    par = add_par(container, label, name, GAP, date, align=RIGHT)
    par.paragraph_format.right_indent = Pt(BODY.size * 2)
    return par
