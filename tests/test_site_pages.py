"""The web site's page contexts (pure, on the loaded demo round) and how the site is kept:
only changed files are rewritten, a save rewrites its own project's page, the list and its year."""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from test_documents import copy_demo

from pipeline.commands import site as site_command
from pipeline.core.layout import Layout
from pipeline.core.projects import Index, Project
from pipeline.documents.provenance import Provenance
from pipeline.run import evaluate, run
from pipeline.site import contexts, links, state
from pipeline.site.writer import Writer, render_page

NO_COMMIT = Provenance("", None, {"a.yaml": "0" * 64})


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_demo(tmp_path_factory.mktemp("site") / "tree")
    assert site_command.command(Layout(root), io.StringIO()) == 0
    return root


@pytest.fixture(scope="module")
def loaded(demo: Path) -> tuple[list[Project], Index, object]:
    validation, projects, config = evaluate(Layout(demo), None)
    return projects, Index.of(validation), config


def project(loaded: tuple[list[Project], Index, object], society: str) -> Project:
    return next(p for p in loaded[0] if p.society == society)


def test_a_row_holds_what_the_list_shows(loaded: tuple[list[Project], Index, object]) -> None:
    p = project(loaded, "hbjx")
    row = contexts.row_of(p, NO_COMMIT)
    listed = p.row()
    assert (row["y"], row["s"], row["n"], row["t"], row["st"]) == (
        listed["年度"], listed["学会"], listed["学会名称"], listed["项目名称"], listed["状态"])
    assert row["am"] == 20000.0 and f"{row['p']:.2f}" == listed["立项评分"]
    assert row["r"] == listed["排名"] and row["g"] == listed["等级"]
    assert row["commit"] == "" and row["dirty"] is False


def test_a_draft_row_keeps_the_amount_as_typed_but_not_as_a_number() -> None:
    from pipeline.core.projects import Scores
    from pipeline.forms.loading import FileResult

    fr = FileResult("submissions/2022/x/application.yaml", "application", [],
                    data={"项目名称": "草稿", "申报资助金额": "二万"})
    p = Project(2022, "x", "某学会", fr, "草稿", scores=Scores())
    row = contexts.row_of(p, NO_COMMIT)
    assert row["a"] == "二万" and row["am"] is None and row["p"] is None


def test_list_data_names_the_societies_that_have_not_applied() -> None:
    rows = [{"y": 2022, "s": "a", "n": "甲", "t": "", "c": "阵地建设", "f": "党员之家", "a": "1",
             "am": 1.0, "st": "草稿", "p": None, "r": None, "ac": None, "g": "", "e": 0}]
    data = contexts.list_data(rows, [("a", "甲"), ("b", "乙")], {"特色活动": ["党建+科普"]})
    assert data["absent"] == {"2022": [["b", "乙"]]}
    assert data["categories"] == ["特色活动", "阵地建设"]
    assert set(data["subtypes"]) == {"党员之家", "党建+科普"}
    assert set(contexts.listed(rows[0])) == set(contexts.LIST_KEYS)


def test_the_list_says_the_newest_commit_and_the_dirty_rows() -> None:
    rows = [{"commit": "a" * 40, "date": "2022-05-01T00:00:00+08:00", "dirty": False},
            {"commit": "b" * 40, "date": "2022-06-01T00:00:00+08:00", "dirty": True}]
    assert contexts.version_line(*contexts.latest(rows)) == (
        "数据版本：bbbbbbbbbb（2022-06-01）及更早的提交，其中 1 个项目含未提交的修改")
    assert contexts.version_line(*contexts.latest([])).startswith("数据版本：未提交")


def test_the_project_context(loaded: tuple[list[Project], Index, object]) -> None:
    p = project(loaded, "hbjx")
    context = contexts.project_context(
        p, report_data=None, versions={"申报": p.application.sha256}, names={"wang-admin": "王强"},
        check=None, story=["一行"], problems=[], documents=[("申报表.docx", "../../x", "")],
        origin=NO_COMMIT)
    assert context["status"] == "验收通过" and context["grade"] == "优秀"
    verdict = context["verdicts"][0]
    assert verdict["stage"] == "申报" and verdict["judged"] == "当前版本"
    assert verdict["reviewer"] == "王强"
    assert ("项目名称", p.raw["项目名称"]) in context["application"]
    assert len(context["panel"]) == len(p.scores.panel_sheets) and context["rank"] == 1
    assert context["spot"] == "本年度尚未财务抽查" and context["commit"] == "未提交"
    html = render_page("project.html", context).decode("utf-8")
    assert "&amp;" not in p.raw["项目名称"] and "<script" not in html.split("</footer>")[0]


def test_a_verdict_on_an_older_version_says_so(loaded: tuple[list[Project], Index, object]) -> None:
    p = project(loaded, "hbjx")
    found = contexts.verdicts(p.decision, {"申报": "0" * 64}, {})
    assert found[0]["judged"].startswith("不是当前版本")


def test_user_text_is_escaped() -> None:
    context = {"title": "x", "year": 2022, "count": 0, "counts": [], "ranking": [],
               "approval": "<b>审批</b> & 同意", "acceptance": [], "acceptance_summary": "",
               "check": None, "program": [], "provenance": "数据版本"}
    html = render_page("year.html", context).decode("utf-8")
    assert "&lt;b&gt;审批&lt;/b&gt; &amp; 同意" in html and "<b>审批" not in html


