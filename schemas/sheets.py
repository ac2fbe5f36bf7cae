"""Experts' score sheets: 立项评审 (panel/<专家>.yaml) and 考核表 (acceptance/<专家>.yaml)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from schemas.types import Date, Form, Identifier, LongText, MidText, ShortText, field

Points = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]


class Score(Form):
    score: Points = field("得分", "不超过该指标的分值")
    note: MidText | None = field("评分说明", default=None)


class ScoreSheet(Form):
    """One expert's scores against the program's rubric (指标名 → 得分)."""

    expert: Identifier = field("评审专家", "专家 id，须与文件名一致")
    scores: dict[ShortText, Score] = field("评分", "每个指标一项：指标名: {得分: …, 评分说明: …}")
    opinion: LongText | None = field("总体意见", default=None)
    date: Date = field("日期")

    def total(self) -> Decimal:
        return sum((s.score for s in self.scores.values()), Decimal(0))


class Questionnaire(Form):
    issued: int = field("发放", ge=0)
    returned: int = field("回收", ge=0)
    satisfied: int = field("满意", ge=0)
    fairly: int = field("基本满意", ge=0)
    unsatisfied: int = field("不满意", ge=0)


class Vote(Form):
    voters: int = field("参评人数", ge=0)
    good: int = field("好", ge=0)
    fair: int = field("较好", ge=0)
    average: int = field("一般", ge=0)
    poor: int = field("差", ge=0)


class Survey(Form):
    """reviews/<年度>/<学会>/survey.yaml: 问卷调查 and 民主测评 counts from the acceptance visit."""

    questionnaire: Questionnaire = field("问卷调查")
    vote: Vote | None = field("民主测评", default=None)
    date: Date | None = field("日期", default=None)


class Finding(Form):
    society: Identifier = field("学会")
    issue: MidText = field("问题")
    action: MidText | None = field("处理", default=None)


class SpotCheck(Form):
    """reviews/<年度>/spot-check.yaml: the public, repeatable 5% financial spot check."""

    seed: ShortText = field("种子", "公开的随机种子（默认：立项名单审批提交的 commit id）")
    rate: Annotated[Decimal, Field(gt=0, le=1)] = field("比例")
    count: int = field("抽取数量", ge=1)
    method: MidText = field("抽取方法")
    drawn: list[Identifier] = field("抽中", min_length=1)
    findings: list[Finding] = field("发现", default_factory=list)
    date: Date = field("日期")
