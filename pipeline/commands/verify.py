"""`qianghui verify <文档> [--at <版本>]`: does a document (.docx/.pdf/.xlsx) agree with its forms
(pipeline.documents.verify)?"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from pipeline.core.layout import Layout


def command(lay: Layout, document: Path, at: str | None, out: TextIO) -> int:
    from pipeline.documents.verify import verify

    return verify(lay, document, at, out)
