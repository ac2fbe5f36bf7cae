"""The document around the content: A4 page, page numbers, defaults, fonts, properties.

``new_document`` gives an empty GB/T 9704 document; ``to_bytes`` saves it as normalised .docx
bytes with fixed core properties, so two builds give the same bytes.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.section import Section
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from lxml import etree

from pipeline.documents.docx import normalize_docx
from templates.style import (
    BODY,
    CENTER,
    PAGE_NUMBER,
    SUBTITLE,
    TITLE,
    XML_SPACE,
    Font,
    add_par,
    add_run,
    format_paragraph,
    set_font,
)

AUTHOR = "湖北省科协科技社团党委"
FIXED_TIME = datetime(2022, 1, 1)
# A missing font is replaced by Word with the font table's altName, never by 宋体.
FALLBACKS = {
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "方正小标宋简体": "宋体",
    "黑体": "SimHei",
}


def set_page(section: Section, landscape: bool = False) -> None:
    """A4 with GB/T 9704 margins; landscape turns the page, keeping the header edge on top."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        section.top_margin, section.bottom_margin = Cm(2.8), Cm(2.6)
        section.left_margin, section.right_margin = Cm(3.0), Cm(3.0)
        section.header_distance, section.footer_distance = Cm(1.5), Cm(1.2)
        return
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.5)


def add_field_char(par: Paragraph, kind: str) -> None:
    """Append a ``w:fldChar`` run (begin / separate / end)."""
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    add_run(par, "", PAGE_NUMBER).append(char)


def add_page_number(section: Section) -> None:
    """Centred page number in the GB/T 9704 form ``— 1 —``."""
    par = section.footer.paragraphs[0]
    format_paragraph(par, PAGE_NUMBER, CENTER, indent=False, line=PAGE_NUMBER.size * 1.2)
    add_run(par, "— ", PAGE_NUMBER)
    add_field_char(par, "begin")
    code = OxmlElement("w:instrText")
    code.set(XML_SPACE, "preserve")
    code.text = " PAGE "
    add_run(par, "", PAGE_NUMBER).append(code)
    add_field_char(par, "separate")
    add_run(par, "1", PAGE_NUMBER)
    add_field_char(par, "end")
    add_run(par, " —", PAGE_NUMBER)
    add_par(section.footer, "{{ provenance }}", font=PROVENANCE, align=CENTER, line=10)


PROVENANCE = Font("仿宋_GB2312", 7.5)   # 小六: the 数据版本 line under the page number


def set_defaults(document: DocxDocument) -> None:
    """Chinese defaults: 仿宋 四号 for anything unstyled, zh-CN language."""
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}")
    rpr = cast(CT_RPr, defaults.find(qn("w:rPr")))
    set_font(rpr, BODY)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    set_font(document.styles["Normal"].element.get_or_add_rPr(), BODY)
    document.styles["Normal"].paragraph_format.widow_control = True  # no line alone on a page


def set_compatibility(document: DocxDocument) -> None:
    """Word 2013+ layout (no 兼容模式), Chinese theme language; justified lines ending in a
    line break are not stretched."""
    settings = document.settings.element
    compat = settings.find(qn("w:compat"))
    compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))
    for setting in compat.findall(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def drop_thumbnail(document: DocxDocument) -> None:
    """Remove the stock template's preview picture, which shows an empty page."""
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package_rels[rel_id]


def add_font_fallbacks(document: DocxDocument) -> None:
    """Declare the official fonts in the font table with the free name Word should use."""
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/word/fontTable.xml":
            table = etree.fromstring(part.blob)
            for name, alt in FALLBACKS.items():
                table.append(parse_xml(font_entry(name, alt)))
            xml = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
            part._blob = xml


def font_entry(name: str, alt: str) -> str:
    """The ``w:font`` element of a GB2312 font with its fallback name."""
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return (
        f'<w:font xmlns:w="{namespace}" w:name="{name}"><w:altName w:val="{alt}"/>'
        '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
    )


def set_properties(document: DocxDocument, title: str) -> None:
    """Fixed core properties, so two builds give the same bytes."""
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = AUTHOR
    props.comments = "由 templates/build_templates.py 生成，修改请改该脚本后重新生成。"
    props.language = "zh-CN"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1


def new_document(title: str, landscape: bool = False) -> DocxDocument:
    """An empty A4 document with Chinese defaults, fixed properties and page numbers."""
    document = Document()
    set_defaults(document)
    set_compatibility(document)
    drop_thumbnail(document)
    add_font_fallbacks(document)
    set_properties(document, title)
    set_page(document.sections[0], landscape)
    add_page_number(document.sections[0])
    return document


def add_title(document: DocxDocument, *lines: tuple[str, ...], font: Font = TITLE) -> None:
    """Title lines in 小标宋 (二号 unless told); a line of parts is written one run per part."""
    for parts in lines:
        add_par(document, *parts, font=font, align=CENTER, line=max(36, font.size * 1.6))


def add_subtitle(document: DocxDocument, *parts: str) -> None:
    """A centred 楷体 三号 line under the title, e.g. （2022年度）."""
    add_par(document, *parts, font=SUBTITLE, align=CENTER, line=36)


def to_bytes(document: DocxDocument) -> bytes:
    """Close the body (Word wants a paragraph after a final table) and save normalised bytes."""
    body = document.element.body
    if body[-2].tag == qn("w:tbl"):  # the last child is w:sectPr
        add_par(document, "", line=2)
    buffer = io.BytesIO()
    document.save(buffer)
    return with_app_properties(normalize_docx(buffer.getvalue()))


def with_app_properties(data: bytes) -> bytes:
    """The template's docProps/app.xml naming this program (python-docx's stock one names
    Microsoft Word for the Mac); a rendered document gets its own (pipeline.documents.provenance)."""
    from pipeline.documents.provenance import app_xml

    return normalize_docx(data, {"docProps/app.xml": app_xml().encode("utf-8")})


def new_year_form(form_title: str) -> DocxDocument:
    """A document titled "<year>年度" + ``form_title`` over two lines (the call's 8 characters,
    then the rest), with the blank line under the title."""
    from templates.style import add_par  # style imports this module

    document = new_document(form_title)
    add_title(document, ("{{ year }}", "年度" + form_title[:8]), (form_title[8:],))
    add_par(document, "", line=12)
    return document
