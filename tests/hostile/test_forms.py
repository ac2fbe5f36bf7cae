"""Hostile forms: files a careless or a crafty user writes, each refused (or flagged) at its file,
line and column, in Chinese, by a real `qianghui` process; and a corpus of broken forms that
proves no English sentence from libyaml, pydantic or Python ever reaches the user."""

from __future__ import annotations

import copy
import errno
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from hostile.conftest import assert_refused, attempt, snapshot
from pipeline.core.layout import Layout
from pipeline.errors import os_reason
from pipeline.forms import messages, yamlio
from pipeline.forms.loading import load_config
from pipeline.forms.validate import validate_one
from pipeline.forms.yamlio import load_file

SHEET = "reviews/2022/hbdz/panel/li-expert.yaml"
APPLICATION = "submissions/2022/hbjx/application.yaml"
SELECTION = "reviews/2022/selection.yaml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in a demo file."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (rel, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, rel: str, start: str) -> int:
    """The line number (1-based) of the first line of a file starting with ``start``."""
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(start))


def validate(root: Path, *paths: str) -> tuple[int, str]:
    done = attempt(root, "validate", *paths)
    text = done.stdout + done.stderr
    assert "Traceback" not in text and "内部错误" not in text, text
    return done.returncode, text


# --- field names: a twin that differs only by spaces, width or Unicode form ---------------------

@pytest.mark.parametrize("typed", ['"意义 "', '" 意义"', '"意义\u3000"', '"意义\\t"'])
def test_a_score_key_with_spaces_beside_its_twin_is_refused(demo: Path, typed: str) -> None:
    edit(demo, SHEET, "  思路:\n", f"  {typed}:\n    得分: 20\n  思路:\n")
    before = snapshot(demo)
    assert_refused(attempt(demo, "validate", SHEET), 1, f"{SHEET}:6:3", "前后有空格")
    assert snapshot(demo) == before


def test_a_score_key_with_spaces_alone_is_refused_not_unknown(demo: Path) -> None:
    edit(demo, SHEET, "  意义:\n", '  "意义 ":\n')
    assert_refused(attempt(demo, "validate", SHEET), 1, f"{SHEET}:4:3", "「意义 」的前后有空格")


@pytest.mark.parametrize(("rel", "old", "new", "where"), [
    # a Kangxi radical (U+2F6C) that NFKC reads as 目: a look-alike 项目名称
    (APPLICATION, "申报资助金额: 20000\n", "申报资助金额: 20000\n项\u2f6c名称: 另一个名称\n", "16:1"),
    # a full-width ｉｄ beside id, in a flow mapping
    ("config/people.yaml", "{id: wang-admin,", "{id: wang-admin, ｉｄ: x,", "5:22"),
])
def test_a_key_equal_after_normalization_is_a_duplicate(demo: Path, rel: str, old: str, new: str,
                                                        where: str) -> None:
    edit(demo, rel, old, new)
    assert_refused(attempt(demo, "validate", rel), 1, f"{rel}:{where}", "重复", "Unicode 写法")


# --- 立项名单: only a submitted, not rejected, registered, eligible application is funded ------

FUNDED_LAST = "  - 学会: hbdl    # 立项评审得分 78.75\n"


@pytest.mark.parametrize(("society", "said"), [
    ("hbqx", "的申报已被驳回（reviews/2022/hbqx/decision.yaml），不能立项"),
    ("hbjsj", "的申报表没有提交（状态为“草稿”），不能立项"),
    ("nobody", "不在学会名录（config/societies.yaml）中，不能立项"),
])
def test_a_society_that_may_not_be_funded_is_a_selection_error(demo: Path, society: str,
                                                                said: str) -> None:
    edit(demo, SELECTION, FUNDED_LAST, f"  - 学会: {society}\n")
    line = line_of(demo, SELECTION, f"  - 学会: {society}")
    assert_refused(attempt(demo, "validate"), 1, f"{SELECTION}:{line}:9", f"学会「{society}」{said}")