def test_the_year_context_follows_the_selection(demo: Path,
                                                loaded: tuple[list[Project], Index, object]) -> None:
    projects, index, config = loaded
    rows = {p.society: contexts.row_of(p, NO_COMMIT) for p in projects}
    selection = index.selections[2022].model
    check = index.spot_checks[2022].model
    context = contexts.year_context(2022, rows, program=config.programs[2022],  # type: ignore[attr-defined]
                                    selection=selection, check=check, names={}, version="v")
    assert [r["society"] for r in context["ranking"]] == [e.society for e in selection.funded]
    assert context["check"]["seed"] == check.seed
    assert context["check"]["command"] == "qianghui spot-check --年度 2022 --verify"
    assert {r["result"] for r in context["acceptance"]} >= {"验收通过", "验收不通过"}
    assert ("资助数量", "最多 15 个项目") in context["program"]


def test_document_links_are_relative_to_the_page(tmp_path: Path) -> None:
    lay = Layout(tmp_path)
    (tmp_path / "build" / "2022" / "a").mkdir(parents=True)
    (tmp_path / "build" / "2022" / "a" / "申报表.pdf").write_bytes(b"%PDF-")
    found = links(lay, ["build/2022/a/申报表.docx", "build/2022/a/考核表.docx"])
    assert [(name, unquote(href), unquote(pdf)) for name, href, pdf in found] == [
        ("申报表.docx", "../../2022/a/申报表.docx", "../../2022/a/申报表.pdf"),
        ("考核表.docx", "../../2022/a/考核表.docx", "")]
    assert found[0][1] == "../../2022/a/" + quote("申报表.docx")


def test_the_writer_leaves_equal_files_alone(tmp_path: Path) -> None:
    writer = Writer(tmp_path)
    writer.write("a/b.html", b"one")
    before = (tmp_path / "a" / "b.html").stat().st_mtime_ns
    writer.write("a/b.html", b"one")
    assert writer.written == ["a/b.html"] and writer.unchanged == 1
    assert (tmp_path / "a" / "b.html").stat().st_mtime_ns == before
    writer.write("a/b.html", b"two")
    assert (tmp_path / "a" / "b.html").read_bytes() == b"two"
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.html"]     # no temporary left


def test_a_second_site_writes_nothing_and_a_save_rewrites_its_own(demo: Path) -> None:
    lay = Layout(demo)
    again = run(lay, site=True).site
    assert again is not None and again.written == []
    app = demo / "submissions" / "2022" / "hbyx" / "application.yaml"
    app.write_text(app.read_text("utf-8").replace("合理用药进万家", "合理用药进社区"), "utf-8")
    saved = run(lay, societies=[(2022, "hbyx")], site=True).site
    assert saved is not None
    assert sorted(saved.written) == ["2022/hbyx.html", "2022/index.html", "data.js"]
    data = (demo / "build" / "site" / "data.js").read_text("utf-8")
    rows = json.loads(data.removeprefix("window.QIANGHUI = ").rstrip(";\n"))["rows"]
    assert len(rows) == 9 and any("合理用药进社区" in r["t"] for r in rows)
    assert len(state.load(lay.build)["rows"]) == 9


def test_a_removed_application_loses_its_page(demo: Path) -> None:
    import shutil

    lay = Layout(demo)
    shutil.rmtree(demo / "submissions" / "2022" / "hbjsj")
    done = run(lay, site=True).site
    assert done is not None and "2022/hbjsj.html" in done.written
    assert not (demo / "build" / "site" / "2022" / "hbjsj.html").exists()
    assert "hbjsj" not in json.dumps(state.load(lay.build)["rows"])


def test_typed_markup_is_text_on_the_project_page() -> None:
    from pipeline.core.projects import Scores
    from pipeline.forms.loading import FileResult

    fr = FileResult("submissions/2022/x/application.yaml", "application", [],
                    data={"项目名称": "<script>alert(1)</script> & “引号”", "说明": "第一行\n第二行"})
    p = Project(2022, "x", "某学会", fr, "草稿", scores=Scores())
    context = contexts.project_context(p, report_data=None, versions={}, names={}, check=None,
                                       story=[], problems=[], documents=[], origin=NO_COMMIT)
    html = render_page("project.html", context).decode("utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “引号”" in html
    assert "第一行\n第二行" in html          # kept, shown as lines by white-space: pre-wrap


def test_a_save_that_changes_no_listed_value_leaves_the_list_alone(demo: Path) -> None:
    lay = Layout(demo)
    app = demo / "submissions" / "2022" / "hbdz" / "application.yaml"
    app.write_text(app.read_text("utf-8") + "# 一行注释\n", "utf-8")
    run(lay, societies=[(2022, "hbdz")], site=True)
    app.write_text(app.read_text("utf-8") + "# 又一行注释\n", "utf-8")
    second = run(lay, societies=[(2022, "hbdz")], site=True).site
    assert second is not None and "data.js" not in second.written
    assert "2022/hbdz.html" in second.written        # its page says the new input fingerprint
