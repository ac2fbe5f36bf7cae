"""pipeline.forms.yamlio: every value stays text with its mark; every pitfall is refused at a place."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from pipeline.forms import yamlio
from pipeline.forms.yamlio import MAX_BYTES, MAX_DEPTH, YamlError, load_bytes, load_file


def load(text: str) -> Any:
    return load_bytes(text.encode("utf-8"), "t.yaml").data


def refusal(raw: bytes) -> YamlError:
    with pytest.raises(YamlError) as info:
        load_bytes(raw, "t.yaml")
    return info.value


# --- values stay text -------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "02787654321", "13971562308", "no", "No", "on", "off", "yes", "y", "true", "False",
    "2022-05-10", "2022-05-12 23:59:59+08:00", "1e3", "0x1F", "0o17", "017", "1_000", ".inf",
    ".NaN", "12:30", "20000.50", "+86", "-0",
])
def test_plain_scalars_stay_text(typed: str) -> None:
    assert load(f"v: {typed}\n") == {"v": typed}


@pytest.mark.parametrize("typed", ["023", "yes", "2022-05-10", "null"])
def test_keys_stay_text(typed: str) -> None:
    data = load(f"a:\n  '{typed}': 1\n  {typed}x: 2\n")
    assert data == {"a": {typed: "1", f"{typed}x": "2"}}


@pytest.mark.parametrize("text", ["v:\n", "v: ~\n", "v: null\n", "v: Null\n", "v: NULL\n",
                                  "v:   # 待填写\n"])
def test_empty_value_is_none(text: str) -> None:
    assert load(text) == {"v": None}


@pytest.mark.parametrize(("text", "value"), [
    ("v: ''\n", ""), ('v: "null"\n', "null"), ("v: '~'\n", "~"), ("v: 'no'\n", "no"),
])
def test_quoted_values_are_never_null(text: str, value: str) -> None:
    assert load(text) == {"v": value}


def test_containers_and_block_text() -> None:
    text = "a:\n  - x\n  - {k: 1}\nb: |\n  第一段\n\n  第二段\nc: [1, 2]\n"
    assert load(text) == {"a": ["x", {"k": "1"}], "b": "第一段\n\n第二段\n", "c": ["1", "2"]}


def test_tab_inside_a_value_is_kept() -> None:
    assert load("v: a\tb\n") == {"v": "a\tb"}


def test_empty_document_is_none() -> None:
    assert load_bytes(b"", "t.yaml").data is None
    assert load_bytes(b"# only a comment\n", "t.yaml").data is None


def test_sha256_is_of_the_raw_bytes() -> None:
    raw = "\ufeff年度: 2022\n".encode()
    assert load_bytes(raw, "t.yaml").sha256 == hashlib.sha256(raw).hexdigest()


# --- encodings --------------------------------------------------------------------------

def test_utf8_bom_is_accepted_and_marks_are_unshifted() -> None:
    doc = load_bytes("\ufeff学会: hbjx\n".encode(), "t.yaml")
    assert doc.data == {"学会": "hbjx"}
    assert doc.key_marks[("学会",)] == (1, 1)
    assert doc.marks[("学会",)] == (1, 5)


def test_crlf_line_endings() -> None:
    doc = load_bytes(b"a:\r\n  b: 1\r\n", "t.yaml")
    assert doc.data == {"a": {"b": "1"}}
    assert doc.marks[("a", "b")] == (2, 6)


# --- marks ------------------------------------------------------------------------------

SAMPLE = textwrap.dedent("""\
    # 注释
    年度: 2022
    申报学会意见:
      意见: 同意申报
      负责人:
    预算安排:
      - 项目: 宣传费
        金额: 1500
      - 项目: 差旅费
    """)


@pytest.fixture
def sample() -> yamlio.Document:
    return load_bytes(SAMPLE.encode(), "t.yaml")


@pytest.mark.parametrize(("loc", "mark"), [
    (("年度",), (2, 5)),
    (("申报学会意见", "意见"), (4, 7)),
    (("预算安排", 0), (7, 5)),
    (("预算安排", 0, "金额"), (8, 9)),
    (("预算安排", 1, "项目"), (9, 9)),
])
def test_value_marks(sample: yamlio.Document, loc: yamlio.Loc, mark: yamlio.Mark) -> None:
    assert sample.marks[loc] == mark


@pytest.mark.parametrize(("loc", "mark"), [
    (("年度",), (2, 1)),
    (("申报学会意见",), (3, 1)),
    (("申报学会意见", "负责人"), (5, 3)),
    (("预算安排", 1, "项目"), (9, 5)),
])
def test_key_marks(sample: yamlio.Document, loc: yamlio.Loc, mark: yamlio.Mark) -> None:
    assert sample.key_marks[loc] == mark


@pytest.mark.parametrize(("loc", "key", "mark"), [
    (("年度",), False, (2, 5)),                      # a value: where it is typed
    (("年度",), True, (2, 1)),                       # a key (unknown field): the key itself
    (("申报学会意见",), False, (3, 1)),               # a mapping value: its key's line
    (("申报学会意见", "日期"), False, (3, 1)),        # missing: the parent's line
    (("预算安排", 1, "金额"), False, (9, 5)),          # missing in a list item: the item
    (("预算安排", 5, "金额"), False, (6, 1)),          # no such item: the list's key
    (("成立时间",), False, (2, 1)),                   # missing at top level: the document
    ((), False, (2, 1)),
])
def test_locate(sample: yamlio.Document, loc: yamlio.Loc, key: bool, mark: yamlio.Mark) -> None:
    assert sample.locate(loc, key=key) == mark


def test_locate_in_an_empty_document() -> None:
    assert load_bytes(b"", "t.yaml").locate(("年度",)) == (1, 1)


def test_empty_value_is_marked() -> None:
    doc = load_bytes(SAMPLE.encode(), "t.yaml")
    assert doc.data["申报学会意见"]["负责人"] is None
    line, _ = doc.locate(("申报学会意见", "负责人"))
    assert line == 5


def test_iter_scalars(sample: yamlio.Document) -> None:
    leaves = dict(yamlio.iter_scalars(sample.data))
    assert leaves[("预算安排", 0, "金额")] == "1500"
    assert leaves[("申报学会意见", "负责人")] is None


# --- refusals: (input, code, line, column) ----------------------------------------------

BILLION_LAUGHS = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
                  + "".join(f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
                            for p, c in zip("abcdefgh", "bcdefghi", strict=True)))
DEEP = "v: " + "[" * (MAX_DEPTH + 1) + "x" + "]" * (MAX_DEPTH + 1) + "\n"

REFUSALS = [
    pytest.param('a: 1\nb: "open\nc: 2\n', "yaml-syntax", 2, 4, id="unclosed-quote"),
    pytest.param("a:\n  b: 1\n   c: 2\n", "yaml-syntax", 3, 5, id="bad-indentation"),
    pytest.param("a:\n\tb: 1\n", "yaml-syntax", 2, 1, id="tab-indentation"),
    pytest.param("a: 1\nb: 2\na: 3\n", "duplicate-key", 3, 1, id="duplicate-key"),
    pytest.param("a: &x 1\nb: *x\n", "yaml-anchor", 1, 4, id="anchor"),
    pytest.param("a: 1\nb: *x\n", "yaml-alias", 2, 4, id="alias"),
    pytest.param(BILLION_LAUGHS, "yaml-anchor", 1, 4, id="alias-bomb"),
    pytest.param("a:\n  <<: {b: 1}\n", "yaml-merge", 2, 3, id="merge-key"),
    pytest.param("a: !!python/object:os.system x\n", "yaml-tag", 1, 4, id="python-tag"),
    pytest.param("a: !custom x\n", "yaml-tag", 1, 4, id="local-tag"),
    pytest.param(DEEP, "too-deep", 1, 3 + MAX_DEPTH, id="too-deep"),
    pytest.param('a: "x\\x07y"\n', "bad-character", 1, 4, id="control-escape"),
    pytest.param('a: "x\\u200b\\ufffe"\n', "bad-character", 1, 4, id="noncharacter-escape"),
    pytest.param('a: "x\\ud800"\n', "yaml-syntax", 1, 8, id="lone-surrogate"),
    pytest.param("a: 1\n---\nb: 2\n", "multiple-documents", 2, 1, id="two-documents"),
    pytest.param("~: 1\n", "empty-key", 1, 1, id="empty-key"),
    pytest.param("? [a, b]\n: 1\n", "complex-key", 1, 3, id="complex-key"),
]


@pytest.mark.parametrize(("text", "code", "line", "column"), REFUSALS)
def test_refusals_point_at_a_place(text: str, code: str, line: int, column: int) -> None:
    error = refusal(text.encode("utf-8"))
    assert (error.problem.code, error.problem.line, error.problem.column) == (code, line, column)
    assert error.problem.path == "t.yaml"
    assert error.problems == [error.problem]


@pytest.mark.parametrize(("raw", "code", "line"), [
    pytest.param(b"PK\x03\x04\x14\x00\x06\x00", "binary-file", 1, id="binary"),
    pytest.param("年度: 2022\n学会: 湖北\n".encode("gbk"), "encoding-gbk", 1, id="gbk"),
    pytest.param("年度: 2022\n学会: 湖北\n".encode("gb18030"), "encoding-gbk", 1, id="gb18030"),
    pytest.param("a: 1\n说明: 湖北\n".encode("gbk"), "encoding-gbk", 2, id="gbk-line-2"),
    pytest.param("年度: 2022\n".encode("utf-16"), "encoding-utf16", 1, id="utf16-bom"),
    pytest.param("year: 2022\n".encode("utf-16-le"), "encoding-utf16", 1, id="utf16-no-bom"),
    pytest.param("year: 2022\n".encode("utf-16-be"), "encoding-utf16", 1, id="utf16be-no-bom"),
    pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "binary-file", 1, id="jpeg"),
])
def test_encodings_are_refused_with_instructions(raw: bytes, code: str, line: int) -> None:
    problem = refusal(raw).problem
    assert (problem.code, problem.line) == (code, line)
    assert problem.column >= 1
    if code.startswith("encoding"):
        assert "UTF-8" in problem.message and "另存为" in problem.message


def test_raw_control_character_has_column_and_chinese_message() -> None:
    problem = refusal(b"a: 1\nb: x\x07y\n").problem
    assert (problem.line, problem.column) == (2, 5)
    assert "control" not in problem.message and "\n" not in problem.message


def test_oversized_bytes_are_refused() -> None:
    problem = refusal(b"#" * (MAX_BYTES + 1)).problem
    assert problem.code == "file-too-large"
    assert "MB" in problem.message


def test_exactly_max_bytes_is_accepted() -> None:
    assert load_bytes(b"#" * (MAX_BYTES - 1) + b"\n", "t.yaml").data is None


ALLOWED_WORDS = {"YAML", "Tab", "Word", "UTF", "GBK", "KB", "MB"}


def english_words(message: str) -> list[str]:
    """Runs of 3+ ASCII letters, minus quoted user text and the terms users know."""
    message = re.sub(r"「[^」]*」|（[&!][^）]*）|（tag:[^）]*）|（U\+[0-9A-F]+）", "", message)
    return [w for w in re.findall(r"[A-Za-z]{3,}", message) if w not in ALLOWED_WORDS]


@pytest.mark.parametrize(("text", "code"), [
    pytest.param(p.values[0], p.values[1], id=p.id)
    for p in REFUSALS])
def test_refusal_messages_are_chinese(text: str, code: str) -> None:
    message = refusal(text.encode()).problem.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert english_words(message) == [], message


# --- files ------------------------------------------------------------------------------

def test_load_file_names_the_display_path(tmp_path: Path) -> None:
    path = tmp_path / "application.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(YamlError) as info:
        load_file(path, "submissions/2022/hbjx/application.yaml")
    assert info.value.problem.path == "submissions/2022/hbjx/application.yaml"
    assert info.value.problem.format().startswith("submissions/2022/hbjx/application.yaml:2:1: ")


@pytest.mark.parametrize(("make", "code"), [
    (lambda p: None, "file-missing"),
    (lambda p: p.mkdir(), "file-is-dir"),
])
def test_load_file_unreadable(tmp_path: Path, make: Any, code: str) -> None:
    path = tmp_path / "application.yaml"
    make(path)
    with pytest.raises(YamlError) as info:
        load_file(path)
    assert info.value.problem.code == code


class CountingReads:
    """Wraps Path.open to count how many bytes the loader reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.total = 0
        original = Path.open
        counter = self

        class Handle:
            def __init__(self, handle: Any) -> None:
                self.handle = handle

            def __enter__(self) -> Handle:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def read(self, size: int = -1) -> bytes:
                data = self.handle.read(size)
                counter.total += len(data)
                return data

            def __getattr__(self, name: str) -> Any:
                return getattr(self.handle, name)

        def counted_open(path: Path, *args: Any, **kwargs: Any) -> Any:
            return Handle(original(path, *args, **kwargs))

        monkeypatch.setattr(Path, "open", counted_open)


