"""What several commands share: the default year, one project evaluated, the acting person,
and the checks of what a user types on the command line that a command will write or use."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from pipeline.core.layout import Layout
from pipeline.core.projects import Project
from pipeline.errors import Problem, QianghuiError, UsageError
from pipeline.forms.validate import ValidationResult
from schemas.characters import IDENTIFIER
from schemas.registry import Person

if TYPE_CHECKING:                 # git (and GitPython) only for the commands that commit
    from pipeline.history.vcs import Vcs


def default_year(lay: Layout, year: int | None) -> int:
    """The year named, or the latest year that has a program file (a year named must have one:
    `export --年度 2030` would otherwise write an empty register of a year that does not exist)."""
    years = lay.years()
    if year is not None:
        if year not in years:
            known = "、".join(map(str, years)) or "无"
            raise UsageError(f"没有 {year} 年度：config/program-{year}.yaml 不存在（已有的年度：{known}）")
        return year
    if not years:
        raise UsageError("config/ 下没有任何年度的申报通知（program-<年度>.yaml）：请用 --年度 指定")
    return years[-1]


def find_project(lay: Layout, year: int, society: str) -> Project:
    """The project with its derived status (its own files only)."""
    return evaluate_project(lay, year, society)[0]


def evaluate_project(lay: Layout, year: int, society: str) -> tuple[Project, ValidationResult]:
    """One project's status and the validation of its files (status contradictions included)."""
    from pipeline.run import evaluate, project_files

    if not lay.application(year, society).exists():
        raise QianghuiError(f"{year} 年度没有学会「{society}」的申报表（{lay.rel(lay.application(year, society))}）")
    validation, projects, _ = evaluate(lay, project_files(lay, [(year, society)]))
    return next(p for p in projects if (p.year, p.society) == (year, society)), validation


def problems_of(validation: ValidationResult, rel: str) -> list[Problem]:
    """The problems of one file in a validation result."""
    return [p for f in validation.files if f.path == rel for p in f.problems]


def acting_person(vcs: Vcs, lay: Layout) -> Person:
    """The person behind the configured git e-mail, who must be enabled."""
    from pipeline.forms.loading import load_config

    _, email = vcs.identity()
    people = load_config(lay).people
    person = people.by_email(email) if people else None
    if person is None or not person.enabled:
        raise QianghuiError(f"git 作者邮箱 {email} 不是 config/people.yaml 中已启用的人员")
    return person


_SOCIETY = re.compile(IDENTIFIER, re.ASCII)


def society_id(society: str) -> str:
    """A 学会 id as typed: refused (exit 2, naming it) unless it can be an id, so it never
    becomes an option, a path or a pathspec."""
    if not _SOCIETY.fullmatch(society):
        raise UsageError(f"参数 学会「{society}」不是学会 id：应为小写字母、数字和连字符（如 hbjx）")
    return society


# Characters a typed text must not carry into a file: controls (a newline only where the text
# may have lines), surrogates (bytes of argv that were not UTF-8), line and paragraph separators
# (YAML reads them as line breaks), format characters (bidi overrides, zero-width: they change
# how a document reads without showing), private-use and unassigned code points.
_REFUSED = {"Cc": "控制字符", "Cs": "不是 UTF-8 编码的字节", "Zl": "行分隔符", "Zp": "段落分隔符",
            "Cf": "不可见的格式字符（如双向文字控制符、零宽字符）", "Co": "私用区字符", "Cn": "未定义的字符"}


def checked_text(option: str, value: str, limit: int, *, lines: bool = False) -> str:
    """Text typed after `option` that a command writes into a file, stripped: refused (exit 2,
    naming the option) when blank, longer than `limit` characters, or holding a character
    the file cannot keep as typed (see _REFUSED; a line break only when `lines`)."""
    text = value.strip()
    if not text:
        raise UsageError(f"参数 {option} 不能为空")
    if len(text) > limit:
        raise UsageError(f"参数 {option} 太长（{len(text)} 字）：不能超过 {limit} 字")
    for position, char in enumerate(text, 1):
        if lines and char in "\n\t":
            continue
        kind = unicodedata.category(char)
        if kind in _REFUSED:
            raise UsageError(f"参数 {option} 的第 {position} 个字符（U+{ord(char):04X}）是{_REFUSED[kind]}，"
                             "不能写入文件")
    return text
