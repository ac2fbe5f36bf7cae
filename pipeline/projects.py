"""Projects of a round: one per application, with its derived status (pure over loaded files)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pipeline import layout, status
from pipeline.validate import Config, FileResult, ValidationResult
from schemas.application import Application


@dataclass
class Project:
    """Everything the list, the documents and status.json need about one project."""

    year: int
    society: str
    society_name: str
    application: FileResult
    status: str
    violations: tuple[str, ...] = ()
    documents: list[str] = field(default_factory=list)

    @property
    def model(self) -> Application | None:
        model = self.application.model
        return model if isinstance(model, Application) else None

    @property
    def raw(self) -> dict[str, Any]:
        data = self.application.data
        return data if isinstance(data, dict) else {}

    @property
    def problem_count(self) -> int:
        return len(self.application.problems) + len(self.violations)

    def amount(self) -> Decimal | None:
        return self.model.amount if self.model else None

    def row(self) -> dict[str, Any]:
        """The project as a flat row for tables, CSV and JSON."""
        raw = self.raw
        return {"年度": self.year, "学会": self.society, "学会名称": self.society_name,
                "项目名称": raw.get("项目名称") or "", "类别": raw.get("申请资助类别") or "",
                "项目形式": raw.get("项目形式") or "", "金额": raw.get("申报资助金额") or "",
                "状态": self.status, "错误": self.problem_count or "",
                "文档": "、".join(self.documents)}


COLUMNS = ["年度", "学会", "学会名称", "项目名称", "类别", "项目形式", "金额", "状态", "错误"]


def build_projects(result: ValidationResult, config: Config) -> list[Project]:
    """One Project per application file in the validation result, status derived."""
    projects = []
    for fr in result.files:
        if fr.kind != layout.APPLICATION:
            continue
        kind = layout.classify(fr.path)
        if kind is None or kind.year is None or kind.society is None:
            continue
        projects.append(make_project(kind.year, kind.society, fr, config))
    return projects


def make_project(year: int, society: str, fr: FileResult, config: Config) -> Project:
    data = fr.data if isinstance(fr.data, dict) else {}
    facts = status.Facts(form_state=str(data.get("状态") or status.DRAFT), sha256=fr.sha256)
    outcome = status.derive(facts)
    entry = config.registry.get(society) if config.registry else None
    return Project(year, society, entry.name if entry else society, fr, outcome.status,
                   outcome.violations)
