"""Experts' score sheets: 立项评审 (panel/<专家>.yaml) and 考核表 (acceptance/<专家>.yaml)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from schemas.types import Date, Form, Identifier, LongText, MidText, ShortText, field

Points = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]


class Score(Form):
    score: Points = field("得分", "不超过该指标的分值")
    note: MidText | None = field("评分说明", "可选：打分的理由", default=None)


class ScoreSheet(Form):
    """One expert's scores against the program's rubric (指标名 → 得分)."""

    expert: Identifier = field("评审专家", "专家 id，须与文件名一致")
    scores: dict[ShortText, Score] = field("评分", "每个指标一项：指标名: {得分: …, 评分说明: …}")
    opinion: LongText | None = field("总体意见", "可选：专家的总体意见", default=None)
    date: Date = field("日期", "评分日期，如 2022-05-24")

    def total(self) -> Decimal:
        return sum((s.score for s in self.scores.values()), Decimal(0))


class Questionnaire(Form):
    issued: int = field("发放", "发放问卷份数", ge=0)
    returned: int = field("回收", "收回的有效问卷份数，不超过发放份数", ge=0)
    satisfied: int = field("满意", "满意的份数", ge=0)
    fairly: int = field("基本满意", "基本满意的份数", ge=0)
    unsatisfied: int = field("不满意", "不满意的份数；满意、基本满意、不满意之和等于回收份数", ge=0)


class Vote(Form):
    voters: int = field("参评人数", "参加民主测评的人数", ge=0)
    good: int = field("好", "评为“好”的人数", ge=0)
    fair: int = field("较好", "评为“较好”的人数", ge=0)
    average: int = field("一般", "评为“一般”的人数", ge=0)
    poor: int = field("差", "评为“差”的人数；四项之和等于参评人数", ge=0)


class Survey(Form):
    """reviews/<年度>/<学会>/survey.yaml: 问卷调查 and 民主测评 counts from the acceptance visit."""

    questionnaire: Questionnaire = field("问卷调查", "满意度问卷的发放、回收和结果（份数）")
    vote: Vote | None = field("民主测评", "可选：民主测评的参评人数和结果", default=None)
    date: Date | None = field("日期", "可选：调查日期，如 2022-12-16", default=None)


class Finding(Form):
    society: Identifier = field("学会", "有问题的学会 id")
    issue: MidText = field("问题", "发现的问题")
    action: MidText | None = field("处理", "可选：处理意见", default=None)


class SpotCheck(Form):
    """reviews/<年度>/spot-check.yaml: the public, repeatable 5% financial spot check."""

    seed: ShortText = field("种子", "公开的随机种子（默认：立项名单审批提交的 commit id）")
    rate: Annotated[Decimal, Field(gt=0, le=1)] = field("比例", "抽查比例，如 0.05（来自申报通知）")
    count: int = field("抽取数量", "抽取的项目个数", ge=1)
    method: MidText = field("抽取方法", "公开的抽取方法，任何人可按种子复核")
    drawn: list[Identifier] = field("抽中", "抽中的学会 id", min_length=1)
    findings: list[Finding] = field("发现", "抽查发现的问题：每个问题一项", default_factory=list)
    date: Date = field("日期", "抽查日期")
