"""Render Word templates; the only module that uses docxtpl (and Jinja2).

Rendering is strict and faithful: every value is escaped (``& < > " '`` and ``{{ }}`` come out
as typed), an undefined variable is an error, a line break inside a value becomes a Word line
break, and a control character Word cannot store is reported instead of silently dropped.
A picture travels in the context as plain data, ``{"path", "sha256", "width_mm"}`` under the
key ``image``, and becomes a docxtpl ``InlineImage`` only here, once the file is read and its
hash checked (so what is drawn is what the cache key was computed from).
Output is a re-zipped .docx with fixed timestamps and attributes, so the same inputs always
give the same bytes, and ``pipeline.atomic.write_atomic`` leaves an unchanged file untouched.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from docx.image.image import Image
from docx.opc import phys_pkg
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from markupsafe import Markup, escape

from pipeline.errors import QianghuiError

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o100644 << 16
LINE_BREAKS = re.compile("\r\n|[\r\v\u2028\u2029]")
# Characters XML 1.0 cannot hold, plus \a and \f, which docxtpl would turn into new paragraphs
# and page breaks. Tabs and line feeds are kept: docxtpl makes them w:tab and w:br.
FORBIDDEN = re.compile("[\x00-\x08\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
IMAGE_KEY = "image"
IMAGE_FIELDS = frozenset({"path", "sha256", "width_mm"})


class RenderError(QianghuiError):
    """A template could not be rendered with the given values."""

    def __init__(self, template: Path, detail: str) -> None:
        super().__init__(f"模板「{template.name}」渲染失败：{detail}")
        self.template = template


class _CompilingOnce(jinja2.Environment):
    """A strict, escaping environment that compiles each distinct template source once.

    docxtpl compiles the document XML anew for every rendering; the XML of one template is the
    same every time, so this process keeps the compiled result (a few templates at most)."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self.compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source: Any, globals: Any = None,  # noqa: A002 - Jinja's name
                    template_class: Any = None) -> jinja2.Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        if source not in self.compiled:
            if len(self.compiled) >= 64:
                self.compiled.clear()
            self.compiled[source] = super().from_string(source)
        return self.compiled[source]


class _PatchingOnce(DocxTemplate):  # type: ignore[misc]
    """docxtpl's XML clean-up (patch_xml) depends only on the template: done once per source."""

    patched: dict[str, str] = {}

    def patch_xml(self, src_xml: str) -> str:
        if src_xml not in self.patched:
            if len(self.patched) >= 64:
                self.patched.clear()
            self.patched[src_xml] = super().patch_xml(src_xml)
        return self.patched[src_xml]


_ENV: _CompilingOnce | None = None


def environment() -> _CompilingOnce:
    global _ENV
    if _ENV is None:
        _ENV = _CompilingOnce()
    return _ENV


def render_bytes(template: Path, context: Mapping[str, object]) -> bytes:
    """Render ``template`` with ``context`` and return reproducible .docx bytes."""
    values = {key: prepare(template, value, key) for key, value in context.items()}
    document = open_template(template)
    values = {key: embed_images(template, document, value) for key, value in values.items()}
    buffer = io.BytesIO()
    try:
        document.render(values, jinja_env=environment(), autoescape=True)
        with _stored():
            document.save(buffer)
    except jinja2.TemplateError as exc:
        raise RenderError(template, describe(exc)) from exc
    return normalize_docx(buffer.getvalue())


@contextmanager
def _stored() -> Iterator[None]:
    """Let python-docx write its zip uncompressed: normalize_docx compresses it once, for good."""
    saved = getattr(phys_pkg, "ZIP_DEFLATED")      # noqa: B009 - not exported by its stubs
    setattr(phys_pkg, "ZIP_DEFLATED", zipfile.ZIP_STORED)  # noqa: B010
    try:
        yield
    finally:
        setattr(phys_pkg, "ZIP_DEFLATED", saved)  # noqa: B010


def open_template(template: Path) -> DocxTemplate:
    """Load a template, turning a missing or broken file into a ``RenderError``."""
    if not template.is_file():
        raise RenderError(template, f"模板文件不存在：{template}")
    document = _PatchingOnce(template)
    try:
        document.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise RenderError(template, "文件不是有效的 Word（.docx）文档") from exc
    return document


