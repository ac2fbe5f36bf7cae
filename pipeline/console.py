"""The console the `qianghui` script writes to: made able to show Chinese, and every failure to
deliver the output turned into an exit code and a message instead of a traceback or a silent 0.

- Encoding. An ASCII file system encoding (LC_ALL=C with PYTHONUTF8=0) makes the process run
  again in UTF-8 mode (utf8_filesystem). An ASCII console (LC_ALL=C with PYTHONUTF8=0, PYTHONIOENCODING=ascii) gets UTF-8:
  a C locale's terminal shows UTF-8 nowadays, and `?` for every Chinese character would say
  nothing. Other consoles keep their encoding, and a character it lacks (an emoji on a cp936
  console) is shown as `?` (README: Windows). A lone surrogate (a file name in no encoding)
  is shown as `\\udcxx`.
- Closed descriptors. A standard stream closed at start (`>&-`, `2>&-`, `<&-`) is first
  occupied by /dev/null, so no file the command opens takes its number (git's output, inherited
  there, would be written into it). A closed stdout is then refused (exit 2) before the command
  does anything: it could not report what it did.
- Failed writes. Standard output is written through a guard: a write that fails raises
  OutputError. A reader that left (`| head -1`, EPIPE) ends the command quietly with 141, as a
  shell reports a command ended by SIGPIPE; any other failure (`> /dev/full`, a disk full, EIO)
  is a message on stderr and exit 1: the output was lost, whatever the command did.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
from typing import Any

from pipeline.errors import QianghuiError, os_reason

STDOUT_CLOSED = 2           # exit code: stdout closed at start (nothing was done)
READER_LEFT = 141           # exit code: the reader of a pipe left (128 + SIGPIPE)


class OutputError(QianghuiError):
    """Standard output could not be written."""

    def __init__(self, error: OSError) -> None:
        super().__init__(f"无法写出结果（标准输出）：{os_reason(error)}")
        self.reader_left = isinstance(error, BrokenPipeError)


class _Guarded(io.RawIOBase):
    """The console's own raw stream, its write failures raised as OutputError."""

    def __init__(self, raw: Any) -> None:
        super().__init__()
        self._raw = raw

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return int(self._raw.fileno())

    def isatty(self) -> bool:
        return bool(self._raw.isatty())

    def write(self, data: Any) -> int:
        try:
            return int(self._raw.write(data))
        except OSError as e:
            raise OutputError(e) from e


def utf8_filesystem() -> None:
    """Under an ASCII locale with UTF-8 mode turned off (LC_ALL=C PYTHONUTF8=0), Python cannot
    even name the round's own files (模板/申报表.docx): run again in UTF-8 mode, which is what
    Python itself does in such a locale unless told not to. Never on Windows (its file system
    encoding is UTF-8), at most once (the variable is set for the new process)."""
    if codecs.lookup(sys.getfilesystemencoding()).name != "ascii" or os.environ.get("PYTHONUTF8") == "1":
        return
    os.environ["PYTHONUTF8"] = "1"
    os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])


def occupy_closed() -> set[int]:
    """Standard descriptors closed at start, now open on /dev/null (and their sys streams
    recreated on it, but stdout's: the caller refuses to run without it)."""
    closed = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.add(fd)
            spare = os.open(os.devnull, os.O_RDWR)
            if spare != fd:
                os.dup2(spare, fd)
                os.close(spare)
    if 0 in closed:
        sys.stdin = open(0, encoding="utf-8", closefd=False)   # noqa: SIM115 - lives all run
    if 2 in closed:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    return closed


def prepare() -> None:
    """Encodings as the module docstring says, and stdout guarded (the console script only:
    a caller in this process keeps its own streams)."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper):
        buffer = stream.buffer                  # unbuffered (python -u): the raw stream itself
        raw = buffer.raw if isinstance(buffer, io.BufferedWriter) else buffer
        if isinstance(raw, io.RawIOBase):
            encoding, errors = chosen(stream.encoding)
            sys.stdout = io.TextIOWrapper(io.BufferedWriter(_Guarded(raw)), encoding=encoding,
                                          errors=errors, line_buffering=stream.line_buffering,
                                          write_through=stream.write_through)
    tolerate()


def tolerate() -> None:
    """Any console takes our output (see the module docstring), stdout and stderr alike."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            encoding, errors = chosen(stream.encoding)
            stream.reconfigure(encoding=encoding, errors=errors)


def chosen(encoding: str | None) -> tuple[str, str]:
    """The encoding and error handler for a console of ``encoding``."""
    try:
        name = codecs.lookup(encoding or "ascii").name
    except LookupError:
        name = "ascii"
    if name in ("ascii", "utf-8"):
        return "utf-8", "backslashreplace"
    return name, "replace"


def say(message: str) -> None:
    """A line on stderr that cannot fail the command (stderr itself may be full or gone)."""
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def finish() -> None:
    """Flush stdout: a failure here is the command's, like one while it ran (OutputError)."""
    try:
        sys.stdout.flush()
    except OutputError:
        raise
    except OSError as e:            # a stream not guarded (tests, an embedding caller)
        raise OutputError(e) from e


def reader_left() -> int:
    """The reader of our pipe left: what is still buffered goes to /dev/null, quietly."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
    return READER_LEFT
