"""Caches in build/.cache (validated config, the history's parsed blobs, PDFs), authenticated.

Unpickling runs whatever the bytes say, and build/ is not ours alone (see state.secret). So a
cache file is `HMAC-SHA256(key, name + NUL + body) + body`, and the body is unpickled only when
the tag matches: made with this user's key, for this very file name (which carries the content
hash of what was cached and the engine's fingerprint, so a valid file renamed is no hit either).
Anything else — planted, altered, truncated, foreign, made with another key — is a miss and is
recomputed, never an error: a cache only saves time.
"""

from __future__ import annotations

import gc
import hashlib
import hmac
import pickle
from pathlib import Path
from typing import Any

from pipeline.atomic import write_atomic
from pipeline.state import secret
from pipeline.state.files import read_bytes

TAG = hashlib.sha256().digest_size


def _tag(key: bytes, name: str, body: bytes) -> bytes:
    mac = hmac.new(key, name.encode("utf-8") + b"\0", hashlib.sha256)
    mac.update(body)
    return mac.digest()


def read_signed(source: Path) -> bytes | None:
    """The body of a cache file written by write_signed, or None when it is not authentic."""
    key = secret.key()
    data = read_bytes(source) if key is not None else None
    if key is None or data is None or len(data) <= TAG:
        return None
    body = data[TAG:]
    return body if hmac.compare_digest(data[:TAG], _tag(key, source.name, body)) else None


def write_signed(target: Path, body: bytes) -> None:
    """Store ``body`` for read_signed (nothing, when there is no key or no room)."""
    key = secret.key()
    if key is None:
        return
    try:
        write_atomic(target, _tag(key, target.name, body) + body)
    except OSError:
        pass                        # a cache that cannot be written is only slower


def load_pickle(source: Path) -> Any:
    """What save_pickle stored (None when absent, unreadable or not authentic)."""
    body = read_signed(source)
    if body is None:
        return None
    enabled = gc.isenabled()
    gc.disable()            # thousands of new objects that all live on: no collection can help
    try:
        return pickle.loads(body)
    except Exception:       # noqa: BLE001 - ours, but of an older layout: recompute
        return None
    finally:
        if enabled:
            gc.enable()


def save_pickle(target: Path, value: Any) -> None:
    """Store ``value`` for load_pickle."""
    write_signed(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