def test_huge_file_is_refused_without_reading_it(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "application.yaml"
    with path.open("wb") as handle:               # sparse: 50 MB that take no disk space
        handle.truncate(50 * 1024 * 1024)
    reads = CountingReads(monkeypatch)
    started = time.monotonic()
    with pytest.raises(YamlError) as info:
        load_file(path)
    assert info.value.problem.code == "file-too-large"
    assert "50.0 MB" in info.value.problem.message
    assert reads.total <= MAX_BYTES + 1
    assert time.monotonic() - started < 2


def test_alias_bomb_is_refused_quickly() -> None:
    started = time.monotonic()
    refusal(BILLION_LAUGHS.encode())
    refusal(b"i: [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n")    # aliases without their anchors
    assert time.monotonic() - started < 1


LOAD_SPECIAL = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from pipeline.forms.yamlio import YamlError, load_file
try:
    load_file(Path(sys.argv[1]))
except YamlError as e:
    print(e.problem.code)
"""


def load_in_subprocess(path: Path) -> str:
    """load_file in a child with 1 GB of memory and 3 s: a hang or a crash fails the test."""
    try:
        done = subprocess.run([sys.executable, "-c", LOAD_SPECIAL, str(path)], capture_output=True,
                              text=True, timeout=3, cwd=Path(__file__).parent.parent)
    except subprocess.TimeoutExpired:
        return "hang"
    return done.stdout.strip() or f"crash: {done.stderr.strip().splitlines()[-1:]}"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "application.yaml"
    path.symlink_to("/dev/zero")
    result = load_in_subprocess(path)
    assert result != "hang" and not result.startswith("crash"), result


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "application.yaml"
    os.mkfifo(path)
    result = load_in_subprocess(path)
    assert result != "hang" and not result.startswith("crash"), result
