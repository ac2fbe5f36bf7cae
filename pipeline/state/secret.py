"""The key that authenticates the engine's caches: this user's, kept outside every repository.

build/ travels (CI caches, shared folders, a repository sent as a zip), so nothing in it can
vouch for itself: a cache file is trusted only when it carries an HMAC made with this key. The
key lives in the user's own cache folder (~/.cache/qianghui on Linux,
%LOCALAPPDATA%\\qianghui\\Cache on Windows), 32 random bytes, readable by the user only, made on
first use. QIANGHUI_CACHE_KEY (any text of 16 characters or more) replaces it, so the jobs of one
CI pipeline can share their caches. Without a usable key every cache is a miss: slower, never
wrong.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from functools import cache
from pathlib import Path

from pipeline.state.files import read_bytes

ENV = "QIANGHUI_CACHE_KEY"
SIZE = 32
NAME = "cache-key"


def folder() -> Path:
    """Where this user's key is kept: the user cache folder, as platformdirs' user_cache_dir
    names it (written out here: importing platformdirs costs every command ~10 ms)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "qianghui" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "qianghui"
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "qianghui"


@cache
def key() -> bytes | None:
    """This user's key (None when there is none and none can be made)."""
    given = os.environ.get(ENV, "")
    if given:
        return given.encode("utf-8") if len(given) >= 16 else None
    try:
        path = folder() / NAME
    except RuntimeError:                # no home folder to be found: no cache
        return None
    found = read_bytes(path, SIZE)
    if found is not None and len(found) == SIZE:
        return found
    try:
        return _create(path)
    except OSError:
        return None


def _create(path: Path) -> bytes:
    """Make the key file once: written whole under a temporary name, then linked to its name
    (which fails if another process made it first: that one is read)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{NAME}.")
    try:
        os.chmod(temp, 0o600)
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(SIZE))
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            pass
    finally:
        Path(temp).unlink(missing_ok=True)
    found = read_bytes(path, SIZE)
    if found is None or len(found) != SIZE:
        raise OSError(f"unusable cache key at {path}")
    return found
