"""The YAML text of every synthetic file, written the way people type it (block text, comments)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from pipeline.core.scoring import DRAW_METHOD

SCHEMA = "# yaml-language-server: $schema={up}schemas/json/{name}.schema.json\n"


def block(text: str, indent: int) -> str:
    """A `|` block scalar body: every line indented, blank lines kept blank."""
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.split("\n")) + "\n"


@dataclass
class Application:
    """One society's application, as data; `text()` gives the YAML."""

    society: str
    org_name: str
    founded: str
    members: int
    secretary: str
    contact: str
    phone: str
    email: str
    category: str
    subtype: str
    title: str
    amount: Decimal
    theme: str
    effects: str
    goals: list[str]
    significance: str
    approach: str
    measures: str
    plan: list[tuple[str, str]]
    budget: list[tuple[str, Decimal, str]]
    leader: str
    signed_on: str
    opinion: str = "同意申报"
    extra: dict[str, str] = field(default_factory=dict)

    def text(self, *, state: str = "已提交", notes: bool = True, draft: bool = False) -> str:
        """The file; `notes=False` drops the budget notes (the version an admin 驳回s),
        `draft=True` stops after the design (an incomplete, saved draft)."""
        out = [SCHEMA.format(up="../../../", name="application"),
               f"年度: 2022\n学会: {self.society}\n状态: {state}\n",
               f"党组织名称: {self.org_name}\n成立时间: {self.founded}\n党员人数: {self.members}\n",
               f"支部书记: {self.secretary}\n项目联系人: {self.contact}\n",
               f"联系电话: {self.phone}\n电子邮箱: {self.email}\n",
               f"申请资助类别: {self.category}\n项目形式: {self.subtype}\n项目名称: {self.title}\n",
               f"申报资助金额: {self.amount}\n",
               "申报主题及预期成效:\n", f"  主题: {block(self.theme, 4)}",
               f"  预期成效: {block(self.effects, 4)}", "  预期目标:\n",
               *(f"    - {goal}\n" for goal in self.goals),
               "项目设计方案:\n", f"  意义: {block(self.significance, 4)}",
               f"  思路: {block(self.approach, 4)}", f"  措施: {block(self.measures, 4)}",
               "  实施计划:\n",
               *(f"    - 时间: {when}\n      内容: {what}\n" for when, what in self.plan)]
        if draft:
            return "".join(out) + "# 预算安排、申报学会意见和盖章页待补充\n"
        out += ["预算安排:\n"]
        for item, amount, note in self.budget:
            out.append(f"  - 项目: {item}\n    金额: {amount}\n")
            if notes:
                out.append(f"    说明: {note}\n")
        out += [f"责任人:\n  第一责任人: {self.secretary}\n  直接责任人: {self.contact}\n",
                f"申报学会意见:\n  意见: {self.opinion}\n  负责人: {self.leader}\n"
                f"  日期: {self.signed_on}\n",
                "盖章页: files/盖章页.png\n"]
        return "".join(out)


def completion(app: Application, summary: str, activities: Sequence[tuple[str, str, str, int, int]],
               news: Sequence[tuple[str, str, str, str]]) -> str:
    """结题报告 answering every goal and spending every budget line exactly."""
    out = [SCHEMA.format(up="../../../", name="completion"),
           f"年度: 2022\n学会: {app.society}\n状态: 已提交\n",
           f"项目实施情况: {block(summary, 2)}", "活动记录:\n"]
    for day, place, name, attendees, members in activities:
        out.append(f"  - 日期: {day}\n    地点: {place}\n    名称: {name}\n"
                   f"    参加人数: {attendees}\n    党员人数: {members}\n")
    out.append("目标完成情况:\n")
    for i, goal in enumerate(app.goals):
        done = "部分" if i == len(app.goals) - 1 and len(app.goals) > 3 else "是"
        note = "已基本完成，剩余部分纳入下一年度工作计划" if done == "部分" else "按计划完成"
        out.append(f"  - 目标: {goal}\n    完成: {done}\n    说明: {note}\n")
    out.append("宣传报道:\n")
    for platform, title, link, day in news:
        out.append(f"  - 平台: {platform}\n    标题: {title}\n    链接: {link}\n    日期: {day}\n")
    out += ["党建元素:\n  党旗: 是\n  党徽: 是\n  统一标识: 是\n",
            "活动照片: [files/活动1.png, files/活动2.png]\n", "财务总结:\n"]
    for item, amount, _ in app.budget:
        out.append(f"  - 项目: {item}\n    预算: {amount}\n    实际: {amount}\n    说明: 按预算执行完毕\n")
    return "".join(out)


