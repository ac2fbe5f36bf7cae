"""The year's call for projects (config/program-<年度>.yaml)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from schemas.types import Form, Identifier, MidText, Moment, Money, ShortText, Year, YesNo, field

Score = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]


class RubricItem(Form):
    name: ShortText = field("指标", "指标名称；评分表中按此名称打分")
    max: Score = field("分值", "该指标的满分")
    note: MidText = field("内容说明", "评分时考察的内容")


class Band(Form):
    grade: ShortText = field("等级", "等级名称，如 优秀")
    floor: Score = field("下限", "得分不低于此值即为该等级")


class Extension(Form):
    society: Identifier = field("学会", "获准延期的学会 id")
    deadline: Moment = field("截止时间", "该学会的截止时间")
    reason: MidText | None = field("理由", "可选：延期的理由", default=None)


class Program(Form):
    """年度申报通知: deadline, quota, amount, categories, rubrics, grades, audit rate."""

    year: Year = field("年度", "通知所属年度，如 2022")
    title: ShortText = field("名称", "项目名称，如 “党建强会计划”之阵地建设与特色活动项目")
    organizer: ShortText = field("主办", "主办单位")
    deadline: Moment = field("截止时间", "申报截止时间")
    quota: int = field("资助数量", "本年度最多资助的项目个数", gt=0, le=10000)
    amount: Money = field("资助金额", "每个项目的资助金额（元）")
    categories: dict[ShortText, list[ShortText]] = field("类别", "申请资助类别及其项目形式")
    panel_rubric: list[RubricItem] = field("立项评分表", "立项评审的指标、分值和内容说明", min_length=1)
    acceptance_rubric: list[RubricItem] = field("考核表", "结题验收考核表的指标、分值和内容说明", min_length=1)
    bands: list[Band] = field("等级", "验收等级及其分数下限，由高到低", min_length=1)
    pass_line: Score = field("合格线", "验收得分不低于此值为验收通过")
    trim_at: int = field("去掉最高最低分人数", "评分表不少于此数时去掉一个最高分和一个最低分", default=5, ge=3)
    audit_rate: Annotated[Decimal, Field(gt=0, le=1)] = field("抽查比例", "财务抽查的比例，如 0.05")
    extensions: list[Extension] = field("延期", "给个别学会延长的截止时间", default_factory=list)
    signed: YesNo = field("需要签名", "是：每个提交都须有本人的 SSH 签名", default=False)
    rules_from: ShortText | None = field("规则起始", "自该提交或标签之后按权限规则检查", default=None)
    closed: YesNo = field("已结束", "是：未入选的申报为“未立项”", default=False)

    def deadline_for(self, society: str) -> Moment:
        """The deadline that applies to one society (its extension, if granted)."""
        for ext in self.extensions:
            if ext.society == society:
                return ext.deadline
        return self.deadline
