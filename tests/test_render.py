"""The 申报表 template (templates/build_templates.py) rendered by pipeline.documents.docx, read back."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import _Cell
from docxread import HEADING, Block, cell_lines, grid, lines, sections, tables

from pipeline.atomic import write_atomic
from pipeline.documents.docx import RenderError, normalize_docx, render_bytes
from pipeline.errors import QianghuiError

ROOT = Path(__file__).resolve().parents[1]
TRICKY = "A & B <c> \"d\" 'e' {{ x }} 🔬"
GAP = "　　　　"
SUBHEADING = re.compile("^（[一二三四]）")


def load_builder() -> ModuleType:
    """Import templates/build_templates.py by path (templates/ is not an installed package)."""
    name = "qianghui_build_templates"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "templates" / "build_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def sample_context() -> dict[str, object]:
    """A complete, realistic context for the 申报表."""
    return {
        "year": 2022,
        "org_name": "湖北省机械工程学会党支部",
        "founded": "2018年6月1日",
        "members": 23,
        "secretary": "张明",
        "contact": "李华",
        "phone": "027-87654321",
        "email": "lihua@example.org",
        "form": "党建+科普",
        "project_name": "“党建+科普”进社区系列活动",
        "box_position": "□",
        "box_activity": "☑",
        "amount": "20,000",
        "amount_capital": "贰万元整",
        "theme": ["以“党建+科普”为主线，组织党员专家走进社区开展科普讲座。", TRICKY],
        "effects": ["提升社区群众科学素质，增强学会党组织的政治功能和组织功能。"],
        "goals": ["开展科普进社区活动不少于6场", "覆盖群众不少于1000人次", "发布宣传报道不少于2篇"],
        "significance": ["落实省科协“党建强会计划”要求，推动党建与业务融合。"],
        "approach": ["学会党支部牵头，党员专家领衔，会员单位协同。"],
        "measures": ["成立项目工作专班，支部书记任组长。", "建立活动台账。"],
        "plan": [
            {"time": "2022-06", "content": "制定活动方案。"},
            {"time": "2022-07至09", "content": "开展科普进社区活动。"},
            {"time": "2022-11", "content": "总结并报送财务总结。"},
        ],
        "budget": [
            {"no": 1, "item": "宣传资料印制", "amount": "5,000.00", "note": "科普手册2000册"},
            {"no": 2, "item": "专家劳务费", "amount": "9,000.00", "note": "6场×1500元"},
            {"no": 3, "item": "场地与物料", "amount": "6,000.00", "note": "展板、党旗等"},
        ],
        "budget_total": "20,000.00",
        "budget_total_capital": "贰万元整",
        "society_opinion": ["同意申报。"],
        "society_leader": "王强",
        "society_date": "2022年5月10日",
        "approval_opinion": [],
        "approval_leader": "",
        "approval_date": "　　年　　月　　日",
        "approval_amount": "",
        "approval_capital": "",
        "provenance": "数据版本：0123456789（2022-06-01）　输入指纹 abcdef012345　qianghui 0.1.0",
    }


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = load_builder().build_all(tmp_path_factory.mktemp("templates"))[0]
    return path


@pytest.fixture(scope="session")
def read(template: Path) -> Callable[..., DocxDocument]:
    """Render the template with the sample context, changed by keyword arguments."""

    def render(**changes: object) -> DocxDocument:
        return Document(io.BytesIO(render_bytes(template, sample_context() | changes)))

    return render


@pytest.fixture(scope="session")
def form(read: Callable[..., DocxDocument]) -> DocxDocument:
    return read()


def cell(document: DocxDocument, row: int, column: int = 0) -> _Cell:
    return document.tables[0].cell(row, column)


def texts(target: _Cell) -> list[str]:
    return [paragraph.text for paragraph in target.paragraphs]


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        (0, 0, "党组织名称"),
        (0, 1, "湖北省机械工程学会党支部"),
        (0, 2, "成立时间"),
        (0, 3, "2018年6月1日"),
        (1, 1, "23"),
        (1, 3, "张明"),
        (2, 1, "李华"),
        (2, 3, "027-87654321"),
        (3, 1, "lihua@example.org"),
        (3, 3, "党建+科普"),
        (4, 0, "项目名称"),
        (4, 1, "“党建+科普”进社区系列活动"),
        (5, 1, f"□“阵地建设”类{GAP}☑“特色活动”类"),
        (6, 1, "20,000 元（大写：贰万元整）"),
    ],
)
def test_fields_fill_their_cells(form: DocxDocument, row: int, column: int, expected: str) -> None:
    assert cell(form, row, column).text == expected


def test_sections_follow_the_fields_in_order_then_the_note(form: DocxDocument) -> None:
    assert list(sections(form)) == [
        "一、申报主题及预期成效", "二、项目设计方案", "三、预算安排", "四、申报学会意见",
        "五、省科协审批意见"]
    assert form.paragraphs[-1].text == "备注：申报表要求以A4纸型制作，加盖学会党组织印章或学会公章。"


def section(document: DocxDocument, heading: str) -> list[Block]:
    return sections(document)[heading]


def test_title_and_year(form: DocxDocument) -> None:
    assert [p.text for p in form.paragraphs[:3]] == [
        "“党建强会计划”之阵地建设与特色活动",
        "项目申报表",
        "（2022年度）",
    ]


def test_theme_section_lists_paragraphs_and_numbered_goals(form: DocxDocument) -> None:
    assert lines(section(form, "一、申报主题及预期成效")) == [
        "（一）主题",
        "以“党建+科普”为主线，组织党员专家走进社区开展科普讲座。",
        TRICKY,
        "（二）预期成效",
        "提升社区群众科学素质，增强学会党组织的政治功能和组织功能。",
        "（三）预期目标",
        "1. 开展科普进社区活动不少于6场",
        "2. 覆盖群众不少于1000人次",
        "3. 发布宣传报道不少于2篇",
    ]


def test_design_section_has_each_part_and_the_plan(form: DocxDocument) -> None:
    body = section(form, "二、项目设计方案")
    assert lines(body) == [
        "（一）意义",
        "落实省科协“党建强会计划”要求，推动党建与业务融合。",
        "（二）思路",
        "学会党支部牵头，党员专家领衔，会员单位协同。",
        "（三）措施",
        "成立项目工作专班，支部书记任组长。",
        "建立活动台账。",
        "（四）实施计划（可另附纸）",
    ]
    assert grid(tables(body)[0]) == [
        ["时间", "实施内容"],
        ["2022-06", "制定活动方案。"],
        ["2022-07至09", "开展科普进社区活动。"],
        ["2022-11", "总结并报送财务总结。"],
    ]


def test_budget_has_header_one_row_per_line_and_total(form: DocxDocument) -> None:
    assert grid(tables(section(form, "三、预算安排"))[0]) == [
        ["序号", "项目", "金额（元）", "说明"],
        ["1", "宣传资料印制", "5,000.00", "科普手册2000册"],
        ["2", "专家劳务费", "9,000.00", "6场×1500元"],
        ["3", "场地与物料", "6,000.00", "展板、党旗等"],
        ["合计", "合计", "20,000.00", "大写：贰万元整"],
    ]


def opinion_box(document: DocxDocument, heading: str) -> tuple[list[str], list[str]]:
    """The text cell and the seal box of section 四 or 五."""
    (table,) = tables(section(document, heading))
    return cell_lines(table, 0, 0), cell_lines(table, 0, 1)


def test_society_opinion_signature_and_seal(form: DocxDocument) -> None:
    text, seal = opinion_box(form, "四、申报学会意见")
    assert text == ["同意申报。", "", "学会党组织负责人：王强"]
    assert seal == ["（盖章）", "学会党组织", "2022年5月10日"]


def test_pending_approval_leaves_room_to_write(form: DocxDocument) -> None:
    text, seal = opinion_box(form, "五、省科协审批意见")
    assert text == ["", "", "", f"审批人：{GAP}"]
    assert seal == ["（盖章）", "省科协科技社团党委", "　　年　　月　　日"]


def test_approval_fills_section_five_with_the_grant(read: Callable[..., DocxDocument]) -> None:
    document = read(
        approval_opinion=["经省科协党组审批，同意立项。"],
        approval_leader="赵刚",
        approval_date="2022年6月1日",
        approval_amount="20,000",
        approval_capital="贰万元整",
    )
    text, seal = opinion_box(document, "五、省科协审批意见")
    assert text == ["经省科协党组审批，同意立项。", "", "审批人：赵刚",
                    "资助金额：20,000 元（大写：贰万元整）"]
    assert seal[-1] == "2022年6月1日"


def test_seal_box_is_a_square_of_at_least_4_4_cm_that_never_splits(form: DocxDocument) -> None:
    for heading in ("四、申报学会意见", "五、省科协审批意见"):
        (table,) = tables(section(form, heading))
        row = table.rows[0]
        assert row.height is not None and row.height.cm >= 4.39
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert table.cell(0, 1).width.cm >= 4.39


def test_headings_keep_with_next(form: DocxDocument) -> None:
    heads = [p for p in form.paragraphs if HEADING.match(p.text) or SUBHEADING.match(p.text)]
    assert len(heads) == 12
    assert all(p.paragraph_format.keep_with_next for p in heads)


def test_list_tables_stand_alone_with_repeated_headers(form: DocxDocument) -> None:
    for heading in ("二、项目设计方案", "三、预算安排"):
        (table,) = tables(section(form, heading))
        assert table._tbl.getparent() is form.element.body     # not nested in another table
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_tricky_text_is_kept_exactly(form: DocxDocument) -> None:
    assert TRICKY in lines(section(form, "一、申报主题及预期成效"))


def test_docxtpl_markers_in_values_are_kept(read: Callable[..., DocxDocument]) -> None:
    odd = "{_{ a }_} {_% b %_} a_b"
    assert cell(read(secretary=odd), 1, 3).text == odd


@pytest.mark.parametrize("typed", ["第一行\n第二行", "第一行\r\n第二行", "第一行\r第二行"])
def test_line_break_in_a_value_is_a_word_line_break(
    read: Callable[..., DocxDocument], typed: str
) -> None:
    document = read(measures=[typed])
    (paragraph,) = [p for p in document.paragraphs if p.text.startswith("第一行")]
    assert paragraph.text == "第一行\n第二行"
    assert len(paragraph._p.findall(f".//{qn('w:br')}")) == 1


def test_none_renders_empty(read: Callable[..., DocxDocument]) -> None:
    assert cell(read(email=None), 3, 1).text == ""


def test_undefined_variable_is_reported(template: Path) -> None:
    context = sample_context()
    del context["approval_date"]
    with pytest.raises(RenderError, match="模板「申报表.docx」渲染失败：变量 approval_date 未定义"):
        render_bytes(template, context)


def test_missing_key_in_a_list_item_is_reported(template: Path) -> None:
    context = sample_context() | {"plan": [{"time": "2022-06"}]}
    with pytest.raises(RenderError, match="content"):
        render_bytes(template, context)


def test_control_character_is_reported(template: Path) -> None:
    context = sample_context() | {"theme": ["正常", "响铃\x07"]}
    with pytest.raises(RenderError, match=r"theme\[1\].*U\+0007"):
        render_bytes(template, context)


def test_missing_or_broken_template_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="模板文件不存在"):
        render_bytes(tmp_path / "无.docx", sample_context())
    broken = tmp_path / "坏.docx"
    broken.write_text("not a zip", encoding="utf-8")
    with pytest.raises(RenderError, match="坏.docx"):
        render_bytes(broken, sample_context())


def test_render_error_is_the_user_facing_error() -> None:
    assert issubclass(RenderError, QianghuiError)


def test_rendering_twice_gives_identical_bytes(template: Path) -> None:
    first = render_bytes(template, sample_context())
    assert render_bytes(template, sample_context()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert normalize_docx(first) == first


def test_template_build_is_reproducible_and_committed_copy_is_current(tmp_path: Path) -> None:
    built = load_builder().build_all(tmp_path)[0]
    assert built.read_bytes() == (ROOT / "templates" / "申报表.docx").read_bytes()


def test_write_atomic_skips_identical_content(tmp_path: Path) -> None:
    target = tmp_path / "build" / "2022" / "hbjx" / "申报表.docx"
    assert write_atomic(target, b"one") is True
    stamp = target.stat().st_mtime_ns
    assert write_atomic(target, b"one") is False
    assert target.stat().st_mtime_ns == stamp
    assert write_atomic(target, b"two") is True
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["申报表.docx"]


def test_no_template_tag_is_left_over(form: DocxDocument) -> None:
    xml = form.element.xml
    assert "{%" not in xml and "%}" not in xml
    assert xml.count("{{") == 1  # the one the user typed


def test_every_run_names_an_east_asian_font(read: Callable[..., DocxDocument]) -> None:
    document = read(secretary="张\t明", phone="027-\n87654321")  # tabs become runs of their own
    parts = [document.element.body, document.sections[0].footer._element]
    runs = [run for part in parts for run in part.iter(qn("w:r"))]
    assert runs
    for run in runs:
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:eastAsia")), run.xml
        assert fonts.get(qn("w:ascii")) and fonts.get(qn("w:hAnsi"))
