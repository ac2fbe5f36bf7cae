"""The status machine (DESIGN §4): a pure function of what the files say.

草稿 → 未审核 → 已驳回 → (edit + 提交) → 未审核 → 已立项 / 未立项;
已立项 → (实施方案 submitted) 实施中 → 待验收 → 结题驳回 / 验收通过 / 验收不通过.
The call asks for the plan "应在实施前上报": a funded project whose society has submitted its
实施方案 is 实施中; one without a plan stays 已立项 until its report (the report then warns).
A submitted application of a society that may not be funded this year (年检, or an earlier
project that did not pass acceptance) is 不符合条件: a status, not an error of the form, so the
office's run does not fail all year for one society; it can be neither approved nor funded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

DRAFT = "草稿"
PENDING = "未审核"
RETURNED = "已驳回"
FUNDED = "已立项"
IMPLEMENTING = "实施中"
DECLINED = "未立项"
REPORTED = "待验收"
REPORT_RETURNED = "结题驳回"
ACCEPTED = "验收通过"
FAILED = "验收不通过"
INELIGIBLE = "不符合条件"
ALL = (DRAFT, PENDING, RETURNED, INELIGIBLE, FUNDED, IMPLEMENTING, DECLINED, REPORTED, REPORT_RETURNED,
       ACCEPTED, FAILED)
EDITABLE = (DRAFT, PENDING, RETURNED, INELIGIBLE)
FINAL = (ACCEPTED, FAILED)               # an acceptance result: the report and its sheets lock
REPORTABLE = (FUNDED, IMPLEMENTING, REPORTED, REPORT_RETURNED)
PLANNABLE = (FUNDED, IMPLEMENTING)       # the 实施方案 is reported and changed before the report


@dataclass(frozen=True)
class Verdict:
    """One stage of a decision file: 结论 (驳回 | 通过) and the hash of the revision judged."""

    outcome: str
    version: str

    def judged(self, sha256: str) -> bool:
        return self.version.removeprefix("sha256:") == sha256


@dataclass(frozen=True)
class Facts:
    """What the files of one project say; every field optional but the application's state."""

    form_state: str                      # 状态 of application.yaml: 草稿 | 已提交
    sha256: str = ""
    review: Verdict | None = None        # decision.yaml 申报
    selected: bool = False               # in an approved selection.yaml
    round_closed: bool = False
    report_state: str | None = None      # 状态 of completion.yaml, if any
    report_sha256: str = ""
    report_review: Verdict | None = None  # decision.yaml 结题
    acceptance: Decimal | None = None    # combined 考核表 score, once sheets exist
    pass_line: Decimal = Decimal(60)
    ineligible: tuple[str, ...] = ()     # why the society may not be funded this year
    plan_state: str | None = None        # 状态 of plan.yaml, if any


@dataclass(frozen=True)
class Outcome:
    status: str
    violations: tuple[str, ...] = ()


def derive(f: Facts) -> Outcome:
    """The status of one project, and what in its files contradicts that status."""
    violations: list[str] = []
    status = _application_status(f, violations)
    if status == FUNDED:
        status = _report_status(f, violations)
    elif f.report_state is not None:
        violations.append(f"项目状态为“{status}”，只有已立项的项目才能提交结题报告")
    return Outcome(status, tuple(violations))


def _application_status(f: Facts, violations: list[str]) -> str:
    if f.form_state == DRAFT:
        if f.selected or (f.review and f.review.outcome == "通过"):
            violations.append("申报表已审核通过，不能再改回草稿")
        return DRAFT
    review = f.review
    if review is not None and not review.judged(f.sha256):
        if review.outcome == "通过" or f.selected:
            violations.append("申报表在审核通过后又被修改：已立项的申报表不能再改")
        elif review.outcome == "驳回":
            review = None            # edited and submitted again after 驳回
    if review is not None and review.outcome == "驳回":
        return RETURNED
    if f.selected:
        if f.ineligible:
            violations.append("不符合申报条件的项目不能立项：" + "；".join(f.ineligible))
        return FUNDED
    if f.ineligible:
        return INELIGIBLE
    return DECLINED if f.round_closed else PENDING


def _report_status(f: Facts, violations: list[str]) -> str:
    if f.report_state in (None, DRAFT):
        if f.report_state == DRAFT and f.report_review and f.report_review.outcome == "通过":
            violations.append("结题报告已审核通过，不能再改回草稿")
        return IMPLEMENTING if f.plan_state == "已提交" else FUNDED
    review = f.report_review
    if review is not None and review.outcome == "驳回":
        if review.judged(f.report_sha256):
            return REPORT_RETURNED
        review = None
    if review is not None and not review.judged(f.report_sha256):
        violations.append("结题报告在审核通过后又被修改")
    if f.acceptance is None:
        return REPORTED
    return ACCEPTED if f.acceptance >= f.pass_line else FAILED