def test_an_ineligible_society_funded_is_a_selection_error(demo: Path) -> None:
    edit(demo, "config/societies.yaml", "湖北省电机工程学会党支部\n    年检: {2020: 合格, 2021: 合格}",
         "湖北省电机工程学会党支部\n    年检: {2020: 合格, 2021: 不合格}")
    line = line_of(demo, SELECTION, FUNDED_LAST.rstrip("\n"))
    assert_refused(attempt(demo, "validate"), 1, f"{SELECTION}:{line}:9", "2021 年年检不合格")


def test_the_list_of_funded_projects_is_not_printed_from_a_wrong_selection(demo: Path) -> None:
    edit(demo, SELECTION, FUNDED_LAST, "  - 学会: hbqx\n")
    assert_refused(attempt(demo, "render"), 1, "已被驳回")
    assert not (demo / "build/2022/立项名单.docx").exists()
    assert (demo / "build/2022/hbjx/申报表.docx").exists()            # the rest was built


# --- config: the year of a call, ids and e-mails listed twice, and the cache ---------------------

def test_a_program_whose_year_is_not_its_file_name_is_refused(demo: Path) -> None:
    assert validate(demo)[0] == 0               # program-2022.yaml valid, and cached
    program = (demo / "config/program-2022.yaml").read_text(encoding="utf-8")
    (demo / "config/program-2023.yaml").write_text(program, encoding="utf-8")
    line = line_of(demo, "config/program-2023.yaml", "年度:")
    for _ in range(2):                          # a copy of a cached valid file is judged anew
        assert_refused(attempt(demo, "validate"), 1, f"config/program-2023.yaml:{line}:5",
                       "年度写的是 2022，但这是 2023 年度的通知")


@pytest.mark.parametrize(("rel", "old", "new", "said"), [
    ("config/societies.yaml", "  - id: hbnx\n", "  - id: hbjx\n", "学会 id「hbjx」重复"),
    ("config/people.yaml", "{id: zhao-admin,", "{id: wang-admin,", "人员 id「wang-admin」重复"),
    ("config/people.yaml", "[zhaomin@hbkx.example.org]", "[WangQiang@hbkx.example.org]",
     "邮箱「wangqiang@hbkx.example.org」已属于第 1 个人员"),
])
def test_a_repeated_id_or_email_is_reported_on_every_run(demo: Path, rel: str, old: str, new: str,
                                                         said: str) -> None:
    assert validate(demo)[0] == 0               # a warm cache of the valid files
    edit(demo, rel, old, new)
    for run in ("cold", "warm"):
        text = assert_refused(attempt(demo, "validate"), 1, rel, said)
        assert re.search(rf"{re.escape(rel)}:\d+:\d+: .*{re.escape(said)}", text), (run, text)


# --- characters that disguise text -----------------------------------------------------------------

NAME = "项目名称: “党建+学术”"


@pytest.mark.parametrize(("old", "new", "column"), [
    (NAME, "项目名称: “党建\u202e+学术”", 10),                         # typed raw in a value
    ("# yaml-language-server", "# \u2067yaml-language-server", 3),      # in a comment
])
def test_a_bidi_control_anywhere_is_an_error_at_its_place(demo: Path, old: str, new: str,
                                                           column: int) -> None:
    edit(demo, APPLICATION, old, new)
    line = line_of(demo, APPLICATION, new.split("\u202e")[0].split("\u2067")[0])
    assert_refused(attempt(demo, "validate", APPLICATION), 1, f"{APPLICATION}:{line}:{column}",
                   "文字方向控制字符", "U+202E" if "\u202e" in new else "U+2067")


def test_a_bidi_control_written_as_an_escape_is_an_error(demo: Path) -> None:
    edit(demo, APPLICATION, "支部书记: 张明", '支部书记: "张\\u202e明"')
    assert_refused(attempt(demo, "validate", APPLICATION), 1, f"{APPLICATION}:8:7", "U+202E（从右到左强制）")


