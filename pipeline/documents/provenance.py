"""Where a document came from, written into it and checked again by ``qianghui verify``.

Every output carries, in its document properties, the commit of its inputs (the latest commit
that changed any of them), the sha256 of every input file and the engine's version, and prints
a short 数据版本 line in its footer. Its dates are that commit's (never the clock), so the same
inputs give the same bytes. The .docx and .xlsx keep these in ``docProps/custom.xml`` (with
true ``core.xml`` and ``app.xml``); the PDFs in their document information.

Long because it both writes and reads provenance, for .docx, .xlsx and .pdf.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pipeline import __version__, reading
from pipeline.errors import QianghuiError
from pipeline.state.engine import fingerprint
from pipeline.state.manifest import file_digest

PREFIX = "qianghui."
NO_COMMIT_TIME = datetime(2000, 1, 1, tzinfo=UTC)     # outside git: a fixed date, not the clock
ISSUER = "湖北省科协科技社团党委"
PROGRAM = "qianghui 党建强会计划申报系统"


@dataclass(frozen=True)
class Provenance:
    """The commit, date, dirty inputs and input hashes of one document, and the engine."""

    commit: str                     # "" outside git or when no input was ever committed
    committed: datetime | None
    inputs: Mapping[str, str]       # repository-relative path → sha256
    dirty: tuple[str, ...] = ()     # inputs that differ from that commit (or are untracked)
    engine: str = ""

    @property
    def when(self) -> datetime:
        return self.committed or NO_COMMIT_TIME

    @property
    def fingerprint(self) -> str:
        """One hash of every input's path and hash."""
        digest = hashlib.sha256()
        for path in sorted(self.inputs):
            digest.update(f"{path}\0{self.inputs[path]}\n".encode())
        return digest.hexdigest()

    def footer(self) -> str:
        """The 数据版本 line printed in the footer."""
        commit = self.commit[:10] if self.commit else "未提交"
        changed = "＋未提交的修改" if self.dirty else ""
        day = f"（{self.committed:%Y-%m-%d}）" if self.committed else ""
        return (f"数据版本：{commit}{changed}{day}　输入指纹 {self.fingerprint[:12]}"
                f"　qianghui {self.engine}")

    def properties(self) -> dict[str, str]:
        """The custom document properties (names without the prefix)."""
        return {"commit": self.commit, "date": self.when.isoformat(),
                "dirty": json.dumps(list(self.dirty), ensure_ascii=False),
                "engine": self.engine, "fingerprint": self.fingerprint,
                "inputs": json.dumps(dict(sorted(self.inputs.items())), ensure_ascii=False)}

    @classmethod
    def from_properties(cls, found: Mapping[str, str]) -> Provenance:
        """Read back what ``properties`` wrote; a ``QianghuiError`` when it is not there."""
        try:
            inputs = json.loads(found["inputs"])
            dirty = json.loads(found.get("dirty", "[]"))
            when = datetime.fromisoformat(found["date"])
        except (KeyError, ValueError) as exc:
            raise QianghuiError("文档中没有本系统写入的数据版本信息（不是 qianghui 生成的文档？）") from exc
        if not isinstance(inputs, dict):
            raise QianghuiError("文档中的数据版本信息已损坏")
        commit = found.get("commit", "")
        return cls(commit, when if commit else None, inputs, tuple(dirty), found.get("engine", ""))


def engine() -> str:
    """The program's version and the hash of the code that shapes documents."""
    return f"{__version__}+{fingerprint()[:8]}"


@dataclass
class History:
    """What git knows of the inputs: each path's latest commit (and its date), and the paths
    whose working copy is not what HEAD holds."""

    last: dict[str, tuple[str, datetime]]
    head_blobs: dict[str, str]

    def provenance(self, root: Path, paths: Iterable[Path]) -> Provenance:
        inputs = {}
        for path in paths:
            rel = Path(os.path.relpath(path.absolute(), root.absolute())).as_posix()
            inputs[rel] = file_digest(path)
        known = [self.last[rel] for rel in inputs if rel in self.last]
        commit, when = max(known, key=lambda pair: pair[1]) if known else ("", None)
        dirty = tuple(rel for rel in sorted(inputs)
                      if self.head_blobs.get(rel) != git_blob_id(root / rel))
        return Provenance(commit, when, inputs, dirty if commit else (), engine())


def git_blob_id(path: Path) -> str:
    """The id git gives a file's content (to compare a working copy with HEAD's)."""
    stat = path.stat()
    return _blob_id(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _blob_id(path: Path, mtime_ns: int, size: int) -> str:
    try:
        data = reading.read_bounded(path, size)     # never blocks on a FIFO
    except reading.ReadError:
        return ""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


_HISTORY: dict[tuple[Path, str], History] = {}


def history(root: Path) -> History:
    """The inputs' history at HEAD (kept per HEAD for the watcher); empty outside git."""
    from pipeline.history.vcs import Vcs

    try:
        vcs = Vcs(root)
        head = vcs.resolve("HEAD")
        if head is None or vcs.bare:
            return History({}, {})
        key = (root, head)
        if key not in _HISTORY:
            _HISTORY.clear()
            _HISTORY[key] = History(vcs.last_changes(head), vcs.tree_blobs(head))
        return _HISTORY[key]
    except QianghuiError:
        return History({}, {})


# --- the OOXML parts ------------------------------------------------------------------------

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def core_xml(title: str, author: str, when: datetime, subject: str) -> str:
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://'
        'purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://'
        'www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy>"
        f"<cp:revision>1</cp:revision><dc:language>zh-CN</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>")


