"""The one way anything is written: a unique temporary file beside the target, fsync, replace.

Readers (the watcher, a second `make render`, Word) see the old file or the new one, never half
of one; two writers never share a temporary name; a failure leaves the target as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; False (and nothing written) when it already holds
    exactly that. A file that exists keeps its permissions; a new one is 0644."""
    try:
        info = path.stat()
    except FileNotFoundError:
        mode = 0o644
    else:
        if stat.S_ISREG(info.st_mode) and info.st_size == len(data) and path.read_bytes() == data:
            return False
        mode = stat.S_IMODE(info.st_mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


def write_text(path: Path, text: str) -> bool:
    """write_atomic of UTF-8 text."""
    return write_atomic(path, text.encode("utf-8"))
