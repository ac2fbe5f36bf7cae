"""The documents of the demo round, rendered by `pipeline.run.run` and read back with python-docx.

Each document is checked cell by cell against the YAML it was made from: the 申报表 (with
section 五 from the administrator's 通过), the 考核表 of each expert and of the group, the
结题报告, and the year's 立项名单, 验收结果汇总 and 财务抽查. Rendering is reproducible to the
byte, and a second run writes nothing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Mm
from docx.table import Table, _Cell
from docxread import Section, section

from pipeline.core import scoring
from pipeline.core.layout import Layout
from pipeline.core.projects import Project
from pipeline.forms.yamlio import load_file
from pipeline.run import RunResult, run

REPO = Path(__file__).resolve().parent.parent
BUILD = Path("build/2022")
BLANK_DATE = "　　年　　月　　日"
NAMES = {"chen-expert": "陈志远", "guo-expert": "郭振华", "huang-expert": "黄丽萍",
         "li-expert": "李建国", "lin-expert": "林晓梅", "zhang-expert": "张卫东"}


def copy_demo(root: Path) -> Path:
    for name in ("config", "templates", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    return root


@dataclass
class Rendered:
    root: Path
    result: RunResult

    def project(self, society: str) -> Project:
        return next(p for p in self.result.projects if p.society == society)

    def doc(self, rel: str) -> DocxDocument:
        return Document(str(self.root / BUILD / rel))

    def data(self, rel: str) -> Any:
        return load_file(self.root / rel).data


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    root = copy_demo(tmp_path_factory.mktemp("demo") / "tree")
    result = run(Layout(root))
    assert result.problems == []
    return Rendered(root, result)


# --- reading tables back ----------------------------------------------------------------------

def cells(row: Any) -> list[_Cell]:
    """The cells of a row, each merged cell once."""
    out: list[_Cell] = []
    for cell in row.cells:
        if not any(cell._tc is seen._tc for seen in out):
            out.append(cell)
    return out


def texts(table: Table) -> list[list[str]]:
    return [[c.text for c in cells(row)] for row in table.rows]


def labelled(table: Table, label: str) -> list[str]:
    """The texts of the one row whose first cell is `label`."""
    rows = [row for row in texts(table) if row[0] == label]
    assert len(rows) == 1, f"{len(rows)} rows labelled {label!r}"
    return rows[0]


def paragraphs(cell: _Cell | Section) -> list[str]:
    return [p.text for p in cell.paragraphs]


def blocks(text: str) -> list[str]:
    """Typed text as the documents split it: paragraphs at blank lines."""
    return [b.strip() for b in text.split("\n\n") if b.strip()]


def yuan(amount: str) -> str:
    return f"{Decimal(amount):,.2f}".removesuffix(".00")


def chinese(day: str) -> str:
    y, m, d = (int(x) for x in str(day).split("-"))
    return f"{y}年{m}月{d}日"


# --- 申报表 -------------------------------------------------------------------------------------

def test_application_form_has_every_field(demo: Rendered) -> None:
    app = demo.data("submissions/2022/hbjx/application.yaml")
    document = demo.doc("hbjx/申报表.docx")
    table = document.tables[0]
    assert labelled(table, "党组织名称") == ["党组织名称", app["党组织名称"], "成立时间", "2018年6月1日"]
    assert labelled(table, "党员人数") == ["党员人数", "23", "支部书记", app["支部书记"]]
    assert labelled(table, "项目联系人") == ["项目联系人", app["项目联系人"], "联系电话", "027-87654321"]
    assert labelled(table, "电子邮箱") == ["电子邮箱", app["电子邮箱"], "项目形式", "党建+学术"]
    assert labelled(table, "项目名称") == ["项目名称", app["项目名称"]]
    assert labelled(table, "申请资助类别") == ["申请资助类别", "□“阵地建设”类　　　　☑“特色活动”类"]
    assert labelled(table, "申报资助金额") == ["申报资助金额", "20,000 元（大写：贰万元整）"]

    theme = app["申报主题及预期成效"]
    assert paragraphs(section(document, "一、申报主题及预期成效")) == [
        "（一）主题", *blocks(theme["主题"]), "（二）预期成效", *blocks(theme["预期成效"]),
        "（三）预期目标", *[f"{i}. {goal}" for i, goal in enumerate(theme["预期目标"], 1)]]

    design = app["项目设计方案"]
    cell = section(document, "二、项目设计方案")
    assert paragraphs(cell) == [
        "（一）意义", *blocks(design["意义"]), "（二）思路", *blocks(design["思路"]),
        "（三）措施", *blocks(design["措施"]), "（四）实施计划（可另附纸）"]
    assert texts(cell.tables[0]) == [["时间", "实施内容"]] + [
        [step["时间"], step["内容"]] for step in design["实施计划"]]

    budget = section(document, "三、预算安排").tables[0]
    assert texts(budget) == [["序号", "项目", "金额（元）", "说明"]] + [
        [str(i), line["项目"], yuan(line["金额"]), line["说明"]]
        for i, line in enumerate(app["预算安排"], 1)] + [["合计", "20,000", "大写：贰万元整"]]

    opinion = app["申报学会意见"]
    text, seal = opinion_box(document, "四、申报学会意见")
    assert text == [opinion["意见"], "", f"学会党组织负责人：{opinion['负责人']}"]
    assert seal == ["（盖章）", "学会党组织", "2022年5月9日"]


def opinion_box(document: DocxDocument, heading: str) -> tuple[list[str], list[str]]:
    """The text cell and the seal box of section 四 or 五."""
    (box,) = section(document, heading).tables
    return paragraphs(box.cell(0, 0)), paragraphs(box.cell(0, 1))


def test_application_form_section_five_from_the_approval_and_the_grant(demo: Rendered) -> None:
    approval = demo.data("reviews/2022/selection.yaml")["审批"]
    text, seal = opinion_box(demo.doc("hbjx/申报表.docx"), "五、省科协审批意见")
    assert text == [approval["意见"], "", "审批人：王强", "资助金额：20,000 元（大写：贰万元整）"]
    assert seal == ["（盖章）", "省科协科技社团党委", chinese(approval["日期"])]


@pytest.mark.parametrize("society", ["hbhk", "hbqx"])
def test_application_form_section_five_blank_unless_funded(demo: Rendered, society: str) -> None:
    """hbhk was not selected; hbqx was returned: neither is on the approved list."""
    text, seal = opinion_box(demo.doc(f"{society}/申报表.docx"), "五、省科协审批意见")
    assert all(not line.strip() for line in text[:-1])
    assert text[-1].replace("　", "") == "审批人："
    assert seal[-1] == BLANK_DATE


TRICKY = ["&", "<12 岁", ">65 岁", "🔬", "{{ 不是模板 }}", '"合理用药小贴士"', ">10万次",
          '"全国安全用药月"', "海报 & 折页"]


def test_application_form_keeps_tricky_text_exactly(demo: Rendered) -> None:
    app = demo.data("submissions/2022/hbyx/application.yaml")
    document = demo.doc("hbyx/申报表.docx")
    table = document.tables[0]
    assert labelled(table, "项目名称") == ["项目名称", "“党建+科普”药品安全 & 合理用药进万家"]
    theme = paragraphs(section(document, "一、申报主题及预期成效"))
    design = section(document, "二、项目设计方案")
    for block in blocks(app["申报主题及预期成效"]["主题"]):
        assert block in theme
    for i, goal in enumerate(app["申报主题及预期成效"]["预期目标"], 1):
        assert f"{i}. {goal}" in theme
    for block in blocks(app["项目设计方案"]["措施"]):
        assert block in paragraphs(design)
    assert [row[1] for row in texts(design.tables[0])[1:]] == \
        [step["内容"] for step in app["项目设计方案"]["实施计划"]]
    assert [row[3] for row in texts(section(document, "三、预算安排").tables[0])[1:-1]] == \
        [line["说明"] for line in app["预算安排"]]
    whole = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for row in table.rows for c in cells(row)) + "\n".join(
        c.text for inner in design.tables + section(document, "三、预算安排").tables
        for row in inner.rows for c in cells(row))
    for piece in TRICKY:
        assert piece in whole, piece


# --- 考核表 ------------------------------------------------------------------------------------

def score_rows(table: Table) -> list[list[str]]:
    return texts(table)[1:8]


def test_combined_assessment_shows_the_trimmed_mean(demo: Rendered) -> None:
    project = demo.project("hbjx")
    program = demo.data("config/program-2022.yaml")
    document = demo.doc("hbjx/考核表（汇总）.docx")
    heading, table = document.tables
    sheets = project.scores.acceptance_sheets
    kept = scoring.kept_sheets(sheets, 5)
    assert len(sheets) == 5 and len(kept) == 3
    assert texts(table)[0] == ["序号", "指标", "分值", "内容说明", "得分", "评分说明"]
    for i, (row, item) in enumerate(zip(score_rows(table), program["考核表"], strict=True), 1):
        mean = sum((s.scores[item["指标"]].score for s in kept), Decimal(0)) / 3
        assert row[:4] == [str(i), item["指标"], item["分值"], item["内容说明"]]
        assert abs(Decimal(row[4]) - mean) <= Decimal("0.005") and row[5] == ""
        assert len(row[4].split(".")[1]) == 2                   # one format: 9.00, 13.33
    # one rounding rule: the rounded rows add up to 合计, which is the project's score
    assert sum(Decimal(row[4]) for row in score_rows(table)) == project.scores.acceptance
    assert project.scores.acceptance == Decimal("91.66")
    assert labelled(table, "合计") == ["合计", "100", "", "91.66", ""]
    assert labelled(table, "计分方法") == ["计分方法", (
        "共 5 份评分表，去掉最高分 黄丽萍（95.00 分）和最低分 林晓梅（88.50 分），取其余 3 份的"
        f"平均分；{scoring.ROUNDING_RULE}")]
    assert labelled(table, "等级") == ["等级", "优秀"]
    assert labelled(table, "目标实现率") == ["目标实现率", "100.00%"]
    assert labelled(table, "群众满意率") == ["群众满意率", "99.13%"]
    assert labelled(table, "民主测评好评率") == ["民主测评好评率", "100.00%"]
    assert texts(heading) == [["学会", "湖北省机械工程学会", "项目",
                               "“党建+学术”智能制造青年科技工作者学术沙龙"]]
    blank = "（签字）：＿＿＿＿＿"
    assert labelled(table, "总体意见")[-1].split("\n") == [
        "", f"陈志远{blank}　　郭振华{blank}", f"黄丽萍{blank}　　李建国{blank}",
        f"林晓梅{blank}　　2022年12月16日"]       # every member of the group signs


@pytest.mark.parametrize("expert", ["chen-expert", "guo-expert", "huang-expert", "li-expert",
                                    "lin-expert"])
def test_each_expert_assessment_shows_that_experts_scores(demo: Rendered, expert: str) -> None:
    sheet = demo.data(f"reviews/2022/hbjx/acceptance/{expert}.yaml")
    document = demo.doc(f"hbjx/考核表（{NAMES[expert]}）.docx")
    table = document.tables[1]
    total = Decimal(0)
    for row, (name, score) in zip(score_rows(table), sheet["评分"].items(), strict=True):
        assert row[1] == name
        assert row[4] == f"{Decimal(score['得分']):.2f}"
        assert row[5] == score.get("评分说明", "")
        total += Decimal(score["得分"])
    assert labelled(table, "合计") == ["合计", "100", "", f"{total:.2f}", ""]
    assert labelled(table, "等级") == ["等级", "优秀" if total >= 90 else "良好"]
    signature = f"{NAMES[expert]}（签字）：＿＿＿＿＿　　{chinese(sheet['日期'])}"
    assert labelled(table, "总体意见") == ["总体意见", f"{sheet['总体意见']}\n{signature}"]
    assert labelled(table, "计分方法") == ["计分方法", scoring.ROUNDING_RULE]


def test_an_expert_without_acceptance_sheets_has_no_assessment(demo: Rendered) -> None:
    outputs = {p.name for p in (demo.root / BUILD / "hbjx").iterdir()}
    assert "考核表（张卫东）.docx" not in outputs
    assert {name for name in outputs if name.startswith("考核表")} == {
        f"考核表（{NAMES[e]}）.docx" for e in ("chen-expert", "guo-expert", "huang-expert",
                                            "li-expert", "lin-expert")} | {"考核表（汇总）.docx"}


# --- 结题报告 -----------------------------------------------------------------------------------

def test_completion_report_shows_everything_reported(demo: Rendered) -> None:
    report = demo.data("submissions/2022/hbjx/completion.yaml")
    document = demo.doc("hbjx/结题报告.docx")
    table = document.tables[0]
    assert labelled(table, "学会名称") == ["学会名称", "湖北省机械工程学会"]
    assert labelled(table, "党组织名称") == ["党组织名称", "湖北省机械工程学会党支部"]
    assert labelled(table, "项目名称") == ["项目名称", "“党建+学术”智能制造青年科技工作者学术沙龙"]
    assert labelled(table, "资助类别") == ["资助类别", "特色活动", "项目形式", "党建+学术"]
    assert labelled(table, "资助金额") == ["资助金额", "20,000 元（大写：贰万元整）"]
    assert paragraphs(section(document, "一、项目实施情况")) == blocks(report["项目实施情况"])
    assert texts(section(document, "二、活动记录").tables[0]) == [
        ["日期", "地点", "活动名称", "参加人数", "党员人数"]] + [
        [chinese(a["日期"]), a["地点"], a["名称"], a["参加人数"], a["党员人数"]]
        for a in report["活动记录"]]
    goals = section(document, "三、目标完成情况")
    assert texts(goals.tables[0]) == [["序号", "预期目标", "完成情况", "说明"]] + [
        [str(i), g["目标"], g["完成"], g["说明"]] for i, g in enumerate(report["目标完成情况"], 1)
    ] + [["目标实现率", "100.00%"]]
    assert texts(section(document, "四、宣传报道").tables[0]) == [
        ["发布平台", "标题", "链接", "发布日期"]] + [
        [n["平台"], n["标题"], n["链接"], chinese(n["日期"])] for n in report["宣传报道"]]
    assert texts(section(document, "五、党建元素").tables[0]) == [
        ["活动现场悬挂党旗", "党员佩戴党徽", "使用统一标识"], ["是", "是", "是"]]
    assert captions(document) == [Path(p).stem for p in report["活动照片"]]
    assert texts(section(document, "七、财务总结").tables[0]) == [
        ["项目", "预算（元）", "实际支出（元）", "说明"]] + [
        [f["项目"], yuan(f["预算"]), yuan(f["实际"]), f["说明"]] for f in report["财务总结"]] + [
        ["合计", "20,000", "20,000", "大写：贰万元整"],
        ["\n学会党组织负责人（签字）：", "（盖章）\n学会党组织\n年　　月　　日"]]


def photo_rows(document: DocxDocument) -> list[list[_Cell]]:
    """The rows of 六、活动照片 (two photos a row)."""
    (table,) = section(document, "六、活动照片").tables
    return [row.cells for row in table.rows]


def captions(document: DocxDocument) -> list[str]:
    """The caption under each photo of 六、活动照片, in order."""
    return [p.text for row in photo_rows(document) for cell in row
            for p in cell.paragraphs if p.text]


def pictures(document: DocxDocument) -> list[bytes]:
    """The image bytes of every inline picture, in document order."""
    return [document.part.related_parts[shape._inline.xpath(".//a:blip/@r:embed")[0]].blob
            for shape in document.inline_shapes]


@pytest.mark.parametrize("society", ["hbdl", "hbjx", "hbnx", "hbyx", "hbzyy"])
def test_completion_report_embeds_each_photo_above_its_name(demo: Rendered, society: str) -> None:
    photos = demo.data(f"submissions/2022/{society}/completion.yaml")["活动照片"]
    document = demo.doc(f"{society}/结题报告.docx")
    assert len(document.inline_shapes) == len(photos)
    assert [shape.width for shape in document.inline_shapes] == [Mm(70)] * len(photos)
    assert pictures(document) == [
        (demo.root / "submissions/2022" / society / photo).read_bytes() for photo in photos]
    assert captions(document) == [Path(photo).stem for photo in photos]
    assert len(photo_rows(document)) == (len(photos) + 1) // 2


def test_a_changed_photo_rebuilds_only_its_report(tmp_path: Path) -> None:
    root = copy_demo(tmp_path / "tree")
    assert run(Layout(root)).problems == []
    photos = root / "submissions/2022/hbjx/files"
    (photos / "活动1.jpg").write_bytes((photos / "活动2.jpg").read_bytes())
    again = run(Layout(root))
    assert again.written == ["build/2022/hbjx/结题报告.docx"]
    assert pictures(Document(str(root / BUILD / "hbjx/结题报告.docx")))[0] == (
        photos / "活动2.jpg").read_bytes()


def test_reports_are_rendered_only_for_reported_projects(demo: Rendered) -> None:
    built = {p.parent.name for p in (demo.root / BUILD).glob("*/结题报告.docx")}
    assert built == {"hbdl", "hbjx", "hbnx", "hbyx", "hbzyy"}     # hbdz has no report yet


# --- year documents ---------------------------------------------------------------------------

def test_selection_list(demo: Rendered) -> None:
    selection = demo.data("reviews/2022/selection.yaml")
    document = demo.doc("立项名单.docx")
    rows = texts(document.tables[0])
    assert rows[0] == ["序号", "学会", "项目名称", "类别", "项目形式", "立项评审得分", "资助金额（元）"]
    expected = []
    for i, entry in enumerate(selection["立项"], 1):
        p = demo.project(entry["学会"])
        expected.append([str(i), p.society_name, p.raw["项目名称"], p.raw["申请资助类别"],
                         p.raw["项目形式"], f"{p.scores.panel:.2f}", yuan(entry["资助金额"])])
    assert rows[1:-1] == expected
    assert [row[1] for row in rows[1:-1]] == ["湖北省机械工程学会", "湖北省药学会", "湖北省中医药学会",
                                             "湖北省农学会", "湖北省地质学会", "湖北省电机工程学会"]
    assert rows[-1] == ["合计", "共 6 个项目，资助总额大写：壹拾壹万捌仟元整", "118,000"]
    text = [p.text for p in document.paragraphs if p.text.strip()]
    assert "（经省科协党组审批同意）" in text
    sign_off = document.tables[1]
    assert [p.text for p in sign_off.cell(0, 0).paragraphs if p.text] == [
        "审批意见：经省科协党组审批同意", "审批人：王强"]
    assert [p.text for p in sign_off.cell(0, 1).paragraphs] == [
        "（盖章）", "湖北省科协科技社团党委", "2022年6月1日"]


def test_acceptance_summary(demo: Rendered) -> None:
    document = demo.doc("验收结果汇总.docx")
    assert texts(document.tables[0]) == [
        ["序号", "学会", "项目名称", "考核得分", "等级", "目标实现率", "群众满意率", "验收结果"],
        ["1", "湖北省电机工程学会", "电力科技工作者“党员之家”建设", "—", "—", "75.00%", "—", "结题驳回"],
        ["2", "湖北省地质学会", "弘扬李四光精神党员会员教育培训基地", "—", "—", "—", "—", "未提交结题报告"],
        ["3", "湖北省机械工程学会", "“党建+学术”智能制造青年科技工作者学术沙龙", "91.66", "优秀",
         "100.00%", "99.13%", "验收通过"],
        ["4", "湖北省农学会", "英山茶产业乡村振兴党员专家服务实践基地", "55.67", "不合格", "37.50%",
         "86.11%", "验收不通过"],
        ["5", "湖北省药学会", "“党建+科普”药品安全 & 合理用药进万家", "—", "—", "100.00%", "—", "待验收"],
        ["6", "湖北省中医药学会", "“岐黄薪火”党员名老中医传帮带青年人才培养行动", "84.26", "良好",
         "87.50%", "97.87%", "验收通过"],
    ]
    for society in ("hbjx", "hbnx", "hbzyy"):        # the numbers are the projects' own
        p = demo.project(society)
        row = labelled_by(document.tables[0], p.society_name)
        assert row[3:5] == [f"{p.scores.acceptance:.2f}", p.scores.grade]
    text = [p.text for p in document.paragraphs if p.text.strip()]
    assert "（合格线：60分）" in text
    sign_off = document.tables[1]
    assert sign_off.cell(0, 0).text == "共验收 3 个项目：优秀 1 个、良好 1 个、合格 0 个、不合格 1 个"
    assert [p.text for p in sign_off.cell(0, 1).paragraphs] == [
        "（盖章）", "湖北省科协科技社团党委", "2022年12月16日"]     # the last acceptance sheet


def labelled_by(table: Table, society_name: str) -> list[str]:
    return next(row for row in texts(table) if row[1] == society_name)


def test_spot_check_document(demo: Rendered) -> None:
    check = demo.data("reviews/2022/spot-check.yaml")
    document = demo.doc("财务抽查.docx")
    method, results, sign_off = document.tables
    assert [p.text for p in sign_off.cell(0, 1).paragraphs] == [
        "（盖章）", "湖北省科协科技社团党委", "2022年12月20日"]
    rows = texts(method)
    assert rows[0][:3] == ["立项项目数", "6", "抽查比例"] and Decimal(rows[0][3].rstrip("%")) == 5
    assert rows[1] == ["抽查项目数", "1", "抽取日期", "2022年12月20日"]
    assert rows[2] == ["随机种子", check["种子"]]
    assert rows[3] == ["抽取方法", "按 sha256(种子:学会id) 的十六进制值升序排列，取前 N 个"]
    finding = check["发现"][0]
    assert check["抽中"] == ["hbyx"] and finding["学会"] == "hbyx"
    assert texts(results) == [
        ["序号", "学会", "项目名称", "资助金额（元）", "抽查发现", "处理意见"],
        ["1", "湖北省药学会", "“党建+科普”药品安全 & 合理用药进万家", "20,000", finding["问题"],
         finding["处理"]]]
    assert scoring.draw(check["种子"], [e["学会"] for e in demo.data(
        "reviews/2022/selection.yaml")["立项"]], 1) == ["hbyx"]


# --- every document: reproducible, not rebuilt ------------------------------------------------

def test_every_document_opens_and_has_no_template_tags_left(demo: Rendered) -> None:
    docs = [rel for rel in demo.result.written if rel.endswith(".docx")]
    assert len(docs) == 31
    for rel in docs:
        document = Document(str(demo.root / rel))
        body = "\n".join(p.text for p in document.paragraphs) + "\n".join(
            c.text for t in document.tables for row in t.rows for c in cells(row))
        assert "{%" not in body and "{{ " not in body.replace("{{ 不是模板 }}", ""), rel


def test_rendering_twice_gives_identical_bytes(demo: Rendered,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    other = copy_demo(tmp_path_factory.mktemp("again") / "tree")
    again = run(Layout(other))
    assert sorted(again.written) == sorted(demo.result.written)
    docs = [rel for rel in demo.result.written if rel.endswith(".docx")]   # .xlsx: test_register
    assert len(docs) == 31
    for rel in docs:
        assert (other / rel).read_bytes() == (demo.root / rel).read_bytes(), rel


def test_second_run_writes_nothing(demo: Rendered) -> None:
    before = {rel: (demo.root / rel).stat().st_mtime_ns for rel in demo.result.written}
    second = run(Layout(demo.root))
    assert second.written == []
    assert sorted(second.unchanged) == sorted(demo.result.written)
    assert {rel: (demo.root / rel).stat().st_mtime_ns for rel in before} == before


# --- known bugs -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The demo with two edges: hbzyy's four acceptance sheets average 84.265 (a tie at the
    third decimal), and hbyx (the project the spot check draws) granted 18,000 of 20,000."""
    root = copy_demo(tmp_path_factory.mktemp("edge") / "tree")
    sheet = root / "reviews/2022/hbzyy/acceptance/guo-expert.yaml"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("得分: 26\n", "得分: 26.06\n"),
                     encoding="utf-8")
    selection = root / "reviews/2022/selection.yaml"
    text = selection.read_text(encoding="utf-8")
    old = "  - 学会: hbyx    # 立项评审得分 87.83\n    资助金额: 20000\n"
    assert text.count(old) == 1
    selection.write_text(text.replace(old, old.replace("20000", "18000")), encoding="utf-8")
    return Rendered(root, run(Layout(root)))


def test_edge_tree_scores(edge: Rendered) -> None:
    """hbzyy's four sheets: the rows, rounded half-up, add up to the project's score."""
    rows = score_rows(edge.doc("hbzyy/考核表（汇总）.docx").tables[1])
    assert sum(Decimal(row[4]) for row in rows) == edge.project("hbzyy").scores.acceptance


def test_combined_assessment_total_equals_the_projects_score(edge: Rendered) -> None:
    table = edge.doc("hbzyy/考核表（汇总）.docx").tables[1]
    assert labelled(table, "合计")[3] == f"{edge.project('hbzyy').scores.acceptance:.2f}"


def test_spot_check_document_shows_the_grant(edge: Rendered) -> None:
    assert texts(edge.doc("立项名单.docx").tables[0])[2][6] == "18,000"
    assert texts(edge.doc("财务抽查.docx").tables[1])[1][3] == "18,000"
