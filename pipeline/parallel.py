"""Worker processes for the round-scale work (validation and rendering), sized to the cores.

A worker never outlives the process that started it: killed (even by SIGKILL) in the middle of
a render, the parent leaves no worker writing into build/ or holding its lock. On Linux the
kernel ends a worker whose parent dies (prctl PR_SET_PDEATHSIG); everywhere else, and should
that call be unavailable, each worker checks every half second that its parent is still the
one that started it (os.getppid()) and leaves when it is not. On Windows a worker's pipes
break when the parent dies, which ends it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def workers() -> int:
    """The cores this process may use (at most 8)."""
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(count or 1, 8)


def map_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], minimum: int,
               label: str = "") -> list[R]:
    """`work` over contiguous chunks of `items`, in worker processes when there are at least
    `minimum` items and more than one core; results in the order of `items`. With `label`,
    progress is shown chunk by chunk (see pipeline.progress).

    Workers are forked (on Linux), so they inherit what the parent already loaded."""
    from pipeline import progress

    with progress.task(label, len(items)) if label else nullcontext():
        return _map_chunks(work, items, minimum)


def _map_chunks(work: Callable[[Sequence[T]], list[R]], items: Sequence[T],
                minimum: int) -> list[R]:
    from pipeline import progress

    count = workers()
    if len(items) < minimum or count < 2:
        if not progress.active():
            return work(items)
        step = max(1, len(items) // 100)
        found: list[R] = []
        for i in range(0, len(items), step):
            found += work(items[i:i + step])
            progress.advance(len(items[i:i + step]))
        return found
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, -(-len(items) // (count * 16)))      # small chunks: no worker idles long
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    gc.freeze()        # what the workers inherit is never scanned (nor copied) by their GC
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=context,
                                 initializer=die_with, initargs=(os.getpid(),)) as pool:
            results: list[R] = []
            for chunk, part in zip(chunks, pool.map(work, chunks), strict=True):
                results += part
                progress.advance(len(chunk))
            return results
    finally:
        gc.unfreeze()


PR_SET_PDEATHSIG = 1
POLL = 0.5          # seconds between a worker's checks that its parent is alive


def die_with(parent: int) -> None:
    """Worker initializer: end this worker as soon as ``parent`` (its starter) has ended."""
    if sys.platform == "linux":
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass                            # the watch below still ends it
    if os.getppid() != parent:              # the parent died before the call above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL)
    os._exit(1)
