"""实施方案 (submissions/<年度>/<学会>/plan.yaml): after 立项 and before the first activity, the
society reports how it will carry the project out — who answers for it, and each activity."""

from __future__ import annotations

from schemas.application import FormState
from schemas.types import Count, Date, Form, Identifier, MidText, ShortText, Year, field


class Responsible(Form):
    name: ShortText = field("姓名", "姓名")
    post: ShortText = field("职务", "职务，如 学会党支部书记、学会秘书长")


class PlannedActivity(Form):
    date: Date = field("日期", "计划日期，如 2022-07-01，须在项目年度内")
    place: ShortText = field("地点", "活动地点")
    content: MidText = field("内容", "活动内容")
    expected: Count = field("预计参加人数", "预计参加人数（整数）", ge=1)
    elements: MidText = field("党建元素", "计划融入的党建元素，如 重温入党誓词、使用党旗党徽和统一标识")


class PlanHeader(Form):
    """The part of a plan the status and the history read (drafts too)."""

    year: Year = field("年度", "项目年度，须与所在文件夹一致")
    society: Identifier = field("学会", "学会 id，须与文件夹名一致")
    state: FormState = field("状态", "草稿：可反复保存，不检查必填项；已提交：上报实施方案")


class ImplementationPlan(PlanHeader):
    """实施方案: 落实第一责任人和直接责任人, and the activities as planned."""

    first: Responsible = field("第一责任人", "学会党组织书记（或学会主要负责人）")
    direct: Responsible = field("直接责任人", "项目的具体负责人")
    activities: list[PlannedActivity] = field(
        "活动安排", "每次活动一项：日期、地点、内容、预计参加人数、党建元素", min_length=1)
