"""The two streams the history check lives on, read as git writes them (GitPython's as_process,
started by pipeline.history.vcs): `git diff-tree --stdin -z` over listed commits — the first part
streamed, later parts copied to files by threads while it is judged — and one `git cat-file
--batch` with blob requests pipelined (asked ahead, answers read in order) — and the boundary
where GitPython's errors become Chinese QianghuiErrors (`converted`)."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from git.exc import GitCommandError, GitCommandNotFound

from pipeline.errors import QianghuiError

if TYPE_CHECKING:
    from pipeline.history.vcs import Vcs

ZERO = "0" * 40          # the blob id git gives a file that is not there
WINDOW = 1000            # blob requests in flight (41 bytes each: far below a pipe's 64 KB)


class _DiffTree:
    """One `git diff-tree --stdin` over a list of commits: streamed, or (a later part, run side
    by side) copied to a file by a thread while the earlier parts are judged."""

    def __init__(self, vcs: Vcs, command: list[str], shas: list[str], base: Path,
                 stream: bool) -> None:
        Path(f"{base}.in").write_text("\n".join(shas) + "\n", encoding="ascii")
        self.out_path = Path(f"{base}.out")
        with open(f"{base}.in", "rb") as stdin:
            self.proc = vcs.stream("diff-tree", *command, istream=stdin)
        self.copier: threading.Thread | None = None
        if not stream:
            self.copier = threading.Thread(target=self._copy, daemon=True)
            self.copier.start()

    def _copy(self) -> None:
        with open(self.out_path, "wb") as out:
            shutil.copyfileobj(self.proc.stdout, out, 1 << 16)

    def tokens(self) -> Iterator[str]:
        """The NUL-separated fields of the output (`-z`), in order."""
        stream = self.proc.stdout
        if self.copier is None:
            yield from split_nul(iter(lambda: stream.read1(1 << 16), b""))
        else:
            self.copier.join()
        with converted("diff-tree"):
            self.proc.wait()
        if self.copier is not None:
            with open(self.out_path, "rb") as handle:
                yield from split_nul(iter(lambda: handle.read(1 << 16), b""))

    def close(self) -> None:
        proc = self.proc.proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if self.copier is not None:
            self.copier.join()
        if proc is not None and proc.stdout is not None:
            proc.stdout.close()


def split_nul(blocks: Iterator[bytes]) -> Iterator[str]:
    """Blocks of `-z` output as its NUL-separated fields. A block is cut at its last NUL, and
    a NUL never occurs inside a UTF-8 character, so each part decodes whole (bytes that are not
    UTF-8 — a name git was given in another encoding — become U+FFFD)."""
    pending = b""
    for block in blocks:
        data = pending + block
        cut = data.rfind(b"\0")
        if cut < 0:
            pending = data
            continue
        pending = data[cut + 1:]
        yield from data[:cut].decode("utf-8", "replace").split("\0")
    if pending:
        yield pending.decode("utf-8", "replace")


class Blobs:
    """Blob contents from one `git cat-file --batch` process, with requests pipelined: ask for
    what will be needed, and git reads it while the caller works on what it already has."""

    def __init__(self, vcs: Vcs) -> None:
        self.proc = vcs.stream("cat-file", "--batch", istream=subprocess.PIPE)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.store: dict[str, bytes | None] = {}
        self.asked: deque[str] = deque()          # requested, answers not read yet, in order
        self.pending: set[str] = set()

    def ask(self, shas: Iterable[str]) -> None:
        for sha in shas:
            if sha in self.store or sha in self.pending or sha == ZERO:
                continue
            if len(self.asked) >= WINDOW:
                self._answer()
            self.stdin.write(sha.encode("ascii") + b"\n")
            self.asked.append(sha)
            self.pending.add(sha)

    def get(self, sha: str) -> bytes:
        if sha not in self.store:
            self.ask([sha])
            while sha not in self.store:
                self._answer()
        content = self.store[sha]
        if content is None:
            raise QianghuiError(f"git 仓库中缺少对象 {sha}（仓库可能不完整）")
        return content

    def _answer(self) -> None:
        """Read the answer to the oldest request."""
        self.stdin.flush()
        sha = self.asked.popleft()
        self.pending.discard(sha)
        header = self.stdout.readline().split()
        if len(header) != 3:        # "<sha> missing", or the process died
            self.store[sha] = None
            if not header:
                raise QianghuiError("git cat-file 意外退出")
            return
        size = int(header[2])
        self.store[sha] = self.stdout.read(size + 1)[:size]

    def close(self) -> None:
        try:
            self.stdin.close()
        except OSError:
            pass
        proc = self.proc.proc
        if proc is not None:
            proc.kill()
            proc.wait()
        self.stdout.close()


class converted:
    """GitPython's errors, at the boundary: a QianghuiError naming the git command and git's
    own reason."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
        if isinstance(error, GitCommandNotFound):
            raise QianghuiError("无法运行 git（请先安装 git）") from error
        if isinstance(error, GitCommandError):
            raise QianghuiError(f"git {self.command} 失败：{_git_message(_stderr_of(error))}") from error


def _stderr_of(error: GitCommandError) -> bytes:
    """git's own standard error, as GitPython kept it ("\\n  stderr: '…'")."""
    text = error.stderr if isinstance(error.stderr, str) else str(error.stderr or "")
    match = re.fullmatch(r"\s*stderr: '(.*)'\s*", text, re.S)
    return (match.group(1) if match else text).encode("utf-8", "replace")


def _git_message(stderr: bytes) -> str:
    """What git said went wrong: its fatal/error line (hints and usage lines are not the
    reason), else its last line."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return lines[-1] if lines else "未知错误"
