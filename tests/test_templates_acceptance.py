"""Every template built by templates/build_templates.py, rendered and read back cell by cell.

The 申报表 has its own detailed tests (test_render.py); here each of the other documents —
考核表, 结题报告, 立项名单, 验收结果汇总, 财务抽查 — is rendered with a realistic context, and
all six are checked for what every official document needs: strict keys, faithful text,
reproducible bytes, a committed copy that is current, and a named Chinese font on every run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table, _Cell
from docxread import grid, lines, sections, tables

from pipeline.documents.docx import RenderError, render_bytes

ROOT = Path(__file__).resolve().parents[1]
TRICKY = 'A & B <c> "d" {{ x }} 🔬'
GAP = "　　　　"
SIGN = "（签字）：＿＿＿＿＿"
PROVENANCE = "数据版本：0123456789（2022-06-01）　输入指纹 abcdef012345　qianghui 0.1.0"
CAPTIONS = {"活动2.jpg": "2022年7月1日 科普讲座现场"}
Context = dict[str, Any]


def load_builder() -> ModuleType:
    """Import templates/build_templates.py by path (templates/ is not an installed package)."""
    name = "qianghui_build_templates"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "templates" / "build_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def photo(path: Path, width_mm: int = 70) -> dict[str, Any]:
    """A photo as the engine passes it: its caption (a typed one, else the file's name), and
    the picture."""
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    caption = CAPTIONS.get(path.name, path.stem)
    return {"name": caption,
            "image": {"path": str(path), "sha256": sha256, "width_mm": width_mm}}


def records(keys: str, rows: list[tuple[str, ...]]) -> list[dict[str, str]]:
    """Rows of a sample table as the engine passes them: one dict per row."""
    return [dict(zip(keys.split(), row, strict=True)) for row in rows]


# Sample tables, one tuple per row (the keys are given where each is used).
SCORE_ROWS = [
    ("1", "工作阵地", "15", "按照“有场所、有设施、有标志、有党旗、有书报、有制度”的标准，建设有功能实用的党组织工作阵地", "13.50", "阵地设施齐全"),
    ("2", "活动策划", "10", "围绕主题，凸显学会特点，突出党的元素，制定完备的活动策划，做到有部署、有落实，保障活动效果", "9.00", "策划完备"),
    ("3", "组织保障", "10", "学会党组织书记牵头负责，党员广泛参与，并积极争取学会秘书处、理事会、支撑单位给予必要的支持和参与", "8.50", ""),
    ("4", "党组织和党员作用发挥", "15", "活动实施过程中，能充分调动学会党员积极性，体现党组织和党员时代先锋作用", "13.00", TRICKY),
    ("5", "活动记录", "10", "党建档案齐全，活动记录完备", "8.50", "缺1场签到表"),
    ("6", "宣传力度", "10", "整理活动影像资料并及时报道情况进展，至少有1篇活动简讯在省科协官网、湖北学会服务网、学会党建工作简报等平台上发布；总结时用鲜活的事例和图像、数字说话", "9.00", "简讯2篇"),
    ("7", "活动效果", "30", "活动取得良好经济或社会效益，学会服务能力、发展水平显著增强", "26.00", "覆盖群众1200人次"),
]  # fmt: skip
ACTIVITIES = [
    ("2022-07-02", "武汉市洪山区卓刀泉社区", "智能制造科普讲座", "210", "12"),
    ("2022-08-13", "黄石市下陆区", "党员专家义诊式技术咨询", "180", "9"),
    ("2022-09-24", "宜昌市西陵区", "青少年机器人体验日", "260", "11"),
]  # fmt: skip
GOALS = [
    ("开展科普进社区活动不少于6场", "已完成", "实际6场"),
    ("覆盖群众不少于1000人次", "已完成", "1200人次"),
    ("发布宣传报道不少于2篇", "部分完成", "1篇"),
]  # fmt: skip
NEWS = [
    ("湖北省科协官网", "机械学会开展科普进社区", "https://www.hbkx.org.cn/news/2022/0703.html", "2022-07-03"),
    ("学会党建工作简报", TRICKY, "第5期", "2022-09-30"),
]  # fmt: skip
FINANCE = [
    ("宣传资料印制", "5,000.00", "4,800.00", "科普手册2000册"),
    ("专家劳务费", "9,000.00", "9,000.00", "6场×1500元"),
    ("场地与物料", "6,000.00", "5,950.00", TRICKY),
]  # fmt: skip
FUNDED = [
    ("1", "湖北省机械工程学会", "“党建+科普”进社区系列活动", "特色活动", "党建+科普", "91.20", "20,000"),
    ("2", "湖北省营养学会", TRICKY, "阵地建设", "党员之家", "88.60", "30,000"),
    ("3", "湖北省气象学会", "气象科普党员先锋行", "特色活动", "党建+科普", "85.00", "15,000"),
]  # fmt: skip
ACCEPTED = [
    ("1", "湖北省机械工程学会", "“党建+科普”进社区系列活动", "87.50", "良好", "87.50%", "95.45%", "通过"),
    ("2", "湖北省营养学会", TRICKY, "92.10", "优秀", "100.00%", "98.00%", "通过"),
    ("3", "湖北省气象学会", "气象科普党员先锋行", "55.00", "不合格", "50.00%", "70.00%", "不通过"),
]  # fmt: skip
DEMO_FILES = ROOT / "submissions/2022/hbjx/files"
PHOTOS = [DEMO_FILES / name for name in ("活动1.jpg", "活动2.jpg", "盖章页.png")]
CHECKED = [
    ("1", "湖北省营养学会", "营养健康党员之家", "30,000.00", "票据齐全，支出与预算相符", "无"),
    ("2", "湖北省气象学会", TRICKY, "15,000.00", "1张发票抬头有误", "限期更换发票"),
]  # fmt: skip


def assessment() -> Context:
    """A combined 考核表 (five experts' sheets)."""
    return {
        "provenance": PROVENANCE,
        "year": "2022",
        "society_name": "湖北省机械工程学会",
        "project_name": "“党建+科普”进社区系列活动",
        "signatures": [f"陈志远{SIGN}　　郭振华{SIGN}", f"黄丽萍{SIGN}　　2022年12月10日"],
        "rows": records("no name max note score remark", SCORE_ROWS),
        "total_max": "100",
        "total": "87.50",
        "grade": "良好",
        "opinion": ["项目按计划完成，党建元素突出，社会效益明显。", TRICKY],
        "method": "去掉一个最高分和一个最低分后取平均值。",
        "goal_rate": "87.50%",
        "satisfaction": "95.45%",
        "approval_rate": "93.33%",
    }


def completion() -> Context:
    """A 结题报告 with three activities, goals and budget lines."""
    return {
        "provenance": PROVENANCE,
        "year": "2022",
        "society_name": "湖北省机械工程学会",
        "org_name": "湖北省机械工程学会党支部",
        "project_name": "“党建+科普”进社区系列活动",
        "category": "特色活动",
        "form": "党建+科普",
        "amount": "20,000",
        "amount_capital": "贰万元整",
        "summary": ["学会党支部牵头，共开展科普进社区活动6场。", TRICKY],
        "activities": records("date place name attendees members", ACTIVITIES),
        "goals": records("goal done note", GOALS),
        "goal_rate": "83.33%",
        "news": records("platform title link date", NEWS),
        "flag": "是",
        "badge": "是",
        "logo": "否",
        "photos": [photo(path) for path in PHOTOS],
        "finance": records("item budget actual note", FINANCE),
        "budget_total": "20,000.00",
        "actual_total": "19,750.00",
        "actual_capital": "壹万玖仟柒佰伍拾元整",
    }


def selection() -> Context:
    """An approved 立项名单 of three projects."""
    return {
        "provenance": PROVENANCE,
        "year": "2022",
        "status_line": "经省科协党组审批同意",
        "count": "3",
        "rows": records("no society_name project_name category form score amount", FUNDED),
        "total": "65,000",
        "total_capital": "陆万伍仟元整",
        "approval_opinion": "同意按名单立项资助。",
        "approver": "省科协党组",
        "approval_date": "2022年6月1日",
    }


def acceptance() -> Context:
    """A 验收结果汇总 of three projects."""
    keys = "no society_name project_name score grade goal_rate satisfaction result"
    return {
        "provenance": PROVENANCE,
        "year": "2022",
        "pass_line": "60",
        "rows": records(keys, ACCEPTED),
        "summary_line": "共验收 3 个项目：优秀 1 个、良好 1 个、不合格 1 个",
        "date": "2022年12月20日",
    }


def spotcheck() -> Context:
    """A 财务抽查 of two projects."""
    return {
        "provenance": PROVENANCE,
        "year": "2022",
        "funded_count": "40",
        "rate": "5%",
        "count": "2",
        "seed": "3f9c2a7e5b1d",
        "method": "以立项名单提交记录的哈希为种子，按学会 id 排序后随机抽取",
        "date": "2022年12月20日",
        "rows": records("no society_name project_name amount finding action", CHECKED),
        "note": "抽查结果报省科协科技社团党委备案。",
    }


PLANNED = [
    ("1", "2022年7月1日", "武汉市洪山区社区党群服务中心", "青年学术沙龙第一期", "60", "重温入党誓词，使用党旗、党徽"),
    ("2", "2022年9月10日", "华中科技大学", TRICKY, "120", "统一标识"),
]  # fmt: skip


def implementation() -> Context:
    """A 实施方案 of two activities."""
    return {
        "provenance": PROVENANCE,
        "year": "2022",
        "society_name": "湖北省机械工程学会",
        "project_name": "“红心向党 智造强省”青年学术沙龙",
        "first": {"name": "张明", "post": "学会党支部书记"},
        "direct": {"name": "李华", "post": "学会秘书长"},
        "rows": records("no date place content expected elements", PLANNED),
        "date": "2022年6月20日",
    }


SAMPLES: dict[str, Callable[[], Context]] = {
    "实施方案.docx": implementation,
    "考核表.docx": assessment,
    "结题报告.docx": completion,
    "立项名单.docx": selection,
    "验收结果汇总.docx": acceptance,
    "财务抽查.docx": spotcheck,
}
# the repeated list (and its table: index in document.tables, row of its first item) per template
LISTS = {
    "实施方案.docx": ("rows", 1, 1),
    "考核表.docx": ("rows", 1, 1),
    "结题报告.docx": ("activities", 1, 1),
    "立项名单.docx": ("rows", 0, 1),
    "验收结果汇总.docx": ("rows", 0, 1),
    "财务抽查.docx": ("rows", 1, 1),
}


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = load_builder().build_all(tmp_path_factory.mktemp("templates"))
    return {path.name: path for path in paths}


@pytest.fixture(scope="session")
def read(built: dict[str, Path]) -> Callable[..., DocxDocument]:
    """Render a template with its sample context, changed by keyword arguments."""

    def render(name: str, **changes: object) -> DocxDocument:
        data = render_bytes(built[name], SAMPLES[name]() | changes)
        return Document(io.BytesIO(data))

    return render


def paragraphs(document: DocxDocument) -> list[str]:
    """The body's own paragraphs (outside tables), empty ones left out."""
    return [p.text for p in document.paragraphs if p.text]


def test_build_all_writes_every_template_application_first(built: dict[str, Path]) -> None:
    assert list(built)[0] == "申报表.docx"
    assert set(built) == {"申报表.docx", *SAMPLES}
    assert all(path.stat().st_size > 0 for path in built.values())


# 考核表


def test_assessment_title_header_and_signature(read: Callable[..., DocxDocument]) -> None:
    document = read("考核表.docx")
    assert paragraphs(document) == [
        "“党建强会计划”之阵地建设与特色活动项目考核表",  # 小二, on one line: the sheet is one page
        "（2022年度）",
    ]
    assert grid(document.tables[0]) == [
        ["学会", "湖北省机械工程学会", "项目", "“党建+科普”进社区系列活动"]]
    # the signatures close the 总体意见 cell, so they never land alone on a second page
    opinion = document.tables[1].rows[-1].cells[3]
    assert [p.text for p in opinion.paragraphs[-2:]] == [
        f"陈志远{SIGN}　　郭振华{SIGN}", f"黄丽萍{SIGN}　　2022年12月10日"]


def test_assessment_table_cell_by_cell(read: Callable[..., DocxDocument]) -> None:
    label, method, opinion = (
        ["计分方法"] * 3,
        ["去掉一个最高分和一个最低分后取平均值。"] * 3,
        ["总体意见"] * 3,
    )
    assert grid(read("考核表.docx").tables[1]) == [
        ["序号", "指标", "分值", "内容说明", "得分", "评分说明"],
        *[list(row) for row in SCORE_ROWS],
        ["合计", "合计", "100", "", "87.50", ""],
        label + method,
        ["等级"] * 3 + ["良好"] * 3,
        ["目标实现率"] * 3 + ["87.50%"] * 3,
        ["群众满意率"] * 3 + ["95.45%"] * 3,
        ["民主测评好评率"] * 3 + ["93.33%"] * 3,
        opinion + [f"项目按计划完成，党建元素突出，社会效益明显。\n{TRICKY}\n"
                   f"陈志远{SIGN}　　郭振华{SIGN}\n黄丽萍{SIGN}　　2022年12月10日"] * 3,
    ]


def test_single_expert_sheet_leaves_room_to_write_and_sign(
    read: Callable[..., DocxDocument],
) -> None:
    document = read(
        "考核表.docx",
        signatures=[f"黄丽萍{SIGN}　　2022年12月10日"],
        opinion=[],
        method="各指标得分四舍五入到 0.01 分，合计为各指标得分之和。",
        goal_rate="—",
        satisfaction="—",
        approval_rate="—",
    )
    rows = grid(document.tables[1])
    assert [row[0] for row in rows[9:]] == [
        "计分方法",
        "等级",
        "目标实现率",
        "群众满意率",
        "民主测评好评率",
        "总体意见",
    ]
    assert [row[3] for row in rows[11:14]] == ["—", "—", "—"]
    assert [p.text for p in document.tables[1].cell(14, 3).paragraphs] == [
        "", f"黄丽萍{SIGN}　　2022年12月10日"]


# 结题报告


def test_completion_fields(read: Callable[..., DocxDocument]) -> None:
    document = read("结题报告.docx")
    assert paragraphs(document)[:3] == [
        "“党建强会计划”之阵地建设与特色活动",
        "项目结题报告",
        "（2022年度）",
    ]
    assert grid(document.tables[0])[:5] == [
        ["学会名称"] + ["湖北省机械工程学会"] * 3,
        ["党组织名称"] + ["湖北省机械工程学会党支部"] * 3,
        ["项目名称"] + ["“党建+科普”进社区系列活动"] * 3,
        ["资助类别", "特色活动", "项目形式", "党建+科普"],
        ["资助金额"] + ["20,000 元（大写：贰万元整）"] * 3,
    ]


HEADINGS = ["一、项目实施情况", "二、活动记录", "三、目标完成情况", "四、宣传报道", "五、党建元素",
            "六、活动照片", "七、财务总结"]


def test_completion_sections_in_order(read: Callable[..., DocxDocument]) -> None:
    document = read("结题报告.docx")
    body = sections(document)
    assert list(body) == HEADINGS
    assert lines(body["一、项目实施情况"]) == [
        "学会党支部牵头，共开展科普进社区活动6场。",
        TRICKY,
    ]
    stamp = document.tables[-1].rows[-1].cells      # the last row of 七、财务总结
    assert [p.text for p in stamp[0].paragraphs if p.text] == ["学会党组织负责人（签字）："]
    assert [p.text for p in stamp[3].paragraphs] == ["（盖章）", "学会党组织", "年　　月　　日"]


def test_completion_tables(read: Callable[..., DocxDocument]) -> None:
    body = sections(read("结题报告.docx"))
    activities, goals, news, elements, finance = (
        tables(body[heading])[0]
        for heading in ("二、活动记录", "三、目标完成情况", "四、宣传报道", "五、党建元素", "七、财务总结")
    )
    assert grid(activities) == [
        ["日期", "地点", "活动名称", "参加人数", "党员人数"],
        *map(list, ACTIVITIES),
    ]
    assert grid(goals) == [
        ["序号", "预期目标", "完成情况", "说明"],
        *[[str(index), *goal] for index, goal in enumerate(GOALS, start=1)],
        ["目标实现率"] * 2 + ["83.33%"] * 2,
    ]
    assert grid(news) == [["发布平台", "标题", "链接", "发布日期"], *map(list, NEWS)]
    assert grid(elements) == [
        ["活动现场悬挂党旗", "党员佩戴党徽", "使用统一标识"],
        ["是", "是", "否"],
    ]
    assert grid(finance) == [
        ["项目", "预算（元）", "实际支出（元）", "说明"],
        *map(list, FINANCE),
        ["合计", "20,000.00", "19,750.00", "大写：壹万玖仟柒佰伍拾元整"],
        ["\n学会党组织负责人（签字）："] * 3 + ["（盖章）\n学会党组织\n年　　月　　日"],
    ]


def pictures(cell: _Cell) -> list[tuple[int, str]]:
    """Each picture in a cell: its width and the caption below it."""
    found = []
    pars = list(cell._tc.iter(qn("w:p")))
    for index, par in enumerate(pars):
        for inline in par.iter(qn("wp:inline")):
            caption = "".join(t.text or "" for t in pars[index + 1].iter(qn("w:t")))
            found.append((int(inline.find(qn("wp:extent")).get("cx")), caption))
    return found


def photo_cells(document: DocxDocument) -> list[list[tuple[int, str]]]:
    """The pictures of each row of 六、活动照片."""
    found = tables(sections(document)["六、活动照片"])
    return [[item for cell in row.cells for item in pictures(cell)]
            for table in found for row in table.rows]


def embedded(document: DocxDocument) -> list[bytes]:
    """The image bytes behind every inline picture, in document order."""
    return [
        document.part.related_parts[shape._inline.xpath(".//a:blip/@r:embed")[0]].blob
        for shape in document.inline_shapes
    ]


def test_completion_photos_two_a_row_with_their_captions_below(
    read: Callable[..., DocxDocument],
) -> None:
    document = read("结题报告.docx")
    assert photo_cells(document) == [
        [(Mm(70), "活动1"), (Mm(70), "2022年7月1日 科普讲座现场")],
        [(Mm(70), "盖章页")],
    ]
    (table,) = tables(sections(document)["六、活动照片"])
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert len(document.inline_shapes) == len(PHOTOS)
    assert embedded(document) == [path.read_bytes() for path in PHOTOS]


@pytest.mark.parametrize("count", [1, 2, 5])
def test_completion_photo_rows_follow_the_list(
    read: Callable[..., DocxDocument], count: int
) -> None:
    paths = [PHOTOS[i % len(PHOTOS)] for i in range(count)]
    document = read("结题报告.docx", photos=[photo(path, width_mm=60) for path in paths])
    rows = photo_cells(document)
    assert [len(row) for row in rows] == [2] * (count // 2) + [1] * (count % 2)
    assert {width for row in rows for width, _ in row} == {Mm(60)}
    assert embedded(document) == [path.read_bytes() for path in paths]


def test_completion_without_photos_says_none(read: Callable[..., DocxDocument]) -> None:
    document = read("结题报告.docx", photos=[])
    assert lines(sections(document)["六、活动照片"]) == ["（无）"]
    assert len(document.inline_shapes) == 0


def test_a_photo_path_is_used_as_is_not_escaped(
    built: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "A&B_<合影> {{ x }}.png"
    path.write_bytes(PHOTOS[2].read_bytes())
    entry = photo(path) | {"name": "A&B_<合影> {{ x }}"}
    data = render_bytes(built["结题报告.docx"], completion() | {"photos": [entry]})
    document = Document(io.BytesIO(data))
    assert embedded(document) == [PHOTOS[2].read_bytes()]
    assert photo_cells(document) == [[(Mm(70), "A&B_<合影> {{ x }}")]]


def corrupt(path: Path) -> dict[str, Any]:
    path.write_text("这是一段文字，不是照片\n", encoding="utf-8")
    return photo(path)


def missing(path: Path) -> dict[str, Any]:
    entry = photo(PHOTOS[0])
    entry["image"]["path"] = str(path)
    return entry


def changed(path: Path) -> dict[str, Any]:
    path.write_bytes(PHOTOS[0].read_bytes())
    entry = photo(path)
    path.write_bytes(PHOTOS[1].read_bytes())
    return entry


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (corrupt, "已损坏或不是图片，无法插入文档"),
        (missing, "无法读取图片"),
        (changed, "在生成过程中被修改，请重新生成"),
    ],
)
def test_a_bad_photo_is_a_render_error_naming_the_file(
    built: dict[str, Path],
    tmp_path: Path,
    make: Callable[[Path], dict[str, Any]],
    message: str,
) -> None:
    path = tmp_path / "活动9.jpg"
    context = completion() | {"photos": [photo(PHOTOS[0]), make(path)]}
    with pytest.raises(RenderError) as caught:
        render_bytes(built["结题报告.docx"], context)
    assert caught.value.message.startswith("模板「结题报告.docx」渲染失败：")
    assert f"「{path}」" in caught.value.message and message in caught.value.message


def kept_with_next(element: Any) -> bool:
    """Whether every paragraph in an element (a row, nested tables included) keeps with next."""
    pars = list(element.iter(qn("w:p")))
    return bool(pars) and all(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in pars)


def test_completion_page_breaks_leave_nothing_alone(read: Callable[..., DocxDocument]) -> None:
    """Headings are body paragraphs kept with what follows; every list is a table of its own
    (never nested) whose header row repeats and whose rows never split; the stamp never splits."""
    document = read("结题报告.docx")
    headings = [p for p in document.paragraphs if p.text in HEADINGS]
    assert len(headings) == 7 and all(p.paragraph_format.keep_with_next for p in headings)
    body = sections(document)
    for heading in ("二、活动记录", "三、目标完成情况", "四、宣传报道", "七、财务总结"):
        table = tables(body[heading])[0]
        assert table._tbl.getparent() is document.element.body
        header = table.rows[0]._tr
        assert header.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert kept_with_next(header)
        assert all(row._tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
                   for row in table.rows)
    stamp = document.tables[-1].rows[-1]
    assert stamp._tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    assert stamp.height.cm >= 4.39 and stamp.cells[3].width.cm >= 4.39
    assert kept_with_next(document.tables[-1].rows[-2]._tr)     # 合计 with the stamp (Word)


# 立项名单


def test_selection_title_table_and_approval(read: Callable[..., DocxDocument]) -> None:
    document = read("立项名单.docx")
    assert paragraphs(document) == [
        "2022年度“党建强会计划”之",
        "阵地建设与特色活动立项项目名单",
        "（经省科协党组审批同意）",
    ]
    assert sign_off(document) == (["审批意见：同意按名单立项资助。", "审批人：省科协党组"],
                                  ["（盖章）", "湖北省科协科技社团党委", "2022年6月1日"])
    assert grid(document.tables[0]) == [
        ["序号", "学会", "项目名称", "类别", "项目形式", "立项评审得分", "资助金额（元）"],
        *map(list, FUNDED),
        ["合计"] * 2 + ["共 3 个项目，资助总额大写：陆万伍仟元整"] * 4 + ["65,000"],
    ]


def test_proposed_selection_has_no_approval_lines(read: Callable[..., DocxDocument]) -> None:
    document = read(
        "立项名单.docx",
        status_line="拟立项名单，待省科协党组审批",
        approval_opinion="",
        approver="",
        approval_date="　　年　　月　　日",
    )
    assert paragraphs(document)[2:] == ["（拟立项名单，待省科协党组审批）"]
    assert sign_off(document) == ([], ["（盖章）", "湖北省科协科技社团党委", "　　年　　月　　日"])


def sign_off(document: DocxDocument) -> tuple[list[str], list[str]]:
    """The 落款 of a year document: the text beside the seal box, and the box's lines."""
    table = document.tables[-1]
    assert table.rows[0].height.cm >= 4.39 and table.cell(0, 1).width.cm >= 4.39
    return ([p.text for p in table.cell(0, 0).paragraphs if p.text],
            [p.text for p in table.cell(0, 1).paragraphs])


# 验收结果汇总


def test_acceptance_summary(read: Callable[..., DocxDocument]) -> None:
    document = read("验收结果汇总.docx")
    assert paragraphs(document) == [
        "2022年度“党建强会计划”之阵地建设与特色活动项目验收结果汇总表",   # one 小二 line
        "（合格线：60分）",
    ]
    assert grid(document.tables[0]) == [
        ["序号", "学会", "项目名称", "考核得分", "等级", "目标实现率", "群众满意率", "验收结果"],
        *map(list, ACCEPTED),
    ]
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert sign_off(document) == (["共验收 3 个项目：优秀 1 个、良好 1 个、不合格 1 个"],
                                  ["（盖章）", "湖北省科协科技社团党委", "2022年12月20日"])


# 财务抽查


def test_spotcheck_fields_rows_and_note(read: Callable[..., DocxDocument]) -> None:
    document = read("财务抽查.docx")
    assert paragraphs(document) == [
        "2022年度“党建强会计划”",
        "项目财务抽查情况",
        "一、抽查方式",
        "二、抽查结果",
    ]
    method = "以立项名单提交记录的哈希为种子，按学会 id 排序后随机抽取"
    assert grid(document.tables[0]) == [
        ["立项项目数", "40", "抽查比例", "5%"],
        ["抽查项目数", "2", "抽取日期", "2022年12月20日"],
        ["随机种子"] + ["3f9c2a7e5b1d"] * 3,
        ["抽取方法"] + [method] * 3,
    ]
    assert grid(document.tables[1]) == [
        ["序号", "学会", "项目名称", "资助金额（元）", "抽查发现", "处理意见"],
        *map(list, CHECKED),
    ]
    assert sign_off(document) == (["备注：抽查结果报省科协科技社团党委备案。"],
                                  ["（盖章）", "湖北省科协科技社团党委", "2022年12月20日"])


def test_spotcheck_without_note(read: Callable[..., DocxDocument]) -> None:
    assert sign_off(read("财务抽查.docx", note=""))[0] == []


# every template


def list_table(document: DocxDocument, name: str) -> Table:
    """The table holding the repeated list of a template (see ``LISTS``)."""
    return document.tables[LISTS[name][1]]


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("count", [0, 1, 4])
def test_repeated_rows_follow_the_list(
    read: Callable[..., DocxDocument], name: str, count: int
) -> None:
    key, _, first = LISTS[name]
    items = SAMPLES[name]()[key]
    full = grid(list_table(read(name), name))
    rows = grid(
        list_table(read(name, **{key: [items[i % len(items)] for i in range(count)]}), name)
    )
    assert len(rows) == len(full) - len(items) + count
    assert rows[first : first + count] == [full[first + i % len(items)] for i in range(count)]
    assert rows[first + count :] == full[first + len(items) :]  # 合计 and the rows after it


def missing_keys() -> list[tuple[str, str]]:
    """Every top-level key and every key of a list item, per template."""
    found = []
    for name, sample in SAMPLES.items():
        for key, value in sample().items():
            found.append((name, key))
            if isinstance(value, list) and value and isinstance(value[0], dict):
                found += [(name, f"{key}[0].{inner}") for inner in value[0]]
    return found


@pytest.mark.parametrize(("name", "key"), missing_keys())
def test_a_missing_key_is_a_render_error(built: dict[str, Path], name: str, key: str) -> None:
    context = SAMPLES[name]()
    if "." in key:
        outer, inner = key.split("[0].")
        del context[outer][0][inner]
    else:
        del context[key]
    with pytest.raises(RenderError, match=f"模板「{name}」渲染失败：.*{key.split('.')[-1]}"):
        render_bytes(built[name], context)


@pytest.mark.parametrize("name", SAMPLES)
def test_tricky_text_is_kept_and_no_tag_is_left(
    read: Callable[..., DocxDocument], name: str
) -> None:
    xml = read(name).element.xml
    assert 'A &amp; B &lt;c&gt; "d" {{ x }} 🔬' in xml
    assert "{%" not in xml and "%}" not in xml
    assert xml.count("{{") == xml.count("{{ x }} 🔬")  # only those the user typed


@pytest.mark.parametrize("name", SAMPLES)
def test_rendering_twice_gives_identical_bytes(built: dict[str, Path], name: str) -> None:
    first = render_bytes(built[name], SAMPLES[name]())
    assert render_bytes(built[name], SAMPLES[name]()) == first


def grids(document: DocxDocument) -> list[str]:
    """The distinct column grids of the tables, nested ones included, in order of appearance
    (a nested table repeated by a loop, like the 结题报告's photo rows, counts once)."""
    found = (str(grid.xml) for grid in document.element.body.iter(qn("w:tblGrid")))
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("name", SAMPLES)
def test_table_grids_survive_rendering(
    built: dict[str, Path], read: Callable[..., DocxDocument], name: str
) -> None:
    """docxtpl widens an outer grid narrower than a nested row: no template may trigger it."""
    assert grids(read(name)) == grids(Document(str(built[name])))


def test_committed_templates_are_current(built: dict[str, Path]) -> None:
    for name, path in built.items():
        assert path.read_bytes() == (ROOT / "templates" / name).read_bytes(), name


@pytest.mark.parametrize("name", SAMPLES)
def test_every_run_names_an_east_asian_font(read: Callable[..., DocxDocument], name: str) -> None:
    document = read(name)
    parts = [document.element.body, document.sections[0].footer._element]
    runs = [run for part in parts for run in part.iter(qn("w:r"))]
    assert runs
    for run in runs:
        if not any(text.text for text in run.iter(qn("w:t"))):
            continue  # no text to draw: a picture, or the empty run docxtpl leaves after it
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.xml
        assert fonts.get(qn("w:ascii")) and fonts.get(qn("w:hAnsi"))