def prepare(template: Path, value: object, where: str) -> object:
    """Make a context value safe for docxtpl, recursively; ``where`` names it in errors.

    Strings are checked, their line breaks unified to ``\\n``, escaped for XML and wrapped in
    ``Markup`` with ``_`` written as a character reference, so docxtpl's post-processing
    (which turns ``{_{`` into ``{{``) cannot alter them. ``None`` renders as an empty string.
    Pictures (see ``is_image``) are left as they are, for ``embed_images``.
    """
    if value is None:
        return Markup("")
    if isinstance(value, str):
        return Markup(str(escape(clean_text(template, value, where))).replace("_", "&#95;"))
    if isinstance(value, Mapping):
        return {key: item if is_image(key, item) else prepare(template, item, f"{where}.{key}")
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [prepare(template, item, f"{where}[{index}]") for index, item in enumerate(value)]
    return value


def is_image(key: object, value: object) -> bool:
    """Whether a context entry is a picture: ``image: {path, sha256, width_mm}``."""
    return key == IMAGE_KEY and isinstance(value, Mapping) and set(value) == IMAGE_FIELDS


def embed_images(template: Path, document: DocxTemplate, value: object) -> object:
    """Replace every picture among the prepared values by an ``InlineImage``, recursively."""
    if isinstance(value, Mapping):
        return {key: inline_image(template, document, item) if is_image(key, item)
                else embed_images(template, document, item) for key, item in value.items()}
    if isinstance(value, list):
        return [embed_images(template, document, item) for item in value]
    return value


def inline_image(template: Path, document: DocxTemplate,
                 image: Mapping[str, Any]) -> InlineImage:
    """The picture at ``image["path"]``, ``width_mm`` wide; a ``RenderError`` when the file
    cannot be read, is not the one hashed (``sha256``), or is not a jpg/png/gif/bmp/tiff."""
    path = Path(str(image["path"]))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RenderError(template, f"无法读取图片「{path}」：{exc.strerror or exc}") from exc
    if hashlib.sha256(data).hexdigest() != image["sha256"]:
        raise RenderError(template, f"图片「{path}」在生成过程中被修改，请重新生成")
    try:
        Image.from_blob(data)
    except Exception as exc:  # python-docx's readers also raise bare Exception, struct.error
        raise RenderError(template, f"图片「{path}」已损坏或不是图片，无法插入文档") from exc
    return InlineImage(document, io.BytesIO(data), width=Mm(float(image["width_mm"])))


def clean_text(template: Path, text: str, where: str) -> str:
    """Unify line breaks; reject characters a Word document cannot hold."""
    text = LINE_BREAKS.sub("\n", text)
    bad = FORBIDDEN.search(text)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        raise RenderError(
            template, f"字段 {where} 含有无法写入 Word 的控制字符 {code}，请删除后重试"
        )
    return text


def describe(exc: jinja2.TemplateError) -> str:
    """A Chinese description of a Jinja2 error."""
    message = str(exc.message or exc)
    if isinstance(exc, jinja2.UndefinedError):
        missing = re.search(r"has no attribute '([^']+)'", message)
        if missing:
            return f"字段 {missing.group(1)} 未定义"
        name = re.search(r"'([^']+)' is undefined", message)
        return f"变量 {name.group(1) if name else message} 未定义"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板语法错误（第 {exc.lineno} 行）：{message}"
    return message


def normalize_docx(data: bytes, replaced: Mapping[str, bytes] | None = None) -> bytes:
    """Re-zip a .docx with fixed dates and attributes, keeping member order and contents;
    ``replaced`` gives parts new contents (a part not yet there is added at the end)."""
    replaced = replaced or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = [member.filename for member in source.infolist()]
        for name in [*names, *(n for n in replaced if n not in names)]:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = ZIP_FILE_MODE
            target.writestr(info, replaced[name] if name in replaced else source.read(name),
                            compresslevel=6)
    return out.getvalue()
