"""One writer of build/ at a time: `render`, `run` and each run of the watcher hold build/.lock.

Two `qianghui render` at once, or a render while `watch` runs, would each read a manifest,
render and write it back: the later one may record a document the other just replaced. So the
run that finds build/.lock taken says so (另一个生成正在进行) and waits for it; the operating
system drops the lock of a process that ends in any way (even SIGKILL), so a lock is never
stale. Taking it is also the first write into build/, so a `build` that is a file, a link, on
a read-only or full disk is reported here, before any work, with the path.

Written by hand over fcntl.flock / msvcrt.locking (a dozen lines): the lock file must be
opened without following a link planted in build/, and the wait must be announced.
"""

from __future__ import annotations

import errno
import functools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from pipeline.atomic import WriteError, check_folders, failure, shown
from pipeline.core.layout import Layout

NAME = ".lock"
WAIT = 1800.0           # seconds: longer than any real render of a national round
_POLL = 0.1
_held = threading.local()       # how deeply this thread holds the lock (runs nest)
_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


P = ParamSpec("P")
R = TypeVar("R")


class BusyError(WriteError):
    """Another run kept build/ for longer than WAIT."""


@contextmanager
def exclusive(lay: Layout, wait: float = WAIT) -> Iterator[None]:
    """Hold build/.lock for the block (at once when this thread already holds it)."""
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
        return
    handle = _open(lay.build / NAME)
    try:
        _acquire(handle, lay.build / NAME, wait)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
    finally:
        os.close(handle)                # closing releases the lock


def holding(work: Callable[Concatenate[Layout, P], R]) -> Callable[Concatenate[Layout, P], R]:
    """``work(lay, …)`` run while holding ``lay``'s build/.lock."""
    @functools.wraps(work)
    def held(lay: Layout, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with exclusive(lay):
            return work(lay, *args, **kwargs)
    return held


def _open(path: Path) -> int:
    check_folders(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return os.open(path, _FLAGS, 0o644)
        except OSError as e:            # a link (or a folder) planted as build/.lock: ours
            if e.errno not in (errno.ELOOP, errno.EISDIR) or not os.path.islink(path):
                raise
            os.unlink(path)
            return os.open(path, _FLAGS, 0o644)
    except OSError as e:
        raise failure(path, e) from e


def _acquire(handle: int, path: Path, wait: float) -> None:
    if _try(handle):
        return
    print(f"另一个生成正在进行（{shown(path)}），等它结束后继续……", file=sys.stderr, flush=True)
    deadline = time.monotonic() + wait
    while not _try(handle):
        if time.monotonic() > deadline:
            raise BusyError(f"另一个生成占用 {shown(path.parent)} 已超过 {wait:.0f} 秒：请等它结束，"
                            "或结束那个 qianghui 进程后重试")
        time.sleep(_POLL)


if sys.platform == "win32":
    import msvcrt

    def _try(handle: int) -> bool:
        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _try(handle: int) -> bool:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
