"""Administrators' files: review decisions (decision.yaml) and the approved list (selection.yaml)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from schemas.types import Date, Form, Identifier, MidText, Money, ShortText, field

Version = Annotated[str, StringConstraints(strip_whitespace=True,
                                           pattern=r"^sha256:[0-9a-f]{64}$")]


class Verdict(Form):
    """One stage's decision: 驳回 (return for changes) or 通过, on one exact file revision."""

    outcome: Literal["驳回", "通过"] = field("结论", "驳回 或 通过")
    opinion: MidText = field("意见", "审核意见；驳回时写明需要修改的内容")
    reviewer: Identifier = field("审核人", "管理员 id（config/people.yaml）")
    date: Date = field("日期", "审核日期，如 2022-05-15")
    version: Version = field("版本", "所审核的文件版本：sha256:… （由 qianghui review 自动填写）")

    def judged(self, sha256: str) -> bool:
        """Whether this verdict was given on the file revision with this content hash."""
        return self.version.removeprefix("sha256:") == sha256


class Decision(Form):
    """reviews/<年度>/<学会>/decision.yaml: the current decision of each stage (history is in git)."""

    application: Verdict | None = field("申报", "申报表的审核", default=None)
    completion: Verdict | None = field("结题", "结题报告的审核", default=None)


class Funded(Form):
    society: Identifier = field("学会", "列入立项名单的学会 id")
    amount: Money = field("资助金额", "资助金额（元），不超过每个项目的资助上限")


class Approval(Form):
    approver: Identifier = field("审批人", "填写审批的管理员 id")
    date: Date = field("日期", "省科协党组审批的日期，如 2022-06-01")
    opinion: MidText = field("意见", "如 经省科协党组审批同意")


class Selection(Form):
    """reviews/<年度>/selection.yaml: the ranked list proposed for funding and its approval."""

    funded: list[Funded] = field("立项", "按排名顺序")
    approval: Approval | None = field("审批", "省科协党组审批后由管理员填写；之前为拟立项名单",
                                      default=None)
    note: ShortText | None = field("说明", "可选：对名单的说明", default=None)