@pytest.mark.parametrize(("rel", "old", "new", "said"), [
    (APPLICATION, NAME, "项目名称: “党建\u200b+学术”", "(项目名称)"),
    (APPLICATION, "学会: hbjx", "学会: hb\u200cjx", "U+200C（零宽不连字）"),             # an id
    ("config/people.yaml", "姓名: 王强", "姓名: 王\u2060强", "(人员第1项.姓名)"),
    ("config/people.yaml", "[wangqiang@hbkx", "[wang\u00adqiang@hbkx", "(人员第1项.邮箱第1项)"),
    ("config/societies.yaml", "学会名称: 湖北省机械工程学会", "学会名称: 湖北省机械\ufeff工程学会", "(学会第1项.学会名称)"),
])
def test_an_invisible_character_in_a_name_or_email_is_an_error(demo: Path, rel: str, old: str,
                                                                new: str, said: str) -> None:
    edit(demo, rel, old, new)
    text = assert_refused(attempt(demo, "validate"), 1, rel, "看不见的字符", said)
    assert "提示：" not in text          # an error, not also a warning


def test_an_invisible_character_in_free_text_is_a_warning_at_its_place(demo: Path) -> None:
    edit(demo, SHEET, "以李四光精神", "以李四光\u200d精神")
    line = line_of(demo, SHEET, "总体意见:")
    code, text = validate(demo, SHEET)
    assert code == 0, text
    assert f"{SHEET}:{line}:11: 提示：含有看不见的字符 U+200D（零宽连字）" in text
    assert "1 个提示" in text


def test_a_hidden_character_in_a_field_name_is_an_error(demo: Path) -> None:
    edit(demo, APPLICATION, "支部书记: 张明", '"支部\\u200b书记": 张明')
    assert_refused(attempt(demo, "validate", APPLICATION), 1, f"{APPLICATION}:8:1", "字段名含有看不见的字符")


# --- no English reaches a user ------------------------------------------------------------------

ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,']+[A-Za-z]{2,}){2,}")     # three English words in a row

BROKEN_YAML = [
    "a: [1, 2", "a: {b: 1", "a: 'x", 'a: "x', "a: b: c", "- a\nb: 1", "a:\n- b\n c: 1",
    "%YAML 1.1\n%YAML 1.1\n---\na: 1", "%FOO bar\n---\na: 1", "%TAG ! !a\n%TAG ! !a\n---\na: 1",
    "a: &x 1", "b: *y", "a: [b: c: d]", "a: {b, c: [}", "a: ]", "a: }", "a: @x", "a: `x",
    'a: "\\x"', 'a: "\\u12"', 'a: "\\UFFFFFFFF"', "\ta: 1", "a: |9\n b", "a: |0\n b", "a: |++\n b",
    "a: |x\n b", "a: 1\n b: 2", "a:\n  - 1\n - 2", "[a, b]: c", "{a: 1}}", "a: !!binary x",
    "---\n...\n---\nb", "a: %x", "a: [1,,2]", "a: 'b'c", 'a: "b" c', "- a: 1\n  - b",
    "'a\n---\nb': 1", "a: 'x\n...\n'", "? a\n: b\n? c: d", "a: " + "[" * 2000, "a: " + "{" * 2000,
    "- " * 300 + "x", "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)),
    "<<: {a: 1}", "a: 1\na: 2", "\ufeff\ufeffa: 1", "a: \u0085x", "a: \x07", "a: !python/object x",
    "", "# only a comment\n", "just text", "- a\n- b", "a:\n  b: |\n   x\n  c",
]


