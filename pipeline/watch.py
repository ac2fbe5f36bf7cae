"""The watcher: save a file, see the result. The only module that uses watchdog.

Events are mapped to repository paths and settled per file (handled once no new event came for
`settle` seconds; a storm is taken as one batch). Settled paths whose content really changed go
to the orchestrator, restricted to the projects they affect; each project gets one line.

Long because settling events (storms, editors' temporary files, rescans) is the hard part.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TextIO

from watchdog import events as ev
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserverVFS

from pipeline import reading
from pipeline import run as orchestrator
from pipeline.core import layout
from pipeline.core.layout import Layout
from pipeline.core.projects import Project
from pipeline.errors import QianghuiError

WATCHED = ("submissions", "reviews", "config", "templates")
IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", "desktop.ini"})
IGNORED_GLOBS = ("*.swp", "*.swo", "*.swx", "*.swn", "*~", ".#*", "#*#", "*.tmp", ".~lock.*",
                 "~$*", ".goutputstream-*", "*___jb_tmp___", "*___jb_old___")
EVENTS: list[type[ev.FileSystemEvent]] = [  # not opened / closed_no_write: our own reads
    ev.FileCreatedEvent, ev.FileModifiedEvent, ev.FileMovedEvent, ev.FileDeletedEvent,
    ev.FileClosedEvent, ev.DirCreatedEvent, ev.DirMovedEvent, ev.DirDeletedEvent]
TICK = 0.05
HASH_LIMIT = 256 * 1024 * 1024      # bytes: above the largest attachment (100 MB)
Key = tuple[int, str]


def is_ignored(rel: str) -> bool:
    """True for paths never handled: outside the watched trees, in .git, editor temp files."""
    parts = rel.split("/")
    if parts[0] not in WATCHED or ".git" in parts:
        return True
    return parts[-1] in IGNORED_NAMES or any(fnmatchcase(parts[-1], g) for g in IGNORED_GLOBS)


def digest(path: Path, inside: int = 1) -> str | None:
    """sha256 of a file's content; None when it is gone (or a folder). Never blocks: a FIFO,
    device, socket or link is not opened (pipeline.reading) and gets a marker naming what it is
    (``special:`` and the reason), so it is reported once and never waited on."""
    try:
        info = reading.check_regular(path, inside)
        if info.st_size > HASH_LIMIT:       # larger than any accepted file: never read whole
            return f"large:{info.st_size}:{info.st_mtime_ns}"
        return reading.digest(path, inside)
    except reading.ReadError as e:
        if e.code in (reading.MISSING, reading.FOLDER):
            return None
        return f"special:{e.message}"


def errors_of(p: Project) -> tuple[str, ...]:
    """A project's problems (status violations included) as `path:line:col: 消息` lines."""
    return tuple(pr.format() for pr in p.application.problems)


class _Handler(ev.FileSystemEventHandler):
    """Passes the paths of every event (source and destination of a move) to the watcher."""

    def __init__(self, notice: Callable[[str], None]) -> None:
        self.notice = notice

    def on_any_event(self, event: ev.FileSystemEvent) -> None:
        for raw in (event.src_path, event.dest_path):
            if raw:
                self.notice(os.fsdecode(raw))


