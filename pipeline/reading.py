"""The one way a user's file is read: a regular file, never through a link, never more than a limit.

Everything the engine reads from the working tree (forms, config, referenced images and
attachments, the watcher's fingerprints) comes through here, so a FIFO, a device, a socket, a
symbolic link or a file that grows while it is read can neither hang a command nor bring in a
file from outside the repository:

- the path is ``lstat``-ed first (a link, a folder, anything but a regular file is refused
  without opening it), and so is each folder between the repository root and the file;
- it is opened with ``O_NONBLOCK | O_NOFOLLOW`` where the system has them (a FIFO swapped in
  after the check still cannot block the open, a link swapped in cannot be followed), and the
  open descriptor is checked again with ``fstat``;
- at most ``limit + 1`` bytes are read, whatever the file claims its size is.

Written by hand: the standard library has the flags but no reader combining them, and no
well-kept library offers one (this is a dozen lines of os calls).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from pipeline.errors import QianghuiError

_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20

LINK = "file-link"
NOT_FILE = "not-a-file"
FOLDER = "file-is-dir"
MISSING = "file-missing"
UNREADABLE = "file-unreadable"


class ReadError(QianghuiError):
    """A file that is not read: its code (one of the constants above) and a Chinese reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def read_bounded(path: Path, limit: int, inside: int = 1) -> bytes:
    """The content of ``path``, at most ``limit + 1`` bytes (more than ``limit`` means too big).

    ``inside`` is how many trailing parts of ``path`` lie inside the repository (the parts of
    its repository-relative path): each folder among them must be a real folder, not a link."""
    check_regular(path, inside)
    fd = _open(path)
    try:
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as e:
        raise ReadError(UNREADABLE, unreadable(e)) from e
    finally:
        os.close(fd)


def open_checked(path: Path, inside: int = 1) -> BinaryIO:
    """A binary stream of a regular file reached without a link (for readers that stream,
    like Pillow decoding a 100 MB attachment); the caller closes it and bounds what it reads."""
    check_regular(path, inside)
    return os.fdopen(_open(path), "rb")


def digest(path: Path, inside: int = 1) -> str:
    """sha256 of a regular file's whole content, read in chunks (the watcher's fingerprint)."""
    check_regular(path, inside)
    fd = _open(path)
    sha = hashlib.sha256()
    try:
        while chunk := os.read(fd, _CHUNK):
            sha.update(chunk)
    except OSError as e:
        raise ReadError(UNREADABLE, unreadable(e)) from e
    finally:
        os.close(fd)
    return sha.hexdigest()


def check_regular(path: Path, inside: int = 1) -> os.stat_result:
    """The ``lstat`` of ``path`` when it is a regular file reached without a link, else a
    ReadError saying what it is instead."""
    root = path.parents[max(inside, 1) - 1]
    link = link_between(path, inside)           # first: what lies beyond a link is not judged
    if link is not None:
        raise ReadError(LINK, link_message(link, root))
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError) as e:
        raise ReadError(MISSING, "文件不存在（可能刚被删除或移动）") from e
    except OSError as e:
        raise ReadError(UNREADABLE, unreadable(e)) from e
    _refuse_special(path, info, root)
    return info


def absent(path: Path) -> bool:
    """Not there at all. A link (even dangling), or a file in a folder that cannot be read, is
    there: reading it says what is wrong (``Path.exists`` answers False, or raises)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def link_between(path: Path, inside: int) -> Path | None:
    """The first folder among the last ``inside`` parts of ``path`` that is a link (or None)."""
    for level in range(inside - 2, -1, -1):          # from the repository root downward
        folder = path.parents[level]
        try:
            if stat.S_ISLNK(os.lstat(folder).st_mode):
                return folder
        except OSError:
            return None                              # missing: the file's own check says so
    return None


def link_message(link: Path, root: Path) -> str:
    """Why a link is refused, naming it (relative to ``root``) and saying where it leads."""
    try:
        shown = link.relative_to(root).as_posix()
    except ValueError:
        shown = str(link)
    try:
        outside = not link.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):                  # a loop of links
        outside = True
    where = "指向仓库之外的链接" if outside else "符号链接"
    return f"「{shown}」是{where}：仓库中的材料不能是符号链接，请换成真实的文件或文件夹"


def _refuse_special(path: Path, info: os.stat_result, root: Path) -> None:
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISLNK(mode):
        raise ReadError(LINK, link_message(path, root))
    if stat.S_ISDIR(mode):
        raise ReadError(FOLDER, "这是一个文件夹，不是文件")
    raise ReadError(NOT_FILE, f"这不是普通文件（{kind_of(mode)}），不能读取：请换成普通文件")


def unreadable(error: OSError) -> str:
    """Why a file could not be read, in Chinese (the system's words only for rare causes)."""
    if error.errno in (errno.EACCES, errno.EPERM):
        return "无法读取文件：没有读取权限（请检查文件的权限设置）"
    if error.errno == errno.EIO:
        return "无法读取文件：读取出错（磁盘或网络共享故障）"
    return f"无法读取文件：{error.strerror or error}"


def kind_of(mode: int) -> str:
    """What a non-regular file is, in Chinese."""
    if stat.S_ISFIFO(mode):
        return "命名管道 FIFO"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def _open(path: Path) -> int:
    try:
        fd = os.open(path, _FLAGS)
    except OSError as e:
        raise ReadError(LINK if os.path.islink(path) else UNREADABLE,
                        unreadable(e)) from e
    try:
        info = os.fstat(fd)
        _refuse_special(path, info, path.parent)
    except BaseException:
        os.close(fd)
        raise
    return fd