def verdict(stage: str, outcome: str, opinion: str, reviewer: str, day: str, sha: str) -> str:
    return (f"{stage}:\n  结论: {outcome}\n  意见: {opinion}\n  审核人: {reviewer}\n"
            f"  日期: {day}\n  版本: sha256:{sha}\n")


def decision(*verdicts: str) -> str:
    return SCHEMA.format(up="../../../", name="decision") + "".join(verdicts)


def sheet(expert: str, scores: Sequence[tuple[str, Decimal, str]], opinion: str, day: str) -> str:
    """A panel or acceptance score sheet (指标: {得分, 评分说明})."""
    lines = [SCHEMA.format(up="../../../../", name="score-sheet"), f"评审专家: {expert}\n评分:\n"]
    lines += [f"  {name}: {{得分: {score}, 评分说明: {note}}}\n" for name, score, note in scores]
    lines.append(f"总体意见: {opinion}\n日期: {day}\n")
    return "".join(lines)


def selection(funded: Sequence[tuple[str, Decimal]], approver: str, day: str) -> str:
    lines = [SCHEMA.format(up="../../", name="selection"),
             "# 立项名单：按立项评审得分排名，经省科协党组审批\n立项:\n"]
    lines += [f"  - 学会: {society}\n    资助金额: {amount}\n" for society, amount in funded]
    lines.append(f"审批:\n  审批人: {approver}\n  日期: {day}\n  意见: 经省科协党组审批同意\n")
    return "".join(lines)


def survey(issued: int, satisfied: int, fairly: int, unsatisfied: int, voters: int,
           good: int, fair: int) -> str:
    returned = satisfied + fairly + unsatisfied
    return (SCHEMA.format(up="../../../", name="survey")
            + f"问卷调查:\n  发放: {issued}\n  回收: {returned}\n  满意: {satisfied}\n"
            f"  基本满意: {fairly}\n  不满意: {unsatisfied}\n"
            f"民主测评:\n  参评人数: {voters}\n  好: {good}\n  较好: {fair}\n"
            f"  一般: {voters - good - fair}\n  差: 0\n日期: 2022-12-12\n")


def spot_check(seed: str, rate: str, drawn: Sequence[str]) -> str:
    return (SCHEMA.format(up="../../", name="spot-check")
            + f"种子: {seed}\n比例: {rate}\n抽取数量: {len(drawn)}\n抽取方法: {DRAW_METHOD}\n"
            f"抽中: [{', '.join(drawn)}]\n发现: []\n日期: 2022-12-20\n")


def societies(rows: Sequence[tuple[str, str, str, str | None]]) -> str:
    """学会名录: (id, 学会名称, 党组织名称, earlier accepted project or None)."""
    lines = [SCHEMA.format(up="../", name="societies"), "学会:\n"]
    for sid, name, org, past in rows:
        lines.append(f"  - id: {sid}\n    学会名称: {name}\n    党组织名称: {org}\n"
                     "    年检: {2020: 合格, 2021: 合格}\n")
        if past:
            lines.append(f"    往年项目:\n      - {{年度: 2021, 项目名称: {past}, 验收通过: 是}}\n")
    return "".join(lines)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str
    email: str
    societies: tuple[str, ...] = ()


def people(persons: Sequence[Person]) -> str:
    lines = [SCHEMA.format(up="../", name="people"), "人员:\n"]
    for p in persons:
        society = ""
        if p.role == "学会用户":
            society = f"学会: {p.societies[0]}, "
        elif p.societies:
            society = f"学会: [{', '.join(p.societies)}], "
        lines.append(f"  - {{id: {p.id}, 姓名: {p.name}, 角色: {p.role}, {society}"
                     f"邮箱: [{p.email}], 启用: 是}}\n")
    return "".join(lines)
