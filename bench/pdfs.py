"""The PDF row: `qianghui render --pdf` (many documents per LibreOffice process, one process per
core) against the obvious way, one `soffice --convert-to pdf` process per document.

Both sides start cold: no PDF and no PDF cache (ours), a LibreOffice profile already created
(theirs: its first start, which creates the profile, is not counted). Converting every
document one process at a time takes about two seconds each, over half an hour for a
500-project round, so the baseline converts an even sample of the documents and counts the
median per document for all of them; the row says so.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from bench.report import FASTER, Row
from bench.timing import Run, median, median_run, peak, timed

SAMPLE = 24            # documents the baseline converts one process each


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def office() -> str | None:
    from pipeline.documents.pdf import find_office

    return find_office()


def clear_pdfs(build: Path) -> None:
    shutil.rmtree(build / ".cache" / "pdf", ignore_errors=True)
    for pdf in build.glob("20*/**/*.pdf"):
        pdf.unlink()


def one_by_one(program: str, documents: list[Path], cwd: Path) -> list[Run]:
    """Each document converted by a LibreOffice process of its own (one warm profile)."""
    with tempfile.TemporaryDirectory(prefix="bench-soffice-") as tmp:
        profile, out = Path(tmp) / "profile", Path(tmp) / "out"
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(out)]
        timed([*command, str(documents[0])], cwd)               # creates the profile: not timed
        return [timed([*command, str(doc)], cwd) for doc in documents]


def pdf_row(root: Path, qianghui: str, repeat: int) -> Row | None:
    """The row, or None (with a note on stderr) where LibreOffice is not installed."""
    program = office()
    if program is None:
        say("PDF row skipped: LibreOffice is not installed (.ci/install-libreoffice)")
        return None
    build = root / "build"
    if not list(build.glob("20*/**/*.docx")):
        timed([qianghui, "render"], root)
    documents = sorted(build.glob("20*/**/*.docx"))
    projects = len({doc.parent for doc in documents if doc.parent.parent.name.isdigit()})
    say(f"PDF: qianghui render --pdf vs one soffice per document ({len(documents)} documents)")
    ours = []
    for _ in range(max(1, min(repeat, 2))):      # a cold run converts everything: minutes
        clear_pdfs(build)
        ours.append(timed([qianghui, "render", "--pdf"], root))
    step = max(1, len(documents) // SAMPLE)
    sample = documents[::step][:SAMPLE]
    theirs = one_by_one(program, sample, root)
    per_document = median([run.seconds for run in theirs])
    converted = sum(1 for _ in build.glob("20*/**/*.pdf"))
    notes = [f"{len(documents)} documents of {projects} projects; ours: `qianghui render --pdf` "
             f"from no PDFs and no PDF cache (the .docx already rendered), {len(ours)} run(s), "
             f"{converted} PDFs written",
             f"baseline: `soffice --convert-to pdf` one process per document, median "
             f"{per_document:.2f} s over {len(sample)} sampled documents, × {len(documents)}"]
    error = next((f"qianghui render --pdf exited {r.code}:\n{r.tail()}" for r in ours if r.code),
                 "")
    return Row(f"PDF of every document ({projects} projects) · vs one soffice per document",
               median_run(ours), per_document * len(documents), FASTER, 5, notes, peak(ours),
               peak(theirs), error)
