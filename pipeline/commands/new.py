"""`qianghui new <表单>`: the commented blank of one form (never over an existing file)."""

from __future__ import annotations

from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.forms.blanks import new as write_blank


def command(lay: Layout, form: str, society: str | None, year: int | None, out: TextIO) -> int:
    _, said = write_blank(lay, form, society, year)
    print(said, file=out)
    return 0
