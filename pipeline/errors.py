"""The one user-facing error type and the problem record every check produces."""

from __future__ import annotations

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
