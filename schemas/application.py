"""申报表: a society's application (submissions/<年度>/<学会>/application.yaml)."""

from __future__ import annotations

from typing import Literal

from schemas.types import (
    Count,
    Date,
    Email,
    FileRef,
    Form,
    Identifier,
    LongText,
    MidText,
    Money,
    Phone,
    ShortText,
    Year,
    field,
)

Category = Literal["阵地建设", "特色活动"]
Subtype = Literal["党员之家", "网上党员会员之家", "教育培训基地", "实践基地",
                  "党建+智库", "党建+学术", "党建+科普", "党建+人才", "党建+协作"]
FormState = Literal["草稿", "已提交"]


class Theme(Form):
    """一、申报主题及预期成效."""

    theme: LongText = field("主题", "申报主题：做什么、为什么")
    effects: LongText = field("预期成效", "项目实施后预期取得的成效")
    goals: list[MidText] = field("预期目标", "可考核的目标，每条一项；验收时逐条对照计算目标实现率",
                                 min_length=1)


class PlanStep(Form):
    time: ShortText = field("时间", "如 2022-06 或 2022-07至2022-08")
    content: LongText = field("内容", "这一阶段要做的事")


class Design(Form):
    """二、项目设计方案: the seed asks for 意义、思路、措施、预期目标和实施计划."""

    significance: LongText = field("意义", "项目实施的意义")
    approach: LongText = field("思路", "项目实施的思路")
    measures: LongText = field("措施", "具体措施")
    plan: list[PlanStep] = field("实施计划", "按时间顺序的进度安排", min_length=1)


class BudgetLine(Form):
    item: ShortText = field("项目", "支出项目，如 宣传资料印制")
    amount: Money = field("金额", "元，最多两位小数")
    note: MidText | None = field("说明", "可选：支出的用途、标准或数量", default=None)


class Responsible(Form):
    first: ShortText = field("第一责任人", "项目第一责任人（一般为学会党组织书记）")
    direct: ShortText = field("直接责任人", "项目直接责任人")


class SocietyOpinion(Form):
    """四、申报学会意见."""

    opinion: MidText = field("意见", "如 同意申报")
    leader: ShortText = field("负责人", "学会党组织负责人")
    date: Date = field("日期", "签署意见的日期，如 2022-05-10")


class Application(Form):
    """“党建强会计划”之阵地建设与特色活动项目申报表."""

    year: Year = field("年度", "申报年度，如 2022；须与所在文件夹一致，且有该年度的申报通知")
    society: Identifier = field("学会", "学会 id（config/societies.yaml），须与文件夹名一致")
    state: FormState = field("状态", "草稿：可反复保存，不检查必填项；已提交：提交审核")
    org_name: ShortText = field("党组织名称", "学会党组织的全称，如 湖北省机械工程学会党支部")
    founded: Date = field("成立时间", "党组织成立时间，如 2018-06-01")
    members: Count = field("党员人数", "学会党组织的党员人数（整数）", ge=1, le=100000)
    secretary: ShortText = field("支部书记", "党组织书记姓名")
    contact: ShortText = field("项目联系人", "项目联系人姓名")
    phone: Phone = field("联系电话", "手机号或带区号的固定电话")
    email: Email = field("电子邮箱", "项目联系人的电子邮箱，如 lihua@example.org")
    category: Category = field("申请资助类别", "阵地建设 或 特色活动")
    subtype: Subtype = field("项目形式", "阵地建设：党员之家/网上党员会员之家/教育培训基地/实践基地；"
                             "特色活动：党建+智库/学术/科普/人才/协作")
    name: ShortText = field("项目名称", "项目名称，不超过 100 字")
    amount: Money = field("申报资助金额", "元，不超过通知规定的资助金额")
    theme: Theme = field("申报主题及预期成效", "表一：申报主题、预期成效和可考核的预期目标")
    design: Design = field("项目设计方案", "表二：项目实施的意义、思路、措施和实施计划")
    budget: list[BudgetLine] = field("预算安排", "各行金额之和须等于申报资助金额", min_length=1)
    responsible: Responsible | None = field("责任人", "立项后须落实第一责任人和直接责任人",
                                            default=None)
    opinion: SocietyOpinion = field("申报学会意见", "表四：申报学会党组织的意见、负责人和日期")
    stamp: FileRef = field("盖章页", "加盖印章的申报表照片或扫描件：jpg/jpeg/png，不超过 3 MB")
    attachment: FileRef | None = field(
        "附件", "可选；多个文件请压缩成一个：zip/rar/doc/docx/jpeg/png，不超过 100 MB", default=None)