class Watcher:
    """Watches submissions/, reviews/, config/ and templates/; re-runs what a change affects."""

    def __init__(self, lay: Layout, *, polling: bool = False, settle: float = 0.2,
                 rescan: float = 30.0, out: TextIO = sys.stdout) -> None:
        self.lay, self.settle, self.rescan, self.out = lay, settle, rescan, out
        self.max_wait = max(2.0, 10 * settle)
        self.batches = 0
        self.handled: deque[tuple[str, ...]] = deque(maxlen=100)  # changed paths per batch
        self.ready = threading.Event()  # set once the first full run is done
        self._root = os.path.realpath(lay.root)  # events name real paths (macOS: /private/tmp)
        self._base = Path(self._root)
        self._observer: BaseObserver = (   # polling lstat-s: a link to / is never walked
            PollingObserverVFS(os.lstat, os.scandir) if polling else Observer())
        self._handler = _Handler(self.notice)
        self._watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()
        self._pending: dict[str, float] = {}  # path → time of its last event
        self._stop, self._rewatch = threading.Event(), threading.Event()
        self._hashes: dict[str, str] = {}
        self._snapshot: dict[str, tuple[int, int]] = {}
        self._known: dict[Key, tuple[str, tuple[str, ...]]] = {}
        self._shown: set[str] = set()
        self._thread = threading.Thread(target=self._loop, name="qianghui-watch", daemon=True)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and self._observer.is_alive()

    def start(self) -> None:
        """Schedule the watches and start; the worker first runs everything once."""
        try:
            self._observer.schedule(self._handler, self._root, event_filter=EVENTS)
            self._ensure_watches()
            self._observer.start()
        except OSError as e:
            raise QianghuiError(f"无法监视文件（{e.strerror or e}）：请改用 --polling，"
                                "或调高 fs.inotify.max_user_watches") from e
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker and the observer and wait for both."""
        self._stop.set()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def notice(self, abspath: str) -> None:
        """Called on watchdog's thread: remember that a path changed, and when."""
        rel = os.path.relpath(abspath, self._root).replace(os.sep, "/")
        if rel in WATCHED:
            self._rewatch.set()
        elif not is_ignored(rel):
            self._queue([rel])

    def handle_batch(self, paths: Iterable[str]) -> None:
        """Handle repository-relative paths as one batch; every failure becomes a message.
        Runs on the worker thread (call it directly only when the watcher is not started)."""
        self._safely(self._handle, sorted(set(paths)))

    def _queue(self, rels: Iterable[str]) -> None:
        now = time.monotonic()
        with self._lock:
            self._pending.update(dict.fromkeys(rels, now))

    def _take_settled(self, now: float) -> list[str]:
        """Paths quiet for `settle` — once every path is quiet (a storm is one batch) or after
        `max_wait` of continuous activity."""
        with self._lock:
            times = self._pending.values()
            if not times or (now - max(times) < self.settle and now - min(times) < self.max_wait):
                return []
            ready = [p for p, t in self._pending.items() if now - t >= self.settle]
            for p in ready:
                del self._pending[p]
        return ready

    def _loop(self) -> None:
        self._safely(self._initial)
        self.ready.set()
        next_rescan = time.monotonic() + self.rescan
        while not self._stop.wait(TICK):
            if self._rewatch.is_set():
                self._rewatch.clear()
                self._safely(self._ensure_watches)
            if time.monotonic() >= next_rescan:
                self._safely(self._rescan)
                next_rescan = time.monotonic() + self.rescan
            batch = self._take_settled(time.monotonic())
            if batch:
                self.handle_batch(batch)

    def _safely(self, action: Callable[..., None], *args: object) -> None:
        try:
            action(*args)
        except QianghuiError as e:
            self._say(f"{_now()} {e.message}", *(p.format() for p in e.problems))
        except Exception as e:  # noqa: BLE001 - the watcher must never die
            self._say(f"{_now()} 内部错误（{type(e).__name__}: {e}），继续监视。")

    def _initial(self) -> None:
        """Snapshot and hash the watched trees, then run everything once."""
        self._snapshot = self._scan()
        self._hashes = {r: h for r in self._snapshot
                        if (h := digest(self._base / r, r.count("/") + 1))}
        self._report(orchestrator.run(self.lay, site=True), None, [])
        self._say(f"{_now()} 正在监视 {'/ '.join(WATCHED)}/（Ctrl-C 退出）")

    def _ensure_watches(self) -> None:
        """Watch each tree that exists (again); drop the watch of one that is gone."""
        for name in WATCHED:
            folder, watch = self._base / name, self._watches.get(name)
            if folder.is_dir() and watch is None:
                self._watches[name] = self._observer.schedule(
                    self._handler, str(folder), recursive=True, event_filter=EVENTS)
                if self.ready.is_set():
                    self._queue([name])
            elif not folder.is_dir() and watch is not None:
                del self._watches[name]
                with suppress(KeyError):
                    self._observer.unschedule(watch)

    def _walk(self, folder: Path) -> Iterator[str]:
        """Repository-relative paths of the files under a folder, ignored names left out."""
        if folder.is_symlink():             # never walked through (its reads are refused)
            return
        for top, dirs, names in os.walk(folder):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                rel = os.path.relpath(os.path.join(top, name), self._root).replace(os.sep, "/")
                if not is_ignored(rel):
                    yield rel

    def _scan(self) -> dict[str, tuple[int, int]]:
        """(mtime, size) of every watched file."""
        found = {}
        for rel in (r for name in WATCHED for r in self._walk(self._base / name)):
            with suppress(OSError):
                st = os.stat(self._base / rel)
                found[rel] = (st.st_mtime_ns, st.st_size)
        return found

    def _rescan(self) -> None:
        """Recover events the OS dropped: queue every path whose (mtime, size) moved."""
        self._ensure_watches()
        old, new = self._snapshot, self._scan()
        self._snapshot = new
        self._queue(r for r in old.keys() | new.keys() if old.get(r) != new.get(r))

    def _expand(self, rels: Iterable[str]) -> set[str]:
        """Folders become the files in them (or the files known there, when it is gone)."""
        out: set[str] = set()
        for rel in rels:
            path = self._base / rel
            if path.is_dir() and not path.is_symlink():     # a link is judged, not walked
                out.update(self._walk(path))
            elif path.exists():
                out.add(rel)
            else:
                out.update([k for k in self._hashes if k.startswith(rel + "/")] or [rel])
        return out

    def _changed(self, rels: Iterable[str]) -> list[str]:
        """The paths whose content differs from when they were last handled (deletion counts)."""
        changed = []
        for rel in sorted(rels):
            new = digest(self._base / rel, rel.count("/") + 1)
            if new != self._hashes.get(rel):
                changed.append(rel)
                if new is not None and new.startswith("special:"):
                    self._say(f"{_now()} {rel}：{new.removeprefix('special:')}（已跳过，继续监视）")
                if new is None:
                    del self._hashes[rel]
                else:
                    self._hashes[rel] = new
        return changed

    def _handle(self, paths: list[str]) -> None:
        changed = self._changed(self._expand(paths))
        if not changed:
            return
        self.batches += 1
        self.handled.append(tuple(changed))
        targets = self._targets(changed)
        if targets is None or targets:
            societies = None if targets is None else sorted(targets)
            years = orchestrator.year_scope(self.lay, [self._base / p for p in changed])
            result = orchestrator.run(self.lay, societies=societies, years=years, site=True)
            self._report(result, targets, changed)

    def _targets(self, changed: list[str]) -> set[Key] | None:
        """The projects to re-run (None: all). A deleted application takes a full run: only
        that drops it from build/status.json."""
        targets = orchestrator.affected(self.lay, [self._base / p for p in changed])
        if targets is None or any(self._removed_application(p) for p in changed):
            return None
        return {t for t in targets if self.lay.application(*t).exists()}

    def _removed_application(self, rel: str) -> bool:
        kind = layout.classify(rel)
        return bool(kind and kind.kind == layout.APPLICATION and not (self._base / rel).exists())

    def _report(self, result: orchestrator.RunResult, targets: set[Key] | None,
                changed: list[str]) -> None:
        """A line per affected project, or after a full run per project whose outcome changed
        (at start: per project with errors); then deletions, a summary and other problems."""
        written = set(result.written)
        for p in result.projects:
            key, state = (p.year, p.society), (p.status, errors_of(p))
            old, self._known[key] = self._known.get(key), state
            docs = [Path(d).name for d in p.documents if d in written]
            if targets is None:
                show = bool(docs or state != old) and bool(changed or state[1])
            else:
                show = key in targets
            if show:
                self._say(*project_lines(p, docs))
        if targets is None:
            self._print_full(result, changed)
        self._print_others(result)

    def _print_full(self, result: orchestrator.RunResult, changed: list[str]) -> None:
        """After a full run: the projects that disappeared, then a summary line."""
        for key in sorted(set(self._known) - {(p.year, p.society) for p in result.projects}):
            del self._known[key]
            self._say(f"{_now()} {key[0]}/{key[1]} 已删除（没有 application.yaml）")
        self._say(summary_line(result, changed))

    def _print_others(self, result: orchestrator.RunResult) -> None:
        """Problems outside the projects (config, templates), each shown once until it changes."""
        own = {pr for p in result.projects for pr in p.application.problems}
        lines = [pr.format() for pr in result.problems if pr not in own]
        self._say(*(line for line in lines if line not in self._shown))
        self._shown = set(lines)

    def _say(self, *lines: str) -> None:
        for line in lines:
            print(line, file=self.out, flush=True)


