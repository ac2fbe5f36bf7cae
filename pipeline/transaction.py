"""A command's writes to the user's files, all or nothing.

`Transaction` is entered before the first write with every file the command may write and,
for a command that commits, the paths it stages. It keeps what they were: each file's bytes
(or that it did not exist) and, through pipeline.history.vcs, the index entries under the
staged paths. Should anything fail before the end — a check that rejects what was written, a
`git commit` refused by a hook or a locked index, a full disk, Ctrl-C — every file and the
index are put back exactly as they were, and the error goes on, saying what failed and that
nothing was changed. Every command that writes a user's file (submit, review, rank,
spot-check, export, codeowners) writes through one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from pipeline.atomic import write_atomic
from pipeline.errors import Problem, QianghuiError, os_reason

if TYPE_CHECKING:
    from pipeline.history.vcs import Vcs


class Transaction:
    """The files a command writes (and the index paths it stages), restored on any failure."""

    def __init__(self, files: Sequence[Path], vcs: Vcs | None = None,
                 staged: Sequence[Path] = (), *, shown: Callable[[Path], str] = str) -> None:
        self.files = list(files)
        self.vcs = vcs
        self.staged = list(staged)
        self.shown = shown
        self.before: dict[Path, bytes | None] = {}
        self.index: dict[str, str] = {}
        self.folders: list[Path] = []       # created by a write, deepest first: removed again
        self.finished = False

    def __enter__(self) -> Transaction:
        for path in self.files:
            if path.is_symlink() or (path.exists() and not path.is_file()):
                raise QianghuiError(f"{self.shown(path)} 不是普通文件（是符号链接、文件夹或设备），不会写入")
            self.before[path] = path.read_bytes() if path.exists() else None
            self.folders += [f for f in missing_folders(path.parent) if f not in self.folders]
        if self.vcs is not None and self.staged:
            self.index = self.vcs.index_entries(self.staged)
        return self

    def write(self, path: Path, data: bytes) -> None:
        """Write one of the transaction's files (atomically, as every write is)."""
        if path not in self.before:
            raise ValueError(f"{path} is not one of this transaction's files")
        write_atomic(path, data)

    def reject(self, message: str, problems: list[Problem]) -> None:
        """Give up when what was written has problems (the error restores the files)."""
        if problems:
            raise QianghuiError(message, problems)

    def commit(self, message: str) -> str:
        """Stage the staged paths and commit them: the transaction's last step."""
        assert self.vcs is not None
        sha = self.vcs.commit(self.staged, message)
        self.finished = True
        return sha

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        if error is None or self.finished:
            return
        failures = self.restore()
        names = "、".join(self.shown(p) for p in self.files) or "git 暂存区"
        said = (f"{names} 已恢复原样" if not failures else
                f"未能恢复：{'；'.join(failures)}——请用 git status 查看并手工恢复")
        if isinstance(error, QianghuiError):
            text, colon = error.message.removesuffix("："), "：" if error.message.endswith("：") else ""
            raise QianghuiError(f"{text}（{said}{'' if failures else '，未作任何修改'}）{colon}",
                                error.problems) from error
        if isinstance(error, OSError):
            raise QianghuiError(f"写入失败：{os_reason(error)}（{said}）") from error
        # anything else (Ctrl-C, a bug) goes on as it is, after the files came back

    def restore(self) -> list[str]:
        """Put every file and the index back; what could not be restored, in words."""
        failures = []
        for path, data in self.before.items():
            try:
                if data is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomic(path, data)
            except OSError as e:
                failures.append(f"{self.shown(path)}（{os_reason(e)}）")
        for folder in self.folders:
            try:
                folder.rmdir()
            except OSError:
                pass                # not empty (someone else's file), or already gone
        if self.vcs is not None and self.staged:
            try:
                self.vcs.restage(self.index, self.staged)
            except QianghuiError as e:
                failures.append(f"git 暂存区（{e.message}）")
        return failures


def missing_folders(folder: Path) -> list[Path]:
    """The folders a write into `folder` would create, deepest first."""
    found = []
    while not folder.exists() and folder != folder.parent:
        found.append(folder)
        folder = folder.parent
    return found
