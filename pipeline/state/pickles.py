"""Pickled caches in build/.cache (validated config, the history's parsed blobs): a cache only
saves time, so one that cannot be read or written is recomputed, never an error. Their names
carry the engine's fingerprint (pipeline.state.engine)."""

from __future__ import annotations

import gc
import pickle
from pathlib import Path
from typing import Any

from pipeline.atomic import write_atomic


def load_pickle(source: Path) -> Any:
    """What save_pickle stored (None when absent or unreadable: a cache only saves time)."""
    enabled = gc.isenabled()
    gc.disable()            # thousands of new objects that all live on: no collection can help
    try:
        with source.open("rb") as handle:
            return pickle.load(handle)
    except Exception:       # noqa: BLE001 - unreadable, truncated, foreign or stale: recompute
        return None
    finally:
        if enabled:
            gc.enable()


def save_pickle(target: Path, value: Any) -> None:
    try:
        write_atomic(target, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass                        # a cache that cannot be written is only slower