def app_xml() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
        f'properties" xmlns:vt="{VT_NS}">'
        f"<Application>{escape(PROGRAM)} {__version__}</Application><DocSecurity>0</DocSecurity>"
        f"<ScaleCrop>false</ScaleCrop><Company>{ISSUER}</Company>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>")


def custom_xml(values: Mapping[str, str]) -> str:
    items = "".join(
        f'<property fmtid="{FMTID}" pid="{pid}" name="{PREFIX}{name}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(sorted(values.items()), start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">{items}</Properties>')


def with_custom_part(name: str, content: bytes) -> bytes:
    """[Content_Types].xml or _rels/.rels, declaring docProps/custom.xml once."""
    text = content.decode("utf-8")
    if name == "[Content_Types].xml" and "/docProps/custom.xml" not in text:
        text = text.replace("</Types>", f'<Override PartName="/{CUSTOM_PART}" '
                                        f'ContentType="{CUSTOM_TYPE}"/></Types>')
    if name == "_rels/.rels" and CUSTOM_REL not in text:
        text = text.replace("</Relationships>", f'<Relationship Id="rIdQianghui" Type='
                                                f'"{CUSTOM_REL}" Target="{CUSTOM_PART}"/>'
                                                "</Relationships>")
    return text.encode("utf-8")


def stamp(data: bytes, origin: Provenance, title: str, author: str) -> bytes:
    """An OOXML package (.docx, .xlsx) with true core and app properties and the provenance."""
    from pipeline.documents.docx import normalize_docx

    replaced = {"docProps/core.xml": core_xml(title, author, origin.when, origin.footer()),
                "docProps/app.xml": app_xml(), CUSTOM_PART: custom_xml(origin.properties())}
    parts = {name: text.encode("utf-8") for name, text in replaced.items()}
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        for name in ("[Content_Types].xml", "_rels/.rels"):
            parts[name] = with_custom_part(name, source.read(name))
    return normalize_docx(data, parts)


PART_LIMIT = 16 * 1024 * 1024       # a properties part larger than this is not ours


def read_part(data: bytes, name: str) -> Any:
    """One XML part of a package, parsed without entities or network (None when absent, too
    large or broken: the file may be anything a user names)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if package.getinfo(name).file_size > PART_LIMIT:
                return None
            return etree.fromstring(package.read(name), parser)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError,
            NotImplementedError, EOFError):
        return None


def read_package(data: bytes) -> dict[str, str]:
    """The qianghui custom properties of an OOXML package (empty when it has none)."""
    root = read_part(data, CUSTOM_PART)
    if root is None:
        return {}
    found = {}
    for prop in root.findall(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name", "")
        if name.startswith(PREFIX):
            found[name[len(PREFIX):]] = "".join(prop.itertext())
    return found


# --- the PDFs -------------------------------------------------------------------------------

def pdf_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("D:%Y%m%d%H%M%SZ")


def stamp_pdf(pdf: bytes, docx: bytes) -> bytes:
    """LibreOffice's PDF with the .docx's title, author, dates and provenance, and a fixed file
    id, so the same document always gives the same bytes."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    found = read_package(docx)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    title, author = core_fields(docx)
    when = pdf_date(datetime.fromisoformat(found["date"])) if "date" in found else None
    info: dict[str, Any] = {"/Title": title, "/Author": author, "/Creator": PROGRAM,
                            "/Producer": f"{PROGRAM} {__version__} + LibreOffice"}
    if when:
        info |= {"/CreationDate": when, "/ModDate": when}
    info |= {f"/Qianghui{name.capitalize()}": value for name, value in found.items()}
    writer.add_metadata(info)
    identifier = ByteStringObject(hashlib.md5(docx, usedforsecurity=False).digest())
    writer._ID = ArrayObject([identifier, identifier])  # noqa: SLF001 - no public setter
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def core_fields(docx: bytes) -> tuple[str, str]:
    """The title and author of an OOXML package's core properties."""
    root = read_part(docx, "docProps/core.xml")
    if root is None:
        return "", ""
    dc = "{http://purl.org/dc/elements/1.1/}"
    return (root.findtext(f"{dc}title") or "", root.findtext(f"{dc}creator") or "")


def read_pdf(data: bytes) -> dict[str, str]:
    """The qianghui properties of a PDF's document information (empty when it has none)."""
    from pypdf import PdfReader

    try:
        meta: Mapping[str, Any] = PdfReader(io.BytesIO(data)).metadata or {}
    except Exception:  # noqa: BLE001 - any damaged or foreign PDF: pypdf raises many kinds
        return {}
    return {key[len("/Qianghui"):].lower(): str(value) for key, value in meta.items()
            if key.startswith("/Qianghui")}


def read_document(path: Path) -> Provenance:
    """The provenance written into a .docx, .xlsx or .pdf."""
    data = path.read_bytes()
    found = read_pdf(data) if data[:5] == b"%PDF-" else read_package(data)
    return Provenance.from_properties(found)
