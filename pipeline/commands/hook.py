"""`qianghui hook pre-receive|post-receive`: the central repository's hooks (pipeline.history.hook),
run in the repository at `root` on git's input `text`."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from pipeline.history.hook import HOOKS
from pipeline.history.vcs import Vcs

NAMES = tuple(HOOKS)


def command(root: Path, name: str, text: str, out: TextIO) -> int:
    return HOOKS[name](Vcs(root), text, out)
