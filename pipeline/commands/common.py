"""What several commands share: the default year, one project evaluated, the acting person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.core.layout import Layout
from pipeline.core.projects import Project
from pipeline.errors import Problem, QianghuiError, UsageError
from pipeline.forms.validate import ValidationResult
from schemas.registry import Person

if TYPE_CHECKING:                 # git (and GitPython) only for the commands that commit
    from pipeline.history.vcs import Vcs


def default_year(lay: Layout, year: int | None) -> int:
    """The year named, or the latest year that has a program file."""
    if year is not None:
        return year
    years = lay.years()
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