def test_no_yaml_error_is_reported_in_english(demo: Path) -> None:
    """Every broken text, as a score sheet of its own, through a real `validate`."""
    folder = demo / "reviews/2022/hbdz/panel"
    for i, text in enumerate(BROKEN_YAML):
        (folder / f"x{i}-expert.yaml").write_text(text, encoding="utf-8")
    code, out = validate(demo)
    assert code == 1
    for i in range(len(BROKEN_YAML)):
        assert f"panel/x{i}-expert.yaml" in out, i
    assert not ENGLISH.findall(out), ENGLISH.findall(out)


HOSTILE: list[Any] = [
    None, "", "   ", [], {}, ["x"], {"键": "值"}, "-1", "0", "1e999", "nan", "inf", "9" * 40,
    "２０２２", "2022-02-30", "2022-13-01", "12:30", "x" * 6000, "abc", "http://", "a@b",
    "../../etc/passwd", "/etc/passwd", "files/不存在.jpg", "是否", "\u200b", "2022-05-10 25:00",
    [{"项目": "x", "金额": "nan"}], "0.001", "00", "+86", "\u202e",
]


def replaced(data: Any, loc: tuple[Any, ...], value: Any) -> Any:
    if not loc:
        return value
    out = copy.deepcopy(data)
    node = out
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = value
    return out


KINDS = ["config/program-2022.yaml", "config/societies.yaml", "config/people.yaml", APPLICATION,
         "submissions/2022/hbnx/completion.yaml",
         "reviews/2022/hbnx/decision.yaml", SHEET, "reviews/2022/hbnx/acceptance/lin-expert.yaml",
         "reviews/2022/hbnx/survey.yaml", SELECTION, "reviews/2022/spot-check.yaml"]


@pytest.mark.parametrize("rel", KINDS)
def test_no_schema_error_is_reported_in_english(demo: Path, rel: str) -> None:
    """Every place of one form of each kind given a few hostile values in turn (in this process:
    thousands of validations), every message read for English."""
    lay, path = Layout(demo), demo / rel
    doc = load_file(path)
    data = doc.data
    places = sorted(set(doc.marks) | set(doc.key_marks), key=str)   # every place, containers too
    english, checked = set(), 0
    for i, loc in enumerate(places):
        for j in range(3):
            value = HOSTILE[(i * 7 + j * 11) % len(HOSTILE)]
            path.write_text(yaml.safe_dump(replaced(data, loc, value), allow_unicode=True),
                            encoding="utf-8")
            config = load_config(lay)
            results = config.results if rel.startswith("config/") else [
                validate_one(lay, path, config, date(2022, 6, 1))]
            for result in results:
                for problem in result.problems + result.warnings:
                    english.update(ENGLISH.findall(problem.format()))
            checked += 1
    assert checked >= len(places) and not english, english


@pytest.mark.parametrize("error", [
    {"type": "union_tag_invalid", "loc": ("a",), "msg": "Input tag 'x' found using 'kind' does not match",
     "input": "x"},
    {"type": "value_error", "loc": ("a",), "msg": "Value error, invalid literal for int() with base 10",
     "input": "x"},
])
def test_an_unknown_pydantic_error_gets_a_chinese_sentence(error: dict[str, Any]) -> None:
    said = messages.translate(error)
    assert re.search("[\u4e00-\u9fff]", said) and not ENGLISH.search(said), said


def test_an_unknown_libyaml_wording_gets_a_chinese_sentence() -> None:
    error = yaml.MarkedYAMLError("while parsing something new", None,
                                 "a wording libyaml has never used", None)
    said = yamlio.translate_syntax(error)
    assert said.startswith("YAML 语法错误：") and not ENGLISH.search(said), said


@pytest.mark.parametrize(("code", "said"), [(errno.EACCES, "没有权限"), (errno.ENOSPC, "磁盘已满"),
                                            (errno.ENAMETOOLONG, "名称太长"), (errno.ECHILD, "系统错误 ECHILD")])
def test_why_a_file_operation_failed_is_said_in_chinese(code: int, said: str) -> None:
    assert os_reason(OSError(code, os.strerror(code))) == said
