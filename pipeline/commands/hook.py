"""`qianghui hook pre-receive|post-receive`: the central repository's hooks (pipeline.history.hook),
run in the repository at `root` on git's input `text`. Under GitLab a refusal's lines carry the
GL-HOOK-ERR: prefix, without which its web pages show none of them."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TextIO

from pipeline.history.hook import HOOKS
from pipeline.history.vcs import Vcs

NAMES = tuple(HOOKS)
GITLAB_PREFIX = "GL-HOOK-ERR: "


def on_gitlab() -> bool:
    """GitLab (Gitaly) runs server hooks with the pusher's GL_ID and GL_USERNAME set."""
    return bool(os.environ.get("GL_ID") or os.environ.get("GL_USERNAME"))


def command(root: Path, name: str, text: str, out: TextIO) -> int:
    if not on_gitlab():
        return HOOKS[name](Vcs(root), text, out)
    buffer = io.StringIO()
    code = HOOKS[name](Vcs(root), text, buffer)
    prefix = GITLAB_PREFIX if code else ""
    for line in buffer.getvalue().splitlines():
        print(prefix + line, file=out)
    return code
