"""Progress of the round-scale work (validation, rendering, PDF conversion), on stderr.

On a terminal a tqdm bar with counts, rate and time left; in a CI log (not a terminal) a plain
line every 10 % or 15 seconds, so a job's log moves while it works. Off unless the CLI turns
it on (library calls and the watcher stay silent), and only for work of at least MINIMUM items:
checking one save never draws a bar.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

MINIMUM = 200           # items below which no progress is shown (a save, the demo round)
EVERY_SECONDS = 15.0    # a plain line at least this often ...
EVERY_SHARE = 0.10      # ... or every tenth of the work

_stream: TextIO | None = None
_lock = threading.Lock()
_current: _Task | None = None


def enable(stream: TextIO | None) -> None:
    """Show progress on ``stream`` from now on (None: never)."""
    global _stream
    _stream = stream


class _Task:
    def __init__(self, label: str, total: int, stream: TextIO) -> None:
        self.label, self.total, self.stream = label, total, stream
        self.done = 0
        self.started = self.said_at = time.monotonic()
        self.said = 0
        self.bar: Any = None
        if stream.isatty():
            from tqdm import tqdm

            columns = width(stream)       # a terminal that reports no size: 100 columns
            self.bar = tqdm(total=total, desc=label, unit="份", file=_Writer(stream), leave=False,
                            ncols=min(columns, 120) if columns >= 40 else 100, mininterval=0.2,
                            bar_format="{desc}：{n_fmt}/{total_fmt} {bar} {percentage:3.0f}%"
                                       "（已用 {elapsed}，预计还需 {remaining}）")

    def advance(self, count: int) -> None:
        self.done = min(self.total, self.done + count)
        if self.bar is not None:
            self.bar.update(count)
            return
        now = time.monotonic()
        if (self.done - self.said >= self.total * EVERY_SHARE or now - self.said_at >= EVERY_SECONDS
                or self.done == self.total):
            self.said, self.said_at = self.done, now
            print(line(self.label, self.done, self.total, now - self.started), file=self.stream,
                  flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _Writer:
    """The stream as tqdm is given it: tqdm recognises sys.stderr itself and, on some
    terminals (a pseudo-terminal reporting no size), draws nothing on it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def width(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 0


def line(label: str, done: int, total: int, elapsed: float) -> str:
    """`生成文档：1200/5000（24%），已用 12 秒，预计还需 38 秒` (the CI log's line)."""
    share = done / total if total else 1.0
    left = elapsed / done * (total - done) if done else 0.0
    tail = f"，预计还需 {seconds(left)}" if done < total else "，完成"
    return f"{label}：{done}/{total}（{share:.0%}），已用 {seconds(elapsed)}{tail}"


def seconds(value: float) -> str:
    whole = int(round(value))
    return f"{whole // 60} 分 {whole % 60} 秒" if whole >= 60 else f"{whole} 秒"


@contextmanager
def task(label: str, total: int) -> Iterator[None]:
    """Progress of ``total`` items under ``label`` while the block runs (see ``advance``)."""
    global _current
    stream = _stream
    if stream is None or total < MINIMUM or _current is not None:
        yield
        return
    with _lock:
        _current = _Task(label, total, stream)
    try:
        yield
    finally:
        with _lock:
            current, _current = _current, None
        if current is not None:
            current.close()


def active() -> bool:
    return _current is not None


def advance(count: int = 1) -> None:
    """``count`` more items of the running task are done (any thread)."""
    with _lock:
        if _current is not None:
            _current.advance(count)
