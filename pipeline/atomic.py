"""The one way anything is written: a unique temporary file beside the target, fsync, replace.

Readers (the watcher, a second `make render`, Word) see the old file or the new one, never half
of one; two writers never share a temporary name; a failure leaves the target as it was and
is a WriteError: a Chinese message naming the path (a full disk, a read-only folder, `build`
that is a file), which is also an OSError for the callers that turn one into a problem.

No link is followed for writing: a target that is a symlink is replaced by the file (never
written through to what it points at), and below the repository (`confine`) a folder on the way
that is a symlink — `build/2022` linked out of the repository — is refused.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from pipeline.errors import QianghuiError

_ROOTS: list[Path] = []         # the repositories below which no linked folder is written into


class WriteError(QianghuiError, OSError):
    """A file the engine must write could not be written (exit 1, the message names it)."""

    def __init__(self, message: str, code: int = 0) -> None:
        QianghuiError.__init__(self, message)
        self.errno = code


def confine(root: Path) -> None:
    """Refuse, from now on, to write through a linked folder anywhere below ``root``."""
    real = Path(os.path.realpath(root))
    if real not in _ROOTS:
        _ROOTS.append(real)


_REASONS = {errno.ENOSPC: "磁盘空间已满", getattr(errno, "EDQUOT", -1): "超出了磁盘配额",
            errno.EROFS: "所在的磁盘是只读的", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
            errno.EFBIG: "文件超出了允许的大小", errno.ENOTDIR: "路径中有一项不是文件夹",
            errno.EEXIST: "路径中有一项不是文件夹", errno.EISDIR: "这是一个文件夹",
            getattr(errno, "ELOOP", -2): "路径中有循环的链接", errno.ENAMETOOLONG: "路径太长"}


def shown(path: Path) -> str:
    """``path`` as the user knows it: relative to the repository when it is inside."""
    for root in _ROOTS:
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    return str(path)


def failure(path: Path, error: OSError) -> WriteError:
    """The WriteError for an OSError met while writing ``path``."""
    if isinstance(error, WriteError):
        return error
    reason = _REASONS.get(error.errno or 0, error.strerror or str(error))
    return WriteError(f"无法写入 {shown(path)}：{reason}", error.errno or 0)


def check_folders(path: Path) -> None:
    """Every existing folder from the repository down to ``path``'s is a real folder."""
    for root in _ROOTS:
        if not path.is_relative_to(root):
            continue
        current = root
        for part in path.parent.relative_to(root).parts:
            current = current / part
            try:
                info = os.lstat(current)
            except FileNotFoundError:
                return                      # made below by mkdir, as real folders
            except OSError as e:
                raise failure(path, e) from e
            if stat.S_ISLNK(info.st_mode):
                raise WriteError(f"无法写入 {shown(path)}：{shown(current)} 是一个链接"
                                 f"（指向 {os.readlink(current)}），不会写入链接指向的位置；"
                                 "请删除这个链接", getattr(errno, "ELOOP", 0))
            if not stat.S_ISDIR(info.st_mode):
                raise WriteError(f"无法写入 {shown(path)}：{shown(current)} 不是文件夹"
                                 "（是一个文件）；请删除或改名", errno.ENOTDIR)
        return


def linked(path: Path) -> bool:
    """Whether writing (or deleting) ``path`` would go through a linked folder (see above)."""
    try:
        check_folders(Path(os.path.abspath(path)))
    except WriteError:
        return True
    return False


def write_atomic(path: Path, data: bytes, *, sync: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically; False (and nothing written) when it already holds
    exactly that. A file that exists keeps its permissions; a new one (or one that replaces a
    link) is 0644. Without ``sync`` the bytes are not forced to the disk first (thousands of
    web pages, each rebuilt by the next run if a crash lost it)."""
    path = Path(os.path.abspath(path))
    check_folders(path)
    mode = 0o644
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        pass
    except OSError as e:
        raise failure(path, e) from e
    else:
        if stat.S_ISDIR(info.st_mode):
            raise WriteError(f"无法写入 {shown(path)}：这是一个文件夹", errno.EISDIR)
        if stat.S_ISREG(info.st_mode):
            if info.st_size == len(data) and _holds(path, data):
                return False
            mode = stat.S_IMODE(info.st_mode)
    try:
        _replace(path, data, mode, sync)
    except OSError as e:
        raise failure(path, e) from e
    return True


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() == data
    except OSError:
        return False


def _replace(path: Path, data: bytes, mode: int, sync: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if sync:
                os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> bool:
    """write_atomic of UTF-8 text."""
    return write_atomic(path, text.encode("utf-8"))
