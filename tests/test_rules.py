"""pipeline.core.rules: pure functions over loaded models, checked with tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pipeline.core import facts, rules
from pipeline.core.rules import Finding
from pipeline.forms.yamlio import load_file
from schemas.application import Application
from schemas.program import Program
from schemas.registry import Registry, Society

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2022, 5, 10)


@pytest.fixture(scope="module")
def app() -> Application:
    """The demo hbjx application: submitted, 20,000 元 in five budget lines."""
    data = load_file(REPO / "submissions/2022/hbjx/application.yaml").data
    return Application.model_validate(data)


@pytest.fixture(scope="module")
def program() -> Program:
    return Program.model_validate(load_file(REPO / "config/program-2022.yaml").data)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.model_validate(load_file(REPO / "config/societies.yaml").data)


def with_budget(app: Application, amount: str, *lines: str) -> Application:
    budget = [app.budget[0].model_copy(update={"amount": Decimal(x)}) for x in lines]
    return app.model_copy(update={"amount": Decimal(amount), "budget": budget})


def society(inspections: dict[int, str] | None = None,
            past: list[tuple[int, bool]] | None = None) -> Society:
    return Society.model_validate({
        "id": "hbcs", "学会名称": "湖北省测试学会", "党组织名称": "湖北省测试学会党支部",
        "年检": {str(y): r for y, r in (inspections or {}).items()},
        "往年项目": [{"年度": str(y), "项目名称": f"{y}年项目", "验收通过": "是" if ok else "否"}
                 for y, ok in (past or [])]})


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


# --- amounts in words users read --------------------------------------------------------

@pytest.mark.parametrize(("amount", "text"), [
    ("20000", "20,000"), ("20000.00", "20,000"), ("5000.5", "5,000.50"), ("0.1", "0.10"),
    ("1234567.89", "1,234,567.89"), ("999", "999"), ("1E+3", "1,000"),
])
def test_yuan(amount: str, text: str) -> None:
    assert rules.yuan(Decimal(amount)) == text


# --- 预算安排 sums to 申报资助金额, in decimal ----------------------------------------------

@pytest.mark.parametrize(("amount", "lines", "message"), [
    ("20000", ["6000", "5000", "3500", "4000", "1500"], None),
    ("20000", ["20000.00"], None),
    ("0.3", ["0.1", "0.2"], None),                             # 0.1 + 0.2 != 0.3 in float
    ("10000.03", ["3333.01", "3333.01", "3334.01"], None),
    ("20000", ["6000", "5000", "3500", "4000", "500"],
     "预算安排合计 19,000 元，与申报资助金额 20,000 元不一致（少 1,000 元）"),
    ("20000", ["6000", "5000", "3500", "4000", "1500.50"],
     "预算安排合计 20,000.50 元，与申报资助金额 20,000 元不一致（多 0.50 元）"),
    ("20000", ["19999.99"],
     "预算安排合计 19,999.99 元，与申报资助金额 20,000 元不一致（少 0.01 元）"),
])
def test_check_budget(app: Application, amount: str, lines: list[str],
                      message: str | None) -> None:
    findings = rules.check_budget(with_budget(app, amount, *lines))
    if message is None:
        assert findings == []
    else:
        assert findings == [Finding(("预算安排",), "budget-sum", message)]


# --- amount limit, category and sub-type against the program -----------------------------

@pytest.mark.parametrize(("amount", "over"), [
    ("20000", False), ("19999.99", False), ("0.01", False), ("20000.01", True),
    ("25000", True),
])
def test_amount_limit(app: Application, program: Program, amount: str, over: bool) -> None:
    findings = rules.check_against_program(with_budget(app, amount, amount), program)
    assert codes(findings) == (["amount-over"] if over else [])
    if over:
        assert findings[0].loc == ("申报资助金额",)
        assert "超过每个项目的资助上限 20,000 元" in findings[0].message


SUBTYPES = {
    "阵地建设": ["党员之家", "网上党员会员之家", "教育培训基地", "实践基地"],
    "特色活动": ["党建+智库", "党建+学术", "党建+科普", "党建+人才", "党建+协作"],
}
ALL_PAIRS = [(c, s) for c in SUBTYPES for subs in SUBTYPES.values() for s in subs]


@pytest.mark.parametrize(("category", "subtype"), ALL_PAIRS)
def test_subtype_belongs_to_category(app: Application, program: Program, category: str,
                                     subtype: str) -> None:
    changed = app.model_copy(update={"category": category, "subtype": subtype})
    findings = rules.check_against_program(changed, program)
    if subtype in SUBTYPES[category]:
        assert findings == []
    else:
        assert codes(findings) == ["subtype-mismatch"]
        assert findings[0].loc == ("项目形式",)
        assert "、".join(SUBTYPES[category]) in findings[0].message


def test_category_not_offered_this_year(app: Application, program: Program) -> None:
    only_sites = program.model_copy(update={"categories": {"阵地建设": SUBTYPES["阵地建设"]}})
    findings = rules.check_against_program(app, only_sites)
    assert findings == [Finding(("申请资助类别",), "category-unknown",
                                "2022 年度没有“特色活动”类项目")]


# --- eligibility --------------------------------------------------------------------------

@pytest.mark.parametrize(("inspections", "past", "reasons"), [
    ({2020: "合格", 2021: "合格"}, [], []),
    ({}, [], []),
    ({2020: "基本合格", 2021: "合格"}, [], []),
    ({2019: "不合格", 2020: "合格", 2021: "合格"}, [], []),       # three years ago: forgiven
    ({2022: "不合格"}, [], []),                                   # this year's is not yet counted
    ({2020: "不合格", 2021: "合格"}, [],
     ["湖北省测试学会 2020 年年检不合格：近两年年检不合格的学会不予资助"]),
    ({2021: "不合格"}, [], ["湖北省测试学会 2021 年年检不合格：近两年年检不合格的学会不予资助"]),
    ({}, [(2021, True)], []),
    ({}, [(2021, False)], ["湖北省测试学会往年项目「2021年项目」（2021 年度）尚未验收通过：不予资助"]),
    ({}, [(2018, False)], ["湖北省测试学会往年项目「2018年项目」（2018 年度）尚未验收通过：不予资助"]),
    ({}, [(2022, False)], []),                                    # this round's own project
    ({2020: "不合格", 2021: "不合格"}, [(2021, False)], [
        "湖北省测试学会 2020 年年检不合格：近两年年检不合格的学会不予资助",
        "湖北省测试学会 2021 年年检不合格：近两年年检不合格的学会不予资助",
        "湖北省测试学会往年项目「2021年项目」（2021 年度）尚未验收通过：不予资助"]),
])
def test_ineligibility(inspections: dict[int, str], past: list[tuple[int, bool]],
                       reasons: list[str]) -> None:
    assert facts.ineligibility(2022, society(inspections, past), ()) == reasons


@pytest.mark.parametrize(("society_id", "eligible"), [
    ("hbjx", True), ("hbqx", True), ("hbsl", False), ("hbcl", False),
])
def test_registry_eligibility(registry: Registry, society_id: str, eligible: bool) -> None:
    entry = registry.get(society_id)
    assert entry is not None
    assert (facts.ineligibility(2022, entry, ()) == []) is eligible


# --- identity: the file sits in its own folder ---------------------------------------------

@pytest.mark.parametrize(("year", "society_id", "found"), [
    ("2022", "hbjx", []),
    (2022, "hbjx", []),
    (None, None, []),                                   # a draft may not say yet
    ("2021", "hbjx", ["year-mismatch"]),
    ("2022", "hbnx", ["society-mismatch"]),
    ("2021", "hbnx", ["year-mismatch", "society-mismatch"]),
])
def test_check_identity(registry: Registry, year: Any, society_id: Any,
                        found: list[str]) -> None:
    findings = rules.check_identity(year, society_id, folder_year=2022, folder_society="hbjx",
                                    registry=registry)
    assert codes(findings) == found


def test_unknown_society(registry: Registry) -> None:
    findings = rules.check_identity("2022", "hbxx", folder_year=2022, folder_society="hbxx",
                                    registry=registry)
    assert findings == [Finding(("学会",), "society-unknown",
                                "学会「hbxx」不在学会名录（config/societies.yaml）中")]


def test_unknown_society_without_registry() -> None:
    assert rules.check_identity("2022", "hbxx", folder_year=2022, folder_society="hbxx",
                                registry=None) == []


# --- the whole application ------------------------------------------------------------------

def test_demo_application_passes(app: Application, program: Program,
                                 registry: Registry) -> None:
    assert rules.check_application(app, program, registry, TODAY) == []


@pytest.mark.parametrize(("founded", "future"), [
    (date(2018, 6, 1), False), (TODAY, False), (date(2022, 5, 11), True),
])
def test_founded_in_the_future(app: Application, program: Program, registry: Registry,
                               founded: date, future: bool) -> None:
    changed = app.model_copy(update={"founded": founded})
    findings = rules.check_application(changed, program, registry, TODAY)
    assert codes(findings) == (["founded-future"] if future else [])


def test_program_missing(app: Application, registry: Registry) -> None:
    findings = rules.check_application(app, None, registry, TODAY)
    assert findings == [Finding(("年度",), "program-missing",
                                "没有 2022 年度的申报通知（config/program-2022.yaml）")]


def test_all_rules_are_reported_together(app: Application, program: Program,
                                         registry: Registry) -> None:
    changed = with_budget(app.model_copy(update={"society": "hbsl", "founded": date(2099, 1, 1),
                                                 "category": "阵地建设"}), "25000", "1000")
    findings = rules.check_application(changed, program, registry, TODAY)
    assert codes(findings) == ["budget-sum", "founded-future", "amount-over", "subtype-mismatch"]
