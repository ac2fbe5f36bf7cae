"""The status machine (DESIGN §4) as a table: every state, every transition, every forbidden one.

`status.derive` is pure: each row is the Facts the files of one project state, the status they
mean, and the violations (a keyword of each message) that make the files contradictory.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from pipeline.core import status
from pipeline.core.status import Facts, Verdict

APP = "a" * 64          # the application as it is now
OLD = "b" * 64          # an earlier revision of it
REPORT = "c" * 64       # the completion report as it is now
OLD_REPORT = "d" * 64   # an earlier revision of the report

SUBMITTED = "已提交"


def rejected(version: str = APP) -> Verdict:
    return Verdict("驳回", f"sha256:{version}")


def passed(version: str = APP) -> Verdict:
    return Verdict("通过", f"sha256:{version}")


def funded(**report: object) -> Facts:
    """A funded project (通过 on the current application, approved selection) plus its report."""
    return Facts(SUBMITTED, APP, passed(), selected=True, **report)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Row:
    facts: Facts
    status: str
    violations: tuple[str, ...] = ()   # one keyword per expected violation message


ROWS: dict[str, Row] = {
    # -- 申报 ---------------------------------------------------------------------------------
    "草稿": Row(Facts("草稿", APP), status.DRAFT),
    "草稿 without any hash yet": Row(Facts("草稿"), status.DRAFT),
    "提交 → 未审核": Row(Facts(SUBMITTED, APP), status.PENDING),
    "驳回 → 已驳回": Row(Facts(SUBMITTED, APP, rejected()), status.RETURNED),
    "驳回 version written without prefix": Row(Facts(SUBMITTED, APP, Verdict("驳回", APP)),
                                              status.RETURNED),
    "已驳回, edited as 草稿": Row(Facts("草稿", APP, rejected(OLD)), status.DRAFT),
    "已驳回, set back to 草稿 unchanged": Row(Facts("草稿", APP, rejected()), status.DRAFT),
    "已驳回, edit + 提交 → 未审核": Row(Facts(SUBMITTED, APP, rejected(OLD)), status.PENDING),
    "通过 alone is not yet 立项": Row(Facts(SUBMITTED, APP, passed()), status.PENDING),
    "通过 + approved selection → 已立项": Row(funded(), status.FUNDED),
    "selected without a decision → 已立项": Row(Facts(SUBMITTED, APP, selected=True), status.FUNDED),
    "round closed, not selected → 未立项": Row(Facts(SUBMITTED, APP, round_closed=True),
                                              status.DECLINED),
    "round closed, 通过 but not selected → 未立项": Row(
        Facts(SUBMITTED, APP, passed(), round_closed=True), status.DECLINED),
    "round closed, selected → 已立项": Row(
        Facts(SUBMITTED, APP, passed(), selected=True, round_closed=True), status.FUNDED),
    "round closed, 已驳回 stays 已驳回": Row(Facts(SUBMITTED, APP, rejected(), round_closed=True),
                                           status.RETURNED),
    "round closed, draft stays 草稿": Row(Facts("草稿", APP, round_closed=True), status.DRAFT),
    "ineligible society → 不符合条件": Row(Facts(SUBMITTED, APP, ineligible=("年检不合格",)),
                                         status.INELIGIBLE),
    "ineligible, round closed → 不符合条件": Row(
        Facts(SUBMITTED, APP, ineligible=("年检不合格",), round_closed=True), status.INELIGIBLE),
    "ineligible draft stays 草稿": Row(Facts("草稿", APP, ineligible=("年检不合格",)), status.DRAFT),
    "ineligible and 驳回 → 已驳回": Row(Facts(SUBMITTED, APP, rejected(), ineligible=("x",)),
                                      status.RETURNED),
    "ineligible yet funded → 已立项, a violation": Row(
        Facts(SUBMITTED, APP, passed(), selected=True, ineligible=("年检不合格",)), status.FUNDED,
        ("不符合申报条件",)),
    # -- 结题 ---------------------------------------------------------------------------------
    "已立项 + 实施方案 提交 → 实施中": Row(funded(plan_state=SUBMITTED), status.IMPLEMENTING),
    "实施方案 still a draft → 已立项": Row(funded(plan_state="草稿"), status.FUNDED),
    "实施中, report a draft → 实施中": Row(
        funded(plan_state=SUBMITTED, report_state="草稿", report_sha256=REPORT), status.IMPLEMENTING),
    "实施中, report 提交 → 待验收": Row(
        funded(plan_state=SUBMITTED, report_state=SUBMITTED, report_sha256=REPORT), status.REPORTED),
    "a plan before 立项 changes nothing": Row(Facts(SUBMITTED, APP, plan_state=SUBMITTED),
                                              status.PENDING),
    "已立项, report still a draft": Row(funded(report_state="草稿", report_sha256=REPORT),
                                      status.FUNDED),
    "结题报告 提交 → 待验收": Row(funded(report_state=SUBMITTED, report_sha256=REPORT),
                                status.REPORTED),
    "结题 驳回 → 结题驳回": Row(funded(report_state=SUBMITTED, report_sha256=REPORT,
                                  report_review=rejected(REPORT)), status.REPORT_RETURNED),
    "结题驳回, edited as 草稿": Row(funded(report_state="草稿", report_sha256=REPORT,
                                     report_review=rejected(OLD_REPORT)), status.FUNDED),
    "结题驳回, edit + 提交 → 待验收": Row(funded(report_state=SUBMITTED, report_sha256=REPORT,
                                         report_review=rejected(OLD_REPORT)), status.REPORTED),
    "结题 通过, scores pending → 待验收": Row(funded(report_state=SUBMITTED, report_sha256=REPORT,
                                            report_review=passed(REPORT)), status.REPORTED),
    "scores ≥ pass line → 验收通过": Row(funded(report_state=SUBMITTED, report_sha256=REPORT,
                                            report_review=passed(REPORT),
                                            acceptance=Decimal("85.5")), status.ACCEPTED),
    "scores exactly the pass line → 验收通过": Row(
        funded(report_state=SUBMITTED, report_sha256=REPORT, acceptance=Decimal(60)),
        status.ACCEPTED),
    "scores below pass line → 验收不通过": Row(
        funded(report_state=SUBMITTED, report_sha256=REPORT, acceptance=Decimal("59.99")),
        status.FAILED),
    "pass line from the program": Row(
        funded(report_state=SUBMITTED, report_sha256=REPORT, acceptance=Decimal(65),
               pass_line=Decimal(70)), status.FAILED),
    "scores but report returned → 结题驳回": Row(
        funded(report_state=SUBMITTED, report_sha256=REPORT, report_review=rejected(REPORT),
               acceptance=Decimal(90)), status.REPORT_RETURNED),
    # -- forbidden: what the files may never say -----------------------------------------------
    "application edited after 通过": Row(Facts(SUBMITTED, APP, passed(OLD)), status.PENDING,
                                        ("审核通过后又被修改",)),
    "application edited after 立项": Row(Facts(SUBMITTED, APP, passed(OLD), selected=True),
                                        status.FUNDED, ("审核通过后又被修改",)),
    "back to 草稿 after 通过": Row(Facts("草稿", APP, passed()), status.DRAFT, ("不能再改回草稿",)),
    "back to 草稿 after 立项": Row(Facts("草稿", APP, selected=True), status.DRAFT,
                                  ("不能再改回草稿",)),
    "report while 草稿": Row(Facts("草稿", APP, report_state="草稿"), status.DRAFT,
                            ("只有已立项的项目才能提交结题报告",)),
    "report while 未审核": Row(Facts(SUBMITTED, APP, report_state=SUBMITTED), status.PENDING,
                              ("只有已立项",)),
    "report after 通过 but before 立项": Row(Facts(SUBMITTED, APP, passed(), report_state="草稿"),
                                           status.PENDING, ("只有已立项",)),
    "report while 已驳回": Row(Facts(SUBMITTED, APP, rejected(), report_state=SUBMITTED),
                              status.RETURNED, ("只有已立项",)),
    "report while 未立项": Row(Facts(SUBMITTED, APP, round_closed=True, report_state=SUBMITTED),
                              status.DECLINED, ("只有已立项",)),
    "report edited after 结题 通过": Row(funded(report_state=SUBMITTED, report_sha256=REPORT,
                                             report_review=passed(OLD_REPORT)), status.REPORTED,
                                      ("结题报告在审核通过后又被修改",)),
    "edited after 立项 and report edited after 通过": Row(
        Facts(SUBMITTED, APP, passed(OLD), selected=True, report_state=SUBMITTED,
              report_sha256=REPORT, report_review=passed(OLD_REPORT)),
        status.REPORTED, ("申报表在审核通过后又被修改", "结题报告在审核通过后又被修改")),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_derive(name: str) -> None:
    row = ROWS[name]
    outcome = status.derive(row.facts)
    assert outcome.status == row.status
    assert len(outcome.violations) == len(row.violations), outcome.violations
    for keyword, message in zip(row.violations, outcome.violations, strict=True):
        assert keyword in message
    assert status.derive(row.facts) == outcome      # pure: same facts, same outcome


def test_every_status_is_reached_by_the_table() -> None:
    assert {row.status for row in ROWS.values()} == set(status.ALL)


def test_every_status_is_reached_without_violations() -> None:
    clean = {row.status for row in ROWS.values() if not row.violations}
    assert clean == set(status.ALL)


def test_violation_messages_name_the_status() -> None:
    outcome = status.derive(Facts(SUBMITTED, APP, rejected(), report_state=SUBMITTED))
    assert outcome.violations == ("项目状态为“已驳回”，只有已立项的项目才能提交结题报告",)


@pytest.mark.parametrize(("version", "judged"), [
    (f"sha256:{APP}", True), (APP, True), (f"sha256:{OLD}", False), ("", False),
])
def test_verdict_judges_one_exact_revision(version: str, judged: bool) -> None:
    assert Verdict("通过", version).judged(APP) is judged


def test_editable_and_reportable_states() -> None:
    assert set(status.EDITABLE) == {status.DRAFT, status.PENDING, status.RETURNED, status.INELIGIBLE}
    assert set(status.REPORTABLE) == {status.FUNDED, status.IMPLEMENTING, status.REPORTED,
                                      status.REPORT_RETURNED}
    assert set(status.PLANNABLE) == {status.FUNDED, status.IMPLEMENTING}
    assert not set(status.EDITABLE) & set(status.REPORTABLE)
