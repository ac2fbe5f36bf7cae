"""The one user-facing error type and the problem record every check produces."""

from __future__ import annotations

import errno
from dataclasses import asdict, dataclass

Loc = tuple[str | int, ...]        # where inside a file: keys and list positions


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, pointing at a line (1-based; 0 when unknown)."""

    path: str
    line: int
    column: int
    field: str
    code: str
    message: str
    warning: bool = False           # a hint (a draft's rule findings): shown, never failing

    def format(self) -> str:
        """Render as `path:line:col: 消息 (字段)` (a warning's message starts with 提示：)."""
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        suffix = f" ({self.field})" if self.field else ""
        return f"{where}: {'提示：' if self.warning else ''}{self.message}{suffix}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class QianghuiError(Exception):
    """An expected failure caused by user input; the CLI prints it and exits 1."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class UsageError(QianghuiError):
    """The command line itself is wrong; the CLI exits 2."""


@dataclass(frozen=True)
class Finding:
    """A rule broken at a location inside one file."""

    loc: Loc
    code: str
    message: str


_REASONS = {
    errno.ENOSPC: "磁盘已满", errno.EDQUOT: "磁盘配额已用完", errno.EFBIG: "文件太大",
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EROFS: "只读的文件系统",
    errno.ENOENT: "不存在", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "是一个文件夹",
    errno.EEXIST: "已经存在", errno.ENAMETOOLONG: "名称太长", errno.ELOOP: "符号链接太多（可能循环）",
    errno.EIO: "读写出错（设备故障？）", errno.EBADF: "已经关闭", errno.EPIPE: "读取的一方已经关闭",
    errno.EMFILE: "同时打开的文件太多", errno.ENFILE: "同时打开的文件太多", errno.EBUSY: "正被占用",
    errno.ETXTBSY: "正被占用", errno.EINVAL: "无效的参数", errno.ENXIO: "设备不存在",
    errno.ENODEV: "设备不存在", errno.EAGAIN: "暂时不可用，请重试", errno.EINTR: "被中断",
}


def os_reason(error: OSError) -> str:
    """Why an operation on a file failed, in Chinese (Python's strerror is English): the words
    for the errno, or its symbolic name."""
    code = error.errno or 0
    return _REASONS.get(code) or f"系统错误 {errno.errorcode.get(code, code)}"
