"""Cross-file rules on loaded models (DESIGN §5), as pure functions returning findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pipeline.yamlio import Loc
from schemas.application import Application
from schemas.program import Program
from schemas.registry import Registry, Society


@dataclass(frozen=True)
class Finding:
    """A rule broken at a location inside one file."""

    loc: Loc
    code: str
    message: str


def yuan(amount: Decimal) -> str:
    """20000 → '20,000', 5000.5 → '5,000.50'."""
    text = f"{amount:,.2f}"
    return text.removesuffix(".00")


def check_identity(year: object, society: object, *, folder_year: int, folder_society: str,
                   registry: Registry | None) -> list[Finding]:
    """年度 and 学会 agree with the folder the file sits in, and the society is registered."""
    found: list[Finding] = []
    if year is not None and str(year) != str(folder_year):
        found.append(Finding(("年度",), "year-mismatch",
                             f"年度「{year}」与所在文件夹 {folder_year} 不一致"))
    if society is not None and society != folder_society:
        found.append(Finding(("学会",), "society-mismatch",
                             f"学会「{society}」与所在文件夹「{folder_society}」不一致"))
    elif registry is not None and society is not None and registry.get(str(society)) is None:
        found.append(Finding(("学会",), "society-unknown",
                             f"学会「{society}」不在学会名录（config/societies.yaml）中"))
    return found


def check_application(app: Application, program: Program | None, registry: Registry | None,
                      today: date) -> list[Finding]:
    """Every rule a submitted application must satisfy on its own and against the config."""
    found = check_budget(app)
    if app.founded > today:
        found.append(Finding(("成立时间",), "founded-future", f"成立时间 {app.founded} 晚于今天"))
    if program is None:
        found.append(Finding(("年度",), "program-missing",
                             f"没有 {app.year} 年度的申报通知（config/program-{app.year}.yaml）"))
    else:
        found += check_against_program(app, program)
    society = registry.get(app.society) if registry else None
    if society is not None:
        found += check_eligibility(app.year, society)
    return found


def check_budget(app: Application) -> list[Finding]:
    """预算安排 lines sum exactly (in decimal) to 申报资助金额."""
    total = sum((line.amount for line in app.budget), Decimal(0))
    if total == app.amount:
        return []
    gap = total - app.amount
    more = "多" if gap > 0 else "少"
    return [Finding(("预算安排",), "budget-sum",
                    f"预算安排合计 {yuan(total)} 元，与申报资助金额 {yuan(app.amount)} 元不一致"
                    f"（{more} {yuan(abs(gap))} 元）")]


def check_against_program(app: Application, program: Program) -> list[Finding]:
    """Amount within the program's limit; category and sub-type offered by the program."""
    found: list[Finding] = []
    if app.amount > program.amount:
        found.append(Finding(("申报资助金额",), "amount-over",
                             f"申报资助金额 {yuan(app.amount)} 元超过每个项目的资助上限 "
                             f"{yuan(program.amount)} 元"))
    subtypes = program.categories.get(app.category)
    if subtypes is None:
        found.append(Finding(("申请资助类别",), "category-unknown",
                             f"{program.year} 年度没有“{app.category}”类项目"))
    elif app.subtype not in subtypes:
        found.append(Finding(("项目形式",), "subtype-mismatch",
                             f"项目形式「{app.subtype}」不属于“{app.category}”类，"
                             f"应为：{'、'.join(subtypes)}"))
    return found


def check_eligibility(year: int, society: Society) -> list[Finding]:
    """近两年年检不合格, or an earlier 党建强会 project not accepted → not fundable."""
    return [Finding(("学会",), "ineligible", reason) for reason in ineligibility(year, society)]


def ineligibility(year: int, society: Society) -> list[str]:
    """The reasons (Chinese) why a society may not be funded in `year`; empty when eligible."""
    reasons = [f"{society.name} {y} 年年检{society.inspections[y]}：近两年年检不合格的学会不予资助"
               for y in (year - 2, year - 1) if society.inspections.get(y) == "不合格"]
    reasons += [f"{society.name}往年项目「{p.name}」（{p.year} 年度）尚未验收通过：不予资助"
                for p in society.past if p.year < year and not p.accepted]
    return reasons
