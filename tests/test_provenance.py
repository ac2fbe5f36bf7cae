"""Provenance: every document names its inputs' commit, their hashes and the engine, is dated
by that commit, and `qianghui verify` tells whether it still matches the files — in a real git
repository holding the demo round. Also: the document properties are true (title, author,
application), Word opens the files without 兼容模式, and a document whose form became invalid
is removed from build/."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from gitrepo import isolate_git, isolated_env, run_git
from test_documents import copy_demo

from pipeline.cli import main
from pipeline.core.layout import Layout
from pipeline.documents import provenance
from pipeline.run import run

COMMIT_DATE = "2022-06-01T10:00:00+08:00"
DOC = "build/2022/hbjx/申报表.docx"
FORM = "submissions/2022/hbjx/application.yaml"


def commit_all(root: Path, message: str, when: str = COMMIT_DATE) -> str:
    env = isolated_env() | {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
                            "GIT_AUTHOR_NAME": "维护者", "GIT_AUTHOR_EMAIL": "dev@example.org",
                            "GIT_COMMITTER_NAME": "维护者", "GIT_COMMITTER_EMAIL": "dev@example.org"}
    run_git(root, "add", "-A", env=env)
    run_git(root, "commit", "-q", "-m", message, env=env)
    return run_git(root, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    (tmp_path / "home").mkdir()
    isolate_git(monkeypatch, tmp_path / "home")
    root = copy_demo(tmp_path / "tree")
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    run_git(root, "init", "-q", "-b", "main")
    head = commit_all(root, "演示年度")
    assert run(Layout(root)).problems == []
    return root, head


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(name).decode("utf-8")


def test_a_document_carries_commit_input_hashes_and_engine(repo: tuple[Path, str]) -> None:
    root, head = repo
    origin = provenance.read_document(root / DOC)
    assert origin.commit == head and origin.dirty == ()
    assert origin.committed is not None and origin.committed.isoformat() == COMMIT_DATE
    form = (root / FORM).read_bytes()
    assert origin.inputs[FORM] == hashlib.sha256(form).hexdigest()
    assert {"templates/申报表.docx", "config/societies.yaml", "reviews/2022/selection.yaml",
            "reviews/2022/hbjx/decision.yaml"} <= set(origin.inputs)
    assert origin.engine == provenance.engine()
    footer = part(root / DOC, "word/footer1.xml")
    assert f"数据版本：{head[:10]}（2022-06-01）" in footer
    assert f"输入指纹 {origin.fingerprint[:12]}" in footer


def test_properties_are_true_and_word_2013_mode(repo: tuple[Path, str]) -> None:
    root, _ = repo
    core = part(root / DOC, "docProps/core.xml")
    assert "<dc:title>湖北省机械工程学会　申报表（2022年度）</dc:title>" in core
    assert "<dc:creator>湖北省机械工程学会</dc:creator>" in core
    assert "2022-06-01T02:00:00Z</dcterms:created>" in core      # the commit's date, in UTC
    assert "<Application>qianghui" in part(root / DOC, "docProps/app.xml")
    assert "Microsoft" not in part(root / DOC, "docProps/app.xml")
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" ' \
           'w:val="15"' in part(root / DOC, "word/settings.xml")
    year = root / "build/2022/立项名单.docx"
    assert "<dc:creator>湖北省科协科技社团党委</dc:creator>" in part(year, "docProps/core.xml")
    register = provenance.read_document(root / "build/2022/登记表.xlsx")
    assert FORM in register.inputs


def test_same_commit_same_bytes_in_another_clone(repo: tuple[Path, str], tmp_path: Path) -> None:
    root, _ = repo
    clone = tmp_path / "clone"
    run_git(tmp_path, "clone", "-q", str(root), str(clone))
    assert run(Layout(clone)).problems == []
    for rel in (DOC, "build/2022/hbjx/结题报告.docx", "build/2022/立项名单.docx",
                "build/2022/登记表.xlsx"):
        assert (clone / rel).read_bytes() == (root / rel).read_bytes(), rel


def verify(root: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["-C", str(root), "verify", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_verify_matches_then_names_the_changed_input(
        repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    root, head = repo
    code, out = verify(root, DOC, capsys=capsys)
    assert code == 0 and "与当前工作区的材料一致" in out and head[:10] in out
    form = root / FORM
    form.write_text(form.read_text(encoding="utf-8").replace("支部书记: ", "支部书记: 新"),
                    encoding="utf-8")
    code, out = verify(root, DOC, capsys=capsys)
    assert code == 1 and f"已修改：{FORM}" in out
    code, out = verify(root, DOC, "--at", "HEAD", capsys=capsys)
    assert code == 0 and "与版本 HEAD 的材料一致" in out
    (root / "reviews/2022/hbjx/decision.yaml").unlink()
    code, out = verify(root, DOC, capsys=capsys)
    assert code == 1 and "已删除：reviews/2022/hbjx/decision.yaml" in out


def test_verify_at_an_older_revision(repo: tuple[Path, str],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    root, head = repo
    selection = root / "reviews/2022/selection.yaml"
    selection.write_text(selection.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    later = commit_all(root, "立项名单加备注", when="2022-06-02T10:00:00+08:00")
    assert run(Layout(root)).problems == []
    origin = provenance.read_document(root / DOC)
    assert origin.commit == later and origin.committed is not None
    assert origin.committed.isoformat() == "2022-06-02T10:00:00+08:00"
    code, out = verify(root, DOC, "--at", head, capsys=capsys)
    assert code == 1 and "已修改：reviews/2022/selection.yaml" in out


def test_verify_refuses_what_it_cannot_read(repo: tuple[Path, str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = repo
    assert verify(root, "没有.pdf", capsys=capsys)[0] == 2
    code, out = verify(root, "config/people.yaml", capsys=capsys)
    assert code == 1 and "数据版本信息" in out
    code, out = verify(root, DOC, "--at", "没有这个版本", capsys=capsys)
    assert code == 2 and "找不到版本" in out


def test_uncommitted_inputs_are_named(repo: tuple[Path, str]) -> None:
    root, head = repo
    selection = root / "reviews/2022/selection.yaml"
    selection.write_text(selection.read_text(encoding="utf-8") + "# 备注\n", encoding="utf-8")
    assert run(Layout(root)).problems == []
    origin = provenance.read_document(root / DOC)
    assert origin.commit == head and origin.dirty == ("reviews/2022/selection.yaml",)
    assert "＋未提交的修改" in part(root / DOC, "word/footer1.xml")


def test_a_document_whose_form_became_invalid_is_removed(repo: tuple[Path, str]) -> None:
    root, _ = repo
    (root / "build/2022/hbdz/申报表.pdf").write_bytes(b"%PDF-1.4 old")
    form = root / "submissions/2022/hbdz/application.yaml"
    form.write_text(form.read_text(encoding="utf-8").replace("党员人数: ", "党员人数: 很多"),
                    encoding="utf-8")
    result = run(Layout(root))
    assert result.problems
    assert sorted(result.removed) == ["build/2022/hbdz/申报表.docx", "build/2022/hbdz/申报表.pdf"]
    assert not [p for p in (root / "build/2022/hbdz").iterdir() if p.suffix in (".docx", ".pdf")]
    assert (root / DOC).is_file()                # other projects' documents stay


def test_properties_survive_a_round_trip() -> None:
    origin = provenance.Provenance("a" * 40, None, {"x/表 & 一.yaml": "0" * 64}, ("x",), "1.0")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        package.writestr("[Content_Types].xml", "<Types></Types>")
        package.writestr("_rels/.rels", "<Relationships></Relationships>")
    stamped = provenance.stamp(data.getvalue(), origin, "题 <目>", "作者")
    again = provenance.Provenance.from_properties(provenance.read_package(stamped))
    assert again.inputs == origin.inputs and again.dirty == ("x",) and again.engine == "1.0"
    assert "custom-properties+xml" in zipfile.ZipFile(io.BytesIO(stamped)).read(
        "[Content_Types].xml").decode()


def forged(root: Path, inputs: dict[str, str]) -> Path:
    """A document whose properties name ``inputs`` (as an attacker could write them)."""
    origin = provenance.Provenance("b" * 40, None, inputs, (), provenance.engine())
    data = (root / DOC).read_bytes()
    target = root / "伪造.docx"
    target.write_bytes(provenance.stamp(data, origin, "伪造", "某人"))
    return target


def test_verify_never_reads_outside_the_repository(
        repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = repo
    secret = root.parent / "secret.txt"
    secret.write_text("外面的文件", encoding="utf-8")
    (root / "link.txt").symlink_to(secret)
    target = forged(root, {"../secret.txt": "0" * 64, str(secret): "0" * 64, "link.txt": "0" * 64,
                           FORM: hashlib.sha256((root / FORM).read_bytes()).hexdigest()})
    code, out = verify(root, str(target), capsys=capsys)
    assert code == 1
    assert out.count("不在仓库内（未读取）") == 3 and FORM not in out


@pytest.mark.parametrize("content", [
    b"%PDF-1.4 garbage that is no pdf",
    b"PK\x03\x04 not really a zip",
    b"",
])
def test_verify_of_a_damaged_file_is_a_message(
        repo: tuple[Path, str], capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    root, _ = repo
    (root / "坏.pdf").write_bytes(content)
    code, out = verify(root, "坏.pdf", capsys=capsys)
    assert code == 1 and "数据版本信息" in out and "Traceback" not in out


def test_verify_does_not_expand_xml_entities(
        repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    root, _ = repo
    bomb = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                      for i in range(8))
            + ']><Properties xmlns="' + provenance.CUSTOM_NS + '"><property name="qianghui.inputs">'
              "&i;</property></Properties>")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as package:
        package.writestr(provenance.CUSTOM_PART, bomb)
    (root / "炸弹.docx").write_bytes(data.getvalue())
    code, out = verify(root, "炸弹.docx", capsys=capsys)
    assert code == 1 and "数据版本信息" in out
