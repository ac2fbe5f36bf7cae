"""`qianghui watch`: save a file, see the result (pipeline.watch, until Ctrl-C)."""

from __future__ import annotations

from typing import TextIO

from pipeline.core.layout import Layout
from pipeline.watch import watch


def command(lay: Layout, polling: bool, out: TextIO) -> int:
    return watch(lay, polling=polling, out=out)
