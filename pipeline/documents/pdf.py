"""PDFs beside the Word documents: the only module that runs LibreOffice.

LibreOffice starts slowly (a second or more) and converts quickly, so documents are converted
many per process (``soffice --convert-to pdf a.docx b.docx …``, batches of ``BATCH``), one
process per core at a time, each core with a profile of its own (processes sharing one
silently fail); what a crashed process left undone is tried once more. A PDF is cached under
``build/.cache/pdf/`` by the sha256 of the .docx bytes (and the converter's version), so an
unchanged document is never converted twice; every file is written atomically. Fonts come from
``fonts.conf`` beside this module: the official names mapped to free fonts where missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pipeline import progress
from pipeline.atomic import write_atomic
from pipeline.errors import QianghuiError
from pipeline.parallel import workers
from pipeline.state.engine import fingerprint
from pipeline.state.pickles import read_signed, write_signed

FONTS = Path(__file__).with_name("fonts.conf")
SECONDS_PER_DOCUMENT = 30      # a generous limit: a 20-page form converts in about a second
BATCH = 40                     # documents per process: a long-lived soffice slows and may crash
START_SECONDS = 60
INSTALL_HINT = ("未找到 LibreOffice（soffice）：请运行 .ci/install-libreoffice 安装，"
                "或安装 LibreOffice 后把 soffice 加入 PATH（也可设置 QIANGHUI_SOFFICE）")


class PdfError(QianghuiError):
    """LibreOffice is missing or could not convert a document."""


@dataclass
class Converted:
    """What one conversion pass wrote, left alone, or could not convert (path → reason)."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: dict[Path, str] = field(default_factory=dict)


def find_office() -> str | None:
    """The LibreOffice program: $QIANGHUI_SOFFICE, else soffice or libreoffice on PATH."""
    named = os.environ.get("QIANGHUI_SOFFICE")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


@cache
def office_version(program: str) -> str:
    """``LibreOffice 7.4.7.2 …`` (part of the cache key: another version may lay out anew)."""
    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True,
                              timeout=START_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() or "unknown"


def cache_key(data: bytes, program: str) -> str:
    """The name of a document's PDF in the cache: its bytes, the converter, the engine."""
    digest = hashlib.sha256(data)
    digest.update(office_version(program).encode())
    digest.update(fingerprint().encode())        # the engine's code, fonts.conf included
    return digest.hexdigest()


Finish = Callable[[Path, bytes], bytes]    # (the .docx, LibreOffice's PDF) → the bytes to keep


def convert(documents: Sequence[Path], cache_dir: Path, finish: Finish | None = None,
            program: str | None = None) -> Converted:
    """A PDF beside each .docx (``x.docx`` → ``x.pdf``), from the cache where it can be.

    ``finish`` turns LibreOffice's bytes into the ones kept (e.g. adds document properties);
    raises ``PdfError`` when LibreOffice cannot be found."""
    office = program or find_office()
    if office is None:
        raise PdfError(INSTALL_HINT)
    result = Converted()
    stale: list[tuple[Path, str]] = []
    for docx in documents:
        key = cache_key(docx.read_bytes(), office)
        cached = read_signed(cache_dir / f"{key}.pdf")     # never a PDF planted in build/
        if cached is not None:
            place(docx, cached, result)
        else:
            stale.append((docx, key))
    if stale:
        cache_dir.mkdir(parents=True, exist_ok=True)
        count = min(workers(), len(stale))
        lane = Lane(office, cache_dir, finish, result)
        with ThreadPoolExecutor(max_workers=count) as pool, progress.task("生成 PDF", len(stale)):
            list(pool.map(lane.convert, [stale[i::count] for i in range(count)]))
    return result


def place(docx: Path, pdf: bytes, result: Converted) -> None:
    """Write ``pdf`` beside ``docx`` atomically, noting whether it changed."""
    target = docx.with_suffix(".pdf")
    (result.written if write_atomic(target, pdf) else result.unchanged).append(target)


@dataclass
class Lane:
    """One core's share of the documents: LibreOffice processes one after another, each
    converting a batch, all with one profile (created once: a profile costs seconds)."""

    office: str
    cache_dir: Path
    finish: Finish | None
    result: Converted
    lock: threading.Lock = field(default_factory=threading.Lock)

    def convert(self, items: Sequence[tuple[Path, str]]) -> None:
        """Convert in batches; what a failed process left undone is tried once more."""
        with tempfile.TemporaryDirectory(prefix="qianghui-office-") as profile:
            pending = list(items)
            for last in (False, True):
                missed = []
                for start in range(0, len(pending), BATCH):
                    found = run_office(self.office, pending[start:start + BATCH], Path(profile))
                    for (docx, key), pdf in found.items():
                        if isinstance(pdf, str) and not last:
                            missed.append((docx, key))
                        else:
                            self.keep(docx, key, pdf)
                if not missed:
                    return
                pending = missed

    def keep(self, docx: Path, key: str, pdf: bytes | str) -> None:
        """Cache and place one fresh PDF (finished outside the lock), or record why not."""
        if isinstance(pdf, str):
            with self.lock:
                self.result.failed[docx] = pdf
            progress.advance()
            return
        data = self.finish(docx, pdf) if self.finish else pdf
        write_signed(self.cache_dir / f"{key}.pdf", data)
        with self.lock:
            place(docx, data, self.result)
        progress.advance()


def run_office(office: str, chunk: Sequence[tuple[Path, str]],
               profile: Path) -> dict[tuple[Path, str], bytes | str]:
    """Convert a batch of documents in one LibreOffice process, using ``profile``.

    Inputs are copied under their cache keys, so documents of the same name (every project's
    申报表.docx) cannot overwrite each other's PDF. A document without a PDF gets the reason."""
    with tempfile.TemporaryDirectory(prefix="qianghui-pdf-") as temp:
        work = Path(temp)
        inputs = []
        for docx, key in chunk:
            shutil.copyfile(docx, work / f"{key}.docx")
            inputs.append(str(work / f"{key}.docx"))
        command = [office, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work / "out"), *inputs]
        environment = {**os.environ, "FONTCONFIG_FILE": str(FONTS), "HOME": str(profile)}
        reason = ""
        try:
            done = subprocess.run(command, capture_output=True, text=True, env=environment,
                                  timeout=START_SECONDS + SECONDS_PER_DOCUMENT * len(chunk),
                                  stdin=subprocess.DEVNULL, check=False)
            reason = last_line(done.stderr or done.stdout)
        except subprocess.TimeoutExpired:
            reason = "LibreOffice 转换超时"
        except OSError as exc:
            reason = f"无法启动 LibreOffice：{exc.strerror or exc}"
        found: dict[tuple[Path, str], bytes | str] = {}
        for docx, key in chunk:
            pdf = work / "out" / f"{key}.pdf"
            found[(docx, key)] = (pdf.read_bytes() if pdf.is_file() and pdf.stat().st_size
                                  else f"LibreOffice 未能生成 PDF{'：' + reason if reason else ''}")
        return found


def last_line(text: str) -> str:
    """The last non-empty line of a program's output ("" for none)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
