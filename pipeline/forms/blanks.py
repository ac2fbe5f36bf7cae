"""`qianghui new <表单>`: a commented blank of every form a person writes.

Each blank starts with the schema modeline, explains itself in Chinese comments, carries what
the engine already knows (the application's goals and budget lines for the report, the year's
indicators and maxima for a score sheet, the expert from the git identity, the previous year's
call for a new round) and is never written over an existing file.

Long because it holds the blank of every form a person writes, each a few lines of template.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.core import layout
from pipeline.core.layout import Layout
from pipeline.errors import QianghuiError, UsageError
from pipeline.forms.scaffold import examples, write_new

if TYPE_CHECKING:           # the command line imports this module for its table of forms only
    from pipeline.forms.loading import Config
    from schemas.program import Program, RubricItem
    from schemas.registry import Person, Society


@dataclass
class Request:
    """What `qianghui new` was asked for: the repository, its config, society and year."""

    lay: Layout
    config: Config
    society_id: str | None
    year: int

    def society(self) -> Society:
        if not self.society_id:
            raise UsageError("请用 --学会 指定学会 id，如 --学会 hbjx")
        if self.config.registry is None:
            raise QianghuiError("学会名录 config/societies.yaml 有错误，请先运行 qianghui validate")
        found = self.config.registry.get(self.society_id)
        if found is None:
            raise UsageError(f"学会「{self.society_id}」不在学会名录 config/societies.yaml 中")
        return found

    def program(self) -> Program:
        found = self.config.programs.get(self.year)
        if found is None:
            raise UsageError(f"没有 {self.year} 年度的申报通知（config/program-{self.year}.yaml），或它有错误")
        return found


def modeline(lay: Layout, target: Path, schema: str) -> str:
    """The first line: where the editor finds the form's JSON Schema (relative, with /)."""
    rel = os.path.relpath(lay.schemas_json / f"{schema}.schema.json", target.parent)
    return f"# yaml-language-server: $schema={rel.replace(os.sep, '/')}\n"


def quoted(text: object) -> str:
    """A value as a YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(str(text), ensure_ascii=False)


def application(req: Request) -> Path:
    from pipeline.core.rules import yuan
    from pipeline.forms.scaffold import scaffold

    society, program = req.society(), req.program()
    return scaffold(req.lay, req.year, society, f"{program.deadline:%Y年%m月%d日 %H:%M}",
                    f"{yuan(program.amount)} 元")


def applied(req: Request, society: Society) -> dict[str, Any]:
    """The society's application as typed (goals and budget lines are copied from it)."""
    from pipeline.forms.yamlio import YamlError, load_file

    path = req.lay.application(req.year, society.id)
    if not path.exists():
        raise QianghuiError(f"{req.year} 年度没有{society.name}的申报表（{req.lay.rel(path)}）")
    try:
        data = load_file(path, req.lay.rel(path)).data
    except YamlError as e:
        raise QianghuiError(f"{req.lay.rel(path)} 无法读取，请先修正", e.problems) from e
    return data if isinstance(data, dict) else {}


REPORT = """\
# “党建强会计划”项目结题报告 —— {name}
# 项目：{project}
#
# 填写说明：
# - “目标完成情况”已按申报表的预期目标逐条列出，“财务总结”已按预算安排逐行列出：
#   请不要改动其中的“目标”“项目”“预算”，只填写完成情况和实际支出。
# - 资助经费须按预算执行完毕：每行“实际”须等于“预算”。
# - 活动照片（jpg/jpeg/png，每张不超过 3 MB）放在 files/ 下，在“活动照片”中每张写一行。
# - 状态为“草稿”时可以反复保存；填好后运行 qianghui submit {society} --结题。

年度: {year}
学会: {society}
状态: 草稿                      # 草稿 | 已提交

项目实施情况: |
  （写明项目实施情况：做了什么、效果如何）

活动记录:                       # 每次活动一项
  - 日期:                       # 如 {year}-07-01
    地点:
    名称:
    参加人数:
    党员人数:

目标完成情况:                   # 申报表的每条预期目标一项
{goals}
宣传报道:                       # 至少 1 篇已发布的活动简讯
  - 平台:                       # 如 省科协官网、湖北学会服务网、学会党建工作简报
    标题:
    链接:                       # 以 https:// 开头的网址
    日期:

党建元素:                       # 活动中是否使用：是 | 否
  党旗:
  党徽:
  统一标识:

活动照片:                       # 每张一行，如 - files/活动1.jpg
  -

财务总结:                       # 申报表预算安排每行一项
{finance}
附件:                           # 可选，多个文件请压缩成一个：zip/rar/doc/docx/jpeg/png，不超过 100 MB
"""


REPORT_EXAMPLES = examples(REPORT)


