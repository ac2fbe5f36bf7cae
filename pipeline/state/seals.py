"""What an output in build/ was when the engine wrote it, so that damage is always seen.

A seal is the file's size, mtime, ctime and inode, and the sha256 of its bytes. An output is
intact when it is still a regular file of that size whose stat matches (the cheap path: a
write, a truncation, `touch -d`, a copy over it — each changes the ctime, which no user can set
back), or else whose bytes still hash the same (build/ restored from a cache or a copy: new
inodes and times, same content). A symlink is never an output.
"""

from __future__ import annotations

import hashlib
import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.state.files import read_bytes

Seal = tuple[int, int, int, int, str]       # size, mtime_ns, ctime_ns, inode, sha256


def _info(path: Path) -> os.stat_result | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None


@lru_cache(maxsize=16384)
def _digest(path: Path, size: int, mtime: int, ctime: int, inode: int) -> str:
    data = read_bytes(path)
    return "" if data is None or len(data) != size else hashlib.sha256(data).hexdigest()


def seal(path: Path) -> Seal | None:
    """The seal of an output as it is now (None when it is not a regular file)."""
    info = _info(path)
    if info is None:
        return None
    digest = _digest(path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, digest)


def intact(path: Path, sealed: Seal) -> bool:
    """Whether ``path`` still holds exactly what was sealed."""
    info = _info(path)
    if info is None or info.st_size != sealed[0]:
        return False
    if (info.st_mtime_ns, info.st_ctime_ns, info.st_ino) == tuple(sealed[1:4]):
        return bool(sealed[4])
    found = _digest(path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    return bool(found) and found == sealed[4]


def as_seal(value: Any) -> Seal:
    """A seal as read back from JSON (a list of four integers and a hex digest), or ValueError."""
    if not (isinstance(value, list) and len(value) == 5 and isinstance(value[4], str)
            and all(type(n) is int for n in value[:4])):
        raise ValueError(f"not a seal: {value!r}")
    return (value[0], value[1], value[2], value[3], value[4])
