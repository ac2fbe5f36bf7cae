"""`qianghui render`: every document the files have earned, into build/.

An unchanged tree replays the previous result (pipeline.state.replay) without loading the engine.
"""

from __future__ import annotations

from datetime import date
from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.documents.shard import Shard
from pipeline.state import replay
from pipeline.state.lock import holding


@holding
def command(lay: Layout, out: TextIO, pdf: bool = False, shard: Shard | None = None) -> int:
    if shard is not None:   # a share of the documents is not the whole run the replay vouches for
        return render(lay, out, pdf=pdf, shard=shard)[0]
    if pdf:         # PDFs are checked against their cache every time: no replay
        return render(lay, out, pdf=True)[0]
    return replay.unless_unchanged(lay, "render", lambda buffer: render(lay, buffer))


def render(lay: Layout, out: TextIO, today: date | None = None,
           pdf: bool = False, shard: Shard | None = None) -> tuple[int, list[str]]:
    """Render every document the files have earned into build/ (with ``pdf``, and a PDF
    beside each Word document; with ``shard``, only that share of them): the exit code, and
    what the run made (for the replay)."""
    from pipeline.run import run

    result = run(lay, today=today, shard=shard)
    for problem in result.problems:
        print(problem.format(), file=out)
    print(f"生成 {len(result.written)} 个文档，{len(result.unchanged)} 个未变（无需重建）"
          f"{result.removed_clause()}", file=out)
    if not pdf:
        return result.exit_code, result.outputs()
    from pipeline.documents import pdf as pdfs
    from pipeline.documents import provenance

    documents = [lay.root / rel for rel in sorted(result.written + result.unchanged)
                 if rel.endswith(".docx")]
    converted = pdfs.convert(documents, lay.build / ".cache" / "pdf",
                             lambda docx, data: provenance.stamp_pdf(data, docx.read_bytes()))
    for docx, reason in sorted(converted.failed.items()):
        print(f"{lay.rel(docx.with_suffix('.pdf'))}: {reason}", file=out)
    print(f"PDF：生成 {len(converted.written)} 个，{len(converted.unchanged)} 个未变", file=out)
    return (1 if converted.failed else result.exit_code), result.outputs()