def completion(req: Request) -> Path:
    society = req.society()
    data = applied(req, society)
    theme = data.get("申报主题及预期成效")
    goals = theme.get("预期目标") if isinstance(theme, dict) else None
    budget = data.get("预算安排")
    goal_lines = "".join(f"  - 目标: {quoted(g)}\n    完成:                     # 是 | 否 | 部分\n"
                         "    说明:\n" for g in (goals if isinstance(goals, list) else []) if g)
    finance = "".join(f"  - 项目: {quoted(line.get('项目'))}\n    预算: {line.get('金额')}\n"
                      "    实际:                     # 元\n    说明:\n"
                      for line in (budget if isinstance(budget, list) else [])
                      if isinstance(line, dict) and line.get("项目"))
    target = req.lay.completion(req.year, society.id)
    text = modeline(req.lay, target, "completion") + REPORT.format(
        name=society.name, project=data.get("项目名称") or "", society=society.id, year=req.year,
        goals=goal_lines or "  - 目标:\n    完成:\n", finance=finance or "  - 项目:\n    预算:\n    实际:\n")
    write_new(req.lay, target, text, target.parent / "files")
    (target.parent / "files").mkdir(exist_ok=True)
    return target


PLAN = """\
# 实施方案：{name}「{project}」——立项后、第一次活动之前上报
年度: {year}
学会: {society}
状态: 草稿                     # 草稿：可反复保存；填好后改为 已提交 并推送，即为上报
第一责任人:                    # 学会党组织书记（或学会主要负责人）
  姓名:
  职务:
直接责任人:                    # 项目的具体负责人
  姓名:
  职务:
活动安排:                      # 每次活动一项，日期须在 {year} 年度内
  - 日期:                      # 如 {year}-07-01
    地点:
    内容:
    预计参加人数:              # 整数
    党建元素:                  # 如 重温入党誓词，使用党旗、党徽和统一标识
"""


def plan(req: Request) -> Path:
    """实施方案 for a funded project (the status decides whether it may be reported)."""
    society = req.society()
    data = applied(req, society)
    target = req.lay.submission_dir(req.year, society.id) / "plan.yaml"
    write_new(req.lay, target, modeline(req.lay, target, "plan") + PLAN.format(
        name=society.name, project=data.get("项目名称") or "", society=society.id, year=req.year))
    return target


def expert(req: Request) -> Person:
    """The enabled expert behind the git identity."""
    from pipeline.history.vcs import Vcs

    _, email = Vcs(req.lay.root).identity()
    person = req.config.people.by_email(email) if req.config.people else None
    if person is None or person.role != "专家" or not person.enabled:
        raise QianghuiError(f"git 作者邮箱 {email} 不是 config/people.yaml 中已启用的评审专家："
                            "评分表由专家本人生成（git config user.email 你的邮箱）")
    return person


SHEET = """\
# {year} 年度“党建强会计划”{title} —— {name}
# 项目：{project}
# 评审专家：{expert}（{expert_id}）
#
# 填写说明：每个指标填写“得分”（0 至该指标分值，可有小数，如 13.5），可加“评分说明”；
# 指标名和分值来自 {year} 年度申报通知，请不要改动指标名。合计满分 {total} 分。
# 你是该学会的会员时应当回避，不能评分。

评审专家: {expert_id}
评分:
{scores}总体意见:                       # 可选
日期:                           # 评分日期，如 {year}-12-10
"""


def sheet(req: Request, kind: str) -> Path:
    society, program = req.society(), req.program()
    person = expert(req)
    if society.id in person.societies:
        raise QianghuiError(f"{person.name}是学会「{society.id}」的成员，应当回避，不能为其评分")
    rubric = program.panel_rubric if kind == layout.PANEL else program.acceptance_rubric
    target = req.lay.review_dir(req.year, society.id) / kind / f"{person.id}.yaml"
    schema = f"{kind}-{req.year}"
    if not (req.lay.schemas_json / f"{schema}.schema.json").exists():
        schema = "score-sheet"
    project = applied(req, society).get("项目名称") or ""
    text = modeline(req.lay, target, schema) + SHEET.format(
        year=req.year, title="立项评审评分表" if kind == layout.PANEL else "考核表",
        name=society.name, project=project, expert=person.name, expert_id=person.id,
        total=_number(sum(item.max for item in rubric)), scores="".join(map(indicator, rubric)))
    return write_new(req.lay, target, text)


def indicator(item: RubricItem) -> str:
    note = re.sub(r"\s+", " ", item.note)
    note = note if len(note) <= 60 else note[:59] + "…"
    return f"  {item.name}:                 # 满分 {_number(item.max)}：{note}\n    得分:\n    评分说明:\n"


def _number(value: object) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


SURVEY = """\
# 问卷调查与民主测评 —— {name}（{year} 年度验收）
#
# 填写说明：只填份数/人数（整数）。满意 + 基本满意 + 不满意 = 回收；回收不超过发放；
# 好 + 较好 + 一般 + 差 = 参评人数。没有进行民主测评时删去“民主测评”一段。

问卷调查:
  发放:                         # 发放问卷份数
  回收:                         # 收回的有效问卷份数
  满意:
  基本满意:
  不满意:
民主测评:
  参评人数:
  好:
  较好:
  一般:
  差:
日期:                           # 调查日期，如 {year}-12-16
"""


