"""The one reader of what the engine keeps in build/: state files are trusted for nothing.

build/ is restored from CI caches and shared folders, arrives inside zips, and anyone may put
anything there. Every state file (manifests, replay stamps, status.json, the site's rows, the
caches) is read here: a regular file only (no symlink, FIFO, device or folder is opened, nor
one reached through a linked folder that leaves build/), at most ``limit`` bytes, and — for
JSON — checked against the shape its writer gives. (No pydantic here: the replay of an
unchanged tree reads its stamp without loading it.) Anything else is a miss (None): the caller
recomputes, exactly as when the file is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pipeline import reading
from pipeline.atomic import write_text

T = TypeVar("T")

LIMIT = 256 * 1024 * 1024          # the largest state file kept (a national round's status.json)


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, every link followed, is still below ``root`` (itself resolved)."""
    try:
        real = Path(os.path.realpath(path))
        return real.is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def read_bytes(path: Path, limit: int = LIMIT, root: Path | None = None) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes (below ``root`` when given);
    None for anything else: absent, a link, a FIFO, a device, a folder, too large, unreadable
    (read as every user file is, by pipeline.reading)."""
    if root is not None and not inside(path.parent, root):
        return None
    try:
        data = reading.read_bounded(path, limit)
    except reading.ReadError:
        return None
    return data if len(data) <= limit else None


def read_json(path: Path, shape: Callable[[Any], T], limit: int = LIMIT,
              root: Path | None = None) -> T | None:
    """A JSON state file as ``shape`` takes it (a pydantic adapter's validate_python, or a
    function raising ValueError or TypeError); None when it is not exactly that."""
    data = read_bytes(path, limit, root)
    if data is None:
        return None
    try:
        return shape(json.loads(data))
    except (ValueError, TypeError, RecursionError):      # pydantic's ValidationError is a ValueError
        return None


def write_state(path: Path, text: str) -> None:
    """Write a state file (atomically); a folder planted at its name in build/ goes first."""
    try:
        planted = stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        planted = False
    if planted:
        shutil.rmtree(path, ignore_errors=True)
    write_text(path, text)
