"""结题报告 (submissions/<年度>/<学会>/completion.yaml)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from schemas.application import FormState
from schemas.types import (
    Count,
    Date,
    FileRef,
    Form,
    Identifier,
    Link,
    LongText,
    MidText,
    Money,
    ShortText,
    Year,
    YesNo,
    field,
    halfwidth,
)

Spent = Annotated[Decimal, BeforeValidator(halfwidth), Field(ge=0, max_digits=12, decimal_places=2)]


class Activity(Form):
    date: Date = field("日期", "活动日期，如 2022-07-01")
    place: ShortText = field("地点", "活动地点")
    name: ShortText = field("名称", "活动名称")
    attendees: Count = field("参加人数", "参加活动的人数（整数）", ge=0)
    members: Count = field("党员人数", "其中党员人数（整数）", ge=0)


class GoalResult(Form):
    goal: MidText = field("目标", "照抄申报表中的一条预期目标")
    done: Literal["是", "否", "部分"] = field("完成", "是、否 或 部分")
    note: MidText | None = field("说明", "可选：完成情况的说明，如 实际开展8场", default=None)


class NewsItem(Form):
    platform: ShortText = field("平台", "如 省科协官网、湖北学会服务网、学会党建工作简报")
    title: MidText = field("标题", "报道标题")
    link: Link = field("链接", "报道网址，以 http:// 或 https:// 开头")
    date: Date = field("日期", "发布日期，如 2022-08-01")


class PartyElements(Form):
    """活动中融入党的元素：党旗、党徽、统一标识."""

    flag: YesNo = field("党旗", "是 或 否")
    badge: YesNo = field("党徽", "是 或 否")
    logo: YesNo = field("统一标识", "统一使用“党建强会计划”标识")


class SpendLine(Form):
    item: ShortText = field("项目", "与申报表预算安排的项目一致")
    budget: Money = field("预算", "申报表中该项的预算金额（元）")
    actual: Spent = field("实际", "实际支出（元），须与预算一致")
    note: MidText | None = field("说明", "可选：支出说明", default=None)


class Photo(Form):
    """An activity photo: the file, and the caption printed under it (else the file's name)."""

    file: FileRef = field("文件", "jpg/jpeg/png，不超过 3 MB")
    caption: ShortText | None = field("说明", "照片下方的说明文字，如 2022年7月1日 科普讲座现场",
                                      default=None)


def _photo(value: object) -> object:
    """A bare path is a photo without a caption (the shape most reports use)."""
    return {"文件": value} if isinstance(value, str) else value


PhotoItem = Annotated[Photo, BeforeValidator(_photo, json_schema_input_type=FileRef | Photo)]


class CompletionHeader(Form):
    """The part of a report the status machine reads (used for drafts and history)."""

    year: Year = field("年度", "项目年度，须与所在文件夹一致")
    society: Identifier = field("学会", "学会 id，须与文件夹名一致")
    state: FormState = field("状态", "草稿：可反复保存，不检查必填项；已提交：提交验收")


class Completion(CompletionHeader):
    """结题报告: what was done, goals met, publicity, party elements, photos, finance."""

    summary: LongText = field("项目实施情况", "项目实施情况：做了什么、效果如何")
    activities: list[Activity] = field("活动记录", "每次活动一项：日期、地点、名称、参加人数、党员人数", min_length=1)
    goals: list[GoalResult] = field("目标完成情况", "每条预期目标一项", min_length=1)
    news: list[NewsItem] = field("宣传报道", "至少 1 篇已发布的活动简讯", min_length=1)
    elements: PartyElements = field("党建元素", "活动中是否使用党旗、党徽和统一标识")
    photos: list[PhotoItem] = field(
        "活动照片", "jpg/jpeg/png，每张不超过 3 MB；写文件路径，或 {文件: …, 说明: …} 加上说明文字",
        min_length=1)
    finance: list[SpendLine] = field("财务总结", "预算安排每行一项；资助经费须按预算执行完毕",
                                     min_length=1)
    attachment: FileRef | None = field("附件", "可选，多个文件请压缩成一个：zip/rar/doc/docx/jpeg/png，不超过 100 MB", default=None)