def survey(req: Request) -> Path:
    society = req.society()
    target = req.lay.review_dir(req.year, society.id) / "survey.yaml"
    text = modeline(req.lay, target, "survey") + SURVEY.format(name=society.name, year=req.year)
    return write_new(req.lay, target, text)


APPROVAL = """\
审批:                           # 省科协党组审批立项名单后由管理员填写
  审批人: {admin}
  日期:                         # 党组审批的日期，如 {year}-06-01
  意见: 经省科协党组审批同意
"""


def approval(req: Request) -> Path:
    """The 审批 block added to the year's proposed selection (which `rank` wrote)."""
    from pipeline.atomic import write_text
    from pipeline.commands.common import acting_person
    from pipeline.forms.yamlio import load_file, replace_block
    from pipeline.history.vcs import Vcs

    path = req.lay.selection(req.year)
    if not path.exists():
        raise UsageError(f"还没有 {req.year} 年度的拟立项名单：请先运行 qianghui rank --年度 {req.year}")
    person = acting_person(Vcs(req.lay.root), req.lay)
    if person.role != "管理员":
        raise QianghuiError(f"{person.name}不是管理员，不能填写立项审批")
    doc = load_file(path, req.lay.rel(path))
    if ("审批",) in doc.key_marks:
        raise QianghuiError(f"{req.lay.rel(path)} 已经有“审批”，不会覆盖")
    text = replace_block(doc, "审批", "\n" + APPROVAL.format(admin=person.id, year=req.year))
    write_text(path, text)
    return path


def program(req: Request) -> Path:
    """config/program-<年度>.yaml for a new round, from the latest earlier year's."""
    from pipeline.forms.yamlio import load_bytes, load_file, replace_block, replace_scalar

    earlier = [y for y in req.lay.years() if y < req.year]
    if not earlier:
        raise UsageError(f"没有 {req.year} 年以前的申报通知可以参照：请手工编写 config/program-{req.year}.yaml")
    source = req.lay.program(earlier[-1])
    doc = load_file(source, req.lay.rel(source))
    shift = req.year - earlier[-1]
    edits = {("年度",): str(req.year), ("需要签名",): "是", ("已结束",): "否",
             ("规则起始",): f"round-{req.year}"}
    if isinstance(doc.data, dict) and isinstance(doc.data.get("截止时间"), str):
        edits[("截止时间",)] = re.sub(r"^\d{4}", lambda m: str(int(m.group()) + shift),
                                      doc.data["截止时间"].strip())
    for loc, value in edits.items():
        text = (replace_scalar(doc, loc, value) if loc in doc.spans
                else replace_block(doc, str(loc[0]), f"{loc[0]}: {value}\n"))
        doc = load_bytes(text.encode("utf-8"), doc.path)
    if isinstance(doc.data, dict) and doc.data.get("延期"):
        doc = load_bytes(replace_block(doc, "延期", "延期: []\n").encode("utf-8"), doc.path)
    lines = doc.text.splitlines(keepends=True)
    body = [ln.replace(f"{earlier[-1]} 年度", f"{req.year} 年度") if ln.startswith("#") else ln
            for ln in lines]
    note = (f"# 由 qianghui new 年度通知 依据 {earlier[-1]} 年度通知生成（{date.today():%Y-%m-%d}）："
            "请逐项核对截止时间、资助数量、资助金额、评分表和抽查比例。\n")
    head = 1 if body and body[0].startswith("# yaml-language-server:") else 0
    return write_new(req.lay, req.lay.program(req.year), "".join([*body[:head], note, *body[head:]]))


BLANKS: dict[str, Callable[[Request], Path]] = {
    "申报表": application,
    "实施方案": plan,
    "结题报告": completion,
    "立项评分表": lambda req: sheet(req, layout.PANEL),
    "考核表": lambda req: sheet(req, layout.ACCEPTANCE),
    "问卷调查": survey,
    "立项审批": approval,
    "年度通知": program,
}
NEXT_STEP = {"年度通知": "请核对后运行 qianghui validate config/program-{year}.yaml 和 qianghui schema",
             "立项审批": "请填写审批日期后运行 qianghui validate {path}"}


def new(lay: Layout, form: str, society: str | None, year: int | None) -> tuple[Path, str]:
    """Write the blank of `form`; its path and what to do next (Chinese)."""
    if year is None:
        if form == "年度通知":
            raise UsageError("请用 --年度 指定新一年度，如 --年度 2023")
        years = lay.years()
        if not years:
            raise UsageError("config/ 下没有任何年度的申报通知：请用 --年度 指定")
        year = years[-1]
    from pipeline.forms.loading import load_config

    target = BLANKS[form](Request(lay, load_config(lay), society, year))
    rel = lay.rel(target)
    step = NEXT_STEP.get(form, "请填写后运行 qianghui validate {path}").format(path=rel, year=year)
    return target, f"已{'更新' if form == '立项审批' else '创建'} {rel}：{step}"