def _now() -> str:
    return time.strftime("%H:%M:%S")


def project_lines(p: Project, docs: list[str]) -> list[str]:
    """`HH:MM:SS 年度/学会 状态 → 生成 …` (or `（n 个错误）` and the errors, one a line)."""
    errors = errors_of(p)
    line = f"{_now()} {p.year}/{p.society} {p.status}"
    if errors:
        line += f"（{len(errors)} 个错误）"
    elif docs:
        line += " → 生成 " + "、".join(docs)
    elif p.documents:
        line += "（文档无变化）"
    return [line, *errors]


def summary_line(result: orchestrator.RunResult, changed: list[str]) -> str:
    """The line after a full run: why, and how many projects, documents and errors."""
    why = changed[0] + (f" 等 {len(changed)} 个文件" if len(changed) > 1 else "") if changed else "启动"
    return (f"{_now()} 全部检查（{why}）：{len(result.projects)} 个项目，"
            f"生成 {len(result.written)} 份文档，{len(result.problems)} 个错误")


def watch(lay: Layout, *, polling: bool = False, out: TextIO = sys.stdout) -> int:
    """Watch the tree and re-run the affected work on every save until Ctrl-C (exit 130)."""
    warnings.filterwarnings("ignore", "Callback with id", RuntimeWarning)  # watchdog's inotify noise
    watcher = Watcher(lay, polling=polling, out=out)
    watcher.start()
    try:
        while watcher.alive:
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 130
    finally:
        watcher.stop()
    print(f"{_now()} 内部错误：监视线程意外停止。", file=out, flush=True)
    return 3
