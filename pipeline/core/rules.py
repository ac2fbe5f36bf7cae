"""Cross-file rules on loaded models (DESIGN §5), as pure functions returning findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from pipeline.errors import Finding, Loc
from schemas.application import Application
from schemas.completion import Completion
from schemas.program import Program
from schemas.registry import SocietyLookup


def yuan(amount: Decimal) -> str:
    """20000 → '20,000', 5000.5 → '5,000.50'."""
    text = f"{amount:,.2f}"
    return text.removesuffix(".00")


def check_identity(year: object, society: object, *, folder_year: int, folder_society: str,
                   registry: SocietyLookup | None) -> list[Finding]:
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


Rule = Callable[[], list[Finding]]


def apply(rules: Iterable[Rule], *, partial: bool = False) -> list[Finding]:
    """Every rule's findings. On a partial model (a form whose other fields failed: see
    pipeline.loading.partial_model) a rule that reads a field which did not parse is skipped
    — that field's own error is reported already."""
    found: list[Finding] = []
    for rule in rules:
        if not partial:
            found += rule()
            continue
        try:
            found += rule()
        except AttributeError:
            continue
    return found


def application_rules(app: Application, program: Program | None,
                      registry: SocietyLookup | None, today: date) -> list[Rule]:
    """The rules of a submitted application, each reading only the fields it needs."""
    return [lambda: check_budget(app), lambda: check_founded(app, today),
            lambda: check_amount(app, program), lambda: check_category(app, program)]


def check_application(app: Application, program: Program | None, registry: SocietyLookup | None,
                      today: date) -> list[Finding]:
    """Every rule a submitted application must satisfy on its own and against the config."""
    return apply(application_rules(app, program, registry, today))


def check_founded(app: Application, today: date) -> list[Finding]:
    if app.founded > today:
        return [Finding(("成立时间",), "founded-future", f"成立时间 {app.founded} 晚于今天")]
    return []


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
    return check_amount(app, program) + check_category(app, program)


def check_amount(app: Application, program: Program | None) -> list[Finding]:
    """Amount within the program's limit (and a program to judge it by)."""
    if program is None:
        return [Finding(("年度",), "program-missing",
                        f"没有 {app.year} 年度的申报通知（config/program-{app.year}.yaml）")]
    if app.amount > program.amount:
        return [Finding(("申报资助金额",), "amount-over",
                        f"申报资助金额 {yuan(app.amount)} 元超过每个项目的资助上限 "
                        f"{yuan(program.amount)} 元")]
    return []


def check_category(app: Application, program: Program | None) -> list[Finding]:
    """Category and sub-type offered by the program."""
    if program is None:
        return []
    found: list[Finding] = []
    subtypes = program.categories.get(app.category)
    if subtypes is None:
        found.append(Finding(("申请资助类别",), "category-unknown",
                             f"{program.year} 年度没有“{app.category}”类项目"))
    elif app.subtype not in subtypes:
        found.append(Finding(("项目形式",), "subtype-mismatch",
                             f"项目形式「{app.subtype}」不属于“{app.category}”类，"
                             f"应为：{'、'.join(subtypes)}"))
    return found


def check_completion(report: Completion, app: Application, grant: Decimal) -> list[Finding]:
    """结题报告 against its application: every goal answered, every budget line accounted for,
    and the grant spent exactly ("资助类项目经费必须按预算执行完毕")."""
    return [*check_goals(report, app), *check_finance(report, app, grant)]


def check_goals(report: Completion, app: Application) -> list[Finding]:
    """One 目标完成情况 per 预期目标 of the application, matched by text."""
    wanted = list(app.theme.goals)
    found = [Finding(("目标完成情况", i, "目标"), "goal-unknown",
                     f"申报表的预期目标中没有「{g.goal}」：请照抄申报表中的目标")
             for i, g in enumerate(report.goals) if g.goal not in wanted]
    seen: set[str] = set()
    for i, g in enumerate(report.goals):
        if g.goal in seen:
            found.append(Finding(("目标完成情况", i, "目标"), "goal-duplicate",
                                 f"预期目标「{g.goal}」重复填写了完成情况"))
        seen.add(g.goal)
    answered = {g.goal for g in report.goals}
    found += [Finding(("目标完成情况",), "goal-missing", f"预期目标「{goal}」没有填写完成情况")
              for goal in wanted if goal not in answered]
    return found


def check_finance(report: Completion, app: Application, grant: Decimal) -> list[Finding]:
    """财务总结 line by line against 预算安排, and total spending equal to the grant."""
    budget = {line.item: line.amount for line in app.budget}
    found: list[Finding] = []
    for i, line in enumerate(report.finance):
        loc: Loc = ("财务总结", i)
        if line.item not in budget:
            found.append(Finding((*loc, "项目"), "finance-unknown-line",
                                 f"预算安排中没有「{line.item}」这一项"))
            continue
        if line.budget != budget[line.item]:
            found.append(Finding((*loc, "预算"), "finance-budget-mismatch",
                                 f"「{line.item}」预算应为 {yuan(budget[line.item])} 元（申报表），"
                                 f"这里写的是 {yuan(line.budget)} 元"))
        if line.actual != budget[line.item]:
            found.append(Finding((*loc, "实际"), "finance-not-executed",
                                 f"「{line.item}」实际支出 {yuan(line.actual)} 元，与预算 "
                                 f"{yuan(budget[line.item])} 元不一致：资助经费须按预算执行完毕"))
    listed = {line.item for line in report.finance}
    found += [Finding(("财务总结",), "finance-missing-line", f"预算项目「{item}」没有填写实际支出")
              for item in budget if item not in listed]
    spent = sum((line.actual for line in report.finance), Decimal(0))
    if spent != grant:
        found.append(Finding(("财务总结",), "finance-total",
                             f"实际支出合计 {yuan(spent)} 元，与资助金额 {yuan(grant)} 元不一致"))
    return found
