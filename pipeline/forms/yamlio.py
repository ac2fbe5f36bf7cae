"""The only YAML user: safe loading for hand-typed files, every value kept as text with its mark.

Files are parsed into libyaml *events* (the C parser) and built into plain dicts, lists, strings
and None here, so nothing is converted behind the user's back (`02787654321`, `no`, `2022-05-10`
stay text for the schema to judge) and each value keeps the line and column it was typed at.
Aliases, anchors, tags, merge keys, duplicate keys, deep nesting, oversized, binary and non-UTF-8
files are refused with a Chinese message pointing at the place.

Long because it is the whole safe YAML reader: events to data, marks, the refusals and their
Chinese messages, and the two surgical edits (replace a scalar, a block) submit and review make.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from pipeline.errors import Loc, Problem, QianghuiError
from pipeline.reading import ReadError, read_bounded
from schemas.characters import BIDI, HIDDEN, INVISIBLE, bidi_message, hidden_message

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - wheels ship libyaml; plain Python is the fallback
    _Loader = yaml.SafeLoader

MAX_BYTES = 1024 * 1024             # a form a person writes
CONFIG_MAX_BYTES = 64 * 1024 * 1024  # config/: a national round's registry (20,000 societies: 3.5 MB)


def max_bytes(name: str) -> int:
    """The size limit of a file by its repository path: the registry and the people list of a
    national round are large, a form a person types is not."""
    return CONFIG_MAX_BYTES if name.replace("\\", "/").startswith("config/") else MAX_BYTES
MAX_DEPTH = 12
NULLS = {"", "~", "null", "Null", "NULL"}
# What Word cannot hold: C0 controls but tab/newline/CR, DEL, C1 controls, lone surrogates.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

Mark = tuple[int, int]


@dataclass
class Document:
    """A loaded YAML file: plain data plus the line/column of every value and key."""

    path: str
    data: Any
    sha256: str
    marks: dict[Loc, Mark] = field(default_factory=dict)
    key_marks: dict[Loc, Mark] = field(default_factory=dict)
    spans: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    text: str = ""
    hidden: dict[Loc, tuple[int, int, str]] = field(default_factory=dict)  # an invisible
    # character in a value: where it is typed, and which (a warning in free text, an error
    # where the field's type says so: pipeline.forms.loading)

    def locate(self, loc: Loc, *, key: bool = False) -> Mark:
        """Line and column of `loc`, or of its nearest ancestor that exists (a missing field)."""
        while True:
            if key and loc in self.key_marks:
                return self.key_marks[loc]
            if loc in self.marks:
                return self.marks[loc]
            if loc in self.key_marks:
                return self.key_marks[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]


class YamlError(QianghuiError):
    """A file that cannot be read as the YAML we accept."""

    def __init__(self, path: str, line: int, column: int, code: str, message: str) -> None:
        problem = Problem(path, line, column, "", code, message)
        super().__init__(problem.format(), [problem])
        self.problem = problem


def load_file(path: Path, display: str | None = None) -> Document:
    """Read and parse one file; every failure becomes a YamlError naming the file.

    ``display`` is the path as users see it, relative to the repository (``Layout.rel``): no
    folder it names may be a link (see pipeline.reading), and the file itself never is."""
    name = display or str(path)
    try:
        raw = read_bounded(path, max_bytes(name), inside_parts(path, name))
    except ReadError as e:
        raise YamlError(name, 0, 0, e.code, e.message) from e
    if len(raw) > max_bytes(name):
        raise _too_big(name, max(len(raw), _size(path)))
    return load_bytes(raw, name)


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def inside_parts(path: Path, rel: str) -> int:
    """How many trailing parts of ``path`` its repository-relative ``rel`` names (1 when
    ``rel`` is not such a path: only the file itself is checked)."""
    parts = PurePosixPath(rel).parts
    if not parts or rel.startswith("/") or ".." in parts or path.parts[-len(parts):] != parts:
        return 1
    return len(parts)


def load_bytes(raw: bytes, path: str) -> Document:
    """Parse bytes into a Document (see the module docstring for what is refused)."""
    if len(raw) > max_bytes(path):
        raise _too_big(path, len(raw))
    text = decode(raw, path)
    builder = _Builder(path, text, check_characters(text, path))
    try:
        builder.build(yaml.parse(text, Loader=_Loader))
    except yaml.MarkedYAMLError as e:
        mark = _error_mark(e)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = translate_syntax(e, _char_at(text, mark), _line_at(text, mark))
        raise YamlError(path, line, col, "yaml-syntax", message) from e
    except yaml.YAMLError as e:
        raise YamlError(path, 0, 0, "yaml-syntax", f"YAML 语法错误：{_UNKNOWN}") from e
    builder.find_hidden()
    return Document(path, builder.root, content_hash(raw),
                    builder.marks, builder.key_marks, builder.spans, text, builder.hidden)


def content_hash(raw: bytes) -> str:
    """The fingerprint a decision records of the form it judged (its 版本): sha256 of the bytes
    with CRLF line endings read as LF, so a Windows checkout (core.autocrlf) and a POSIX one of
    the same commit agree, and hashes taken on LF text stay valid. Every hash of a form goes
    through here: loading, the history walk, and `qianghui review` writing 版本."""
    return hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


def check_characters(text: str, path: str) -> bool:
    """Characters Word cannot hold, and the bidi controls that make text display other than it
    reads (anywhere in the file, comments too: a reviewer reads them), reported at their place.
    True when the text holds invisible characters (to be found at their places later)."""
    bad = _BAD_CHARS.search(text)
    if bad is not None:
        raise YamlError(path, *position(text, bad.start()), "bad-character",
                        f"含有不可见的控制字符（U+{ord(bad.group()):04X}），Word 无法保存，请删除")
    hidden = HIDDEN.search(text)            # one pass over a clean file
    bidi = BIDI.search(text, hidden.start()) if hidden is not None else None
    if bidi is not None:
        raise YamlError(path, *position(text, bidi.start()), "bidi-character",
                        bidi_message(bidi.group()))
    return hidden is not None


def position(text: str, index: int) -> Mark:
    """Line and column (1-based) of a character index."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


_CONTEXT_FIRST = ("while scanning a quoted scalar", "while scanning a simple key",
                  "while scanning an alias", "while scanning an anchor", "while scanning a tag")


def _error_mark(e: yaml.MarkedYAMLError) -> Any:
    """Where to point: the opening quote of an unclosed string, the line missing its colon."""
    if e.context_mark is not None and (e.context or "") in _CONTEXT_FIRST:
        return e.context_mark
    return e.problem_mark or e.context_mark


def _line_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    return lines[mark.line] if mark.line < len(lines) else ""


def _too_big(path: str, size: int) -> YamlError:
    return YamlError(path, 0, 0, "file-too-large",
                     f"文件过大（{size / 1024 / 1024:.1f} MB），{_LIMIT_TEXT[max_bytes(path)]}；"
                     "照片、附件请作为单独文件引用")


_LIMIT_TEXT = {MAX_BYTES: f"表单文件不能超过 {MAX_BYTES // 1024} KB",
               CONFIG_MAX_BYTES: f"配置文件不能超过 {CONFIG_MAX_BYTES // 1024 // 1024} MB"}


def decode(raw: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) only; other encodings get instructions, never garbled text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        raise YamlError(path, 1, 1, "encoding-utf16",
                        "文件是 UTF-16 编码（Windows 记事本的“Unicode”）。" + _RESAVE)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        raise YamlError(path, 1, 1, "binary-file", "这不是文本文件（含有二进制内容），请检查是否选错了文件")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise YamlError(path, line, column, *_non_utf8(raw)) from e


_RESAVE = ("请用编辑器另存为 UTF-8 编码：记事本选“另存为 → 编码：UTF-8”，"
           "VS Code 点右下角编码 →“通过编码保存”→ UTF-8，WPS 选“另存为 → 编码 → UTF-8”。")


def _non_utf8(raw: bytes) -> tuple[str, str]:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "binary-file", "这不是 UTF-8 文本文件，可能是二进制文件或编码损坏。" + _RESAVE
    return "encoding-gbk", "文件是 GBK/GB18030 编码保存的，不是 UTF-8。" + _RESAVE


def _looks_utf16(raw: bytes) -> bool:
    sample = raw[:200]
    return len(sample) >= 4 and (sample[1::2].count(0) > len(sample) // 4
                                 or sample[0::2].count(0) > len(sample) // 4)


def _line_hint(line: str, text: str) -> str:
    """Mistakes recognisable from the offending line itself."""
    stripped = line.strip()
    if "：" in stripped and ": " not in stripped and not stripped.startswith("#"):
        return "这一行缺少英文冒号和空格“: ”（是不是写成了中文冒号“：”？）"
    if re.match(r"""^\s*(- )?[^:#'"]+:\s*(["']).*?\2\s*[^\s#]""", line):
        return "引号闭合后还有多余的文字：请把整个值放在一对引号里，或去掉引号"
    return ""


_SYNTAX = [
    ("while scanning an alias", "值不能以 * 开头（YAML 会把它当作别名）；请给整个值加上引号"),
    ("while scanning an anchor", "值不能以 & 开头（YAML 会把它当作锚点）；请给整个值加上引号"),
    ("while scanning a tag", "值不能以 ! 开头（YAML 会把它当作标签）；请给整个值加上引号"),
    ("block sequence entries are not allowed", "值不能以“- ”开头（YAML 会把它当作列表）；请给整个值加上引号"),
    ("found invalid Unicode character escape code", "双引号里的 \\u 转义不是有效字符；请直接写出字符"),
    ("expected escape sequence of", "双引号里的转义符“\\”后面格式不对；请改用单引号"),
    ("found character '\\t'", "不能用 Tab 键缩进或分隔，请全部改用空格"),
    ("found a tab character", "不能用 Tab 键缩进或分隔，请全部改用空格"),
    ("found an indentation indicator equal to 0", "“|”或“>”后面的缩进数字不能是 0；请去掉这个数字"),
    ("while scanning a block scalar", "“|”或“>”后面只能写 +、- 或一个数字；说明文字请写在下一行"),
    ("mapping values are not allowed",
     "此处不能出现“: ”：可能是这一行比上一个字段多缩进了，或值里含有冒号（请给整个值加上引号）"),
    ("could not find expected ':'", "缺少“:”，或上一行的引号没有闭合"),
    ("did not find expected key", "缩进不一致：同一层的字段必须左对齐"),
    ("did not find expected '-' indicator", "列表缩进不一致：同一列表的“- ”必须左对齐"),
    ("expected <block end>", "缩进不一致：同一层的字段必须左对齐"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    ("found unknown escape character", "双引号里有无效的转义符“\\”；请改用单引号，或写成“\\\\”"),
    ("control characters are not allowed", "文件含有不可见的控制字符，请删除后再保存"),
    ("special characters are not allowed", "文件含有不可见的控制字符，请删除后再保存"),
    ("found undefined alias", "不支持别名（*名称），请把内容直接写出来"),
    ("found undefined tag handle", "不支持 YAML 标签（! 开头），请删除"),
    ("did not find expected node content", "此处缺少内容，或有多余的符号"),
    ("found unexpected ':'", "冒号位置不对；值里含有冒号时，请给整个值加上引号"),
    ("found character that cannot start any token", "此处的字符不能出现在值的开头（如 @ 或 `），请给整个值加上引号"),
    ("did not find expected comment or line break", "引号闭合后还有多余的文字；请把整个值放在一对引号里"),
    ("did not find expected ',' or ']'", "方括号列表 [...] 没有正确闭合，或缺少逗号"),
    ("did not find expected ',' or '}'", "花括号 {...} 没有正确闭合，或缺少逗号"),
    ("exceeded maximum nesting depth", f"嵌套层数过多（超过 {MAX_DEPTH} 层）：方括号或花括号套得太深"),
    ("mapping keys are not allowed", "此处不能出现“? ”开头的字段名；请去掉“?”，或给整个值加上引号"),
    ("did not find expected hexdecimal number", "双引号里的 \\x、\\u 转义后面应是十六进制数字；请直接写出字符"),
    ("did not find expected <document start>", "文件在这里之后还有多余的内容（可能是多了一个括号）"),
    ("found unexpected document indicator", "引号里的文字中出现了一行“---”或“...”：请给文字换个写法，或改用“|”多段文字"),
    ("directive", "不支持以 % 开头的 YAML 指令，请删除这一行（值以 % 开头时请加引号）"),
    ("found incompatible YAML document", "不支持的 YAML 版本：请删除 %YAML 这一行"),
    ("UTF-8 octet", "文件含有损坏的 UTF-8 字符，请用编辑器另存为 UTF-8"),
    ("invalid Unicode character", "文件含有无效的字符，请删除后再保存"),
    ("input is too long", "文件过大"),
    ("did not find expected", "此处格式不对：请检查引号、括号、冒号和缩进"),
    ("found", "此处有不能出现的字符：值里含有特殊符号时，请给整个值加上引号"),
]

_UNKNOWN = "此处格式不对：请检查引号、括号、冒号和缩进（值里含有冒号、# 等符号时，请给整个值加上引号）"


def _char_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return str(lines[mark.line][mark.column])


def translate_syntax(e: yaml.MarkedYAMLError, char: str = "", line: str = "") -> str:
    """A Chinese explanation of a libyaml error (a general one for a wording not known here:
    the last rows of the table catch libyaml's families of messages)."""
    text = f"{e.context or ''} {e.problem or ''}"
    if char == "\t":
        text = "found character '\\t'"
    hint = _line_hint(line, text)
    if hint:
        return f"YAML 语法错误：{hint}"
    for needle, message in _SYNTAX:
        if needle in text:
            return f"YAML 语法错误：{message}"
    return f"YAML 语法错误：{_UNKNOWN}"       # never libyaml's English: it helps no-one here


_NO_KEY = object()


def _fail(path: str, event: Any, code: str, message: str) -> YamlError:
    mark = event.start_mark
    return YamlError(path, mark.line + 1, mark.column + 1, code, message)


def _check_node(path: str, event: Any) -> None:
    if event.anchor is not None:
        raise _fail(path, event, "yaml-anchor", f"不支持锚点（&{event.anchor}）；请把内容直接写出来")
    if event.tag is not None and event.tag != "!":
        shown = str(event.tag).replace("tag:yaml.org,2002:", "!!")
        raise _fail(path, event, "yaml-tag", f"不支持 YAML 标签（{shown}），请删除")


class _Builder:
    """Turns the parser's events into plain data with marks, in one tight loop.

    A frame on the stack is [loc, container, pending key (or _NO_KEY), {key identity: line}].
    """

    def __init__(self, path: str, text: str = "", hidden: bool = False) -> None:
        self.path, self.text, self.hidden_text = path, text, hidden
        self.root: Any = None
        self.marks: dict[Loc, Mark] = {}
        self.key_marks: dict[Loc, Mark] = {}
        self.spans: dict[Loc, tuple[int, int]] = {}
        self.hidden: dict[Loc, tuple[int, int, str]] = {}

    def build(self, events: Iterator[Any]) -> None:
        path, marks, spans = self.path, self.marks, self.spans
        stack: list[list[Any]] = []
        documents = 0
        for event in events:
            kind = type(event)
            if kind is _SCALAR:
                _check_node(path, event) if event.anchor is not None or event.tag else None
                value = event.value
                if event.implicit[0] and value in NULLS:
                    value = None
                elif event.style == '"' and _BAD_CHARS.search(value):   # only escapes can
                    bad = _BAD_CHARS.search(value)                   # add one: raw ones were
                    assert bad is not None                           # refused in the text
                    raise _fail(path, event, "bad-character",
                                f"含有 Word 无法保存的字符（U+{ord(bad.group()):04X}），请删除")
                if stack and stack[-1][2] is _NO_KEY and type(stack[-1][1]) is dict:
                    self.key(stack[-1], event, value)
                    continue
                loc = self.place(stack, event, value)
                mark = event.start_mark
                marks[loc] = (mark.line + 1, mark.column + 1)
                spans[loc] = (mark.index, event.end_mark.index)
                if event.style == '"' and value and HIDDEN.search(value):
                    self.escaped(loc, event, value)     # raw ones: find_hidden, from the text
            elif kind is _MAP_START or kind is _SEQ_START:
                _check_node(path, event)
                if len(stack) >= MAX_DEPTH:
                    raise _fail(path, event, "too-deep", f"嵌套层数过多（超过 {MAX_DEPTH} 层）")
                container: dict[str, Any] | list[Any] = {} if kind is _MAP_START else []
                loc = self.place(stack, event, container)
                if loc not in self.key_marks:
                    marks[loc] = (event.start_mark.line + 1, event.start_mark.column + 1)
                stack.append([loc, container, _NO_KEY, {}])
            elif kind is _MAP_END or kind is _SEQ_END:
                stack.pop()
            elif kind is _ALIAS:
                raise _fail(path, event, "yaml-alias", "不支持别名（*名称）；请把内容直接写出来")
            elif kind is _DOC_START:
                documents += 1
                if documents > 1:
                    raise _fail(path, event, "multiple-documents",
                                "一个文件只能有一个 YAML 文档（请删除“---”分隔的其余部分）")

    def key(self, frame: list[Any], event: Any, value: str | None) -> None:
        if value is None:
            raise _fail(self.path, event, "empty-key", "字段名不能为空")
        if value == "<<" and event.implicit[0]:
            raise _fail(self.path, event, "yaml-merge", "不支持合并键（<<）；请把字段直接写出来")
        line = event.start_mark.line + 1
        if value != value.strip() or ((self.hidden_text or event.style == '"')
                                      and HIDDEN.search(value)):
            _refuse_key(self.path, event, value)
        seen = frame[3]
        same = key_identity(value)
        if same in seen:
            first = seen[same]
            typed = next(k for k in frame[1] if key_identity(k) == same)
            alike = "" if typed == value else f"（与「{typed}」只差全角半角或 Unicode 写法，视为同一个字段）"
            where = "这一行写了它两次" if first == line else f"第 {first} 行和第 {line} 行都写了它"
            raise _fail(self.path, event, "duplicate-key",
                        f"字段「{value}」重复{alike}：{where}，请删除其中一个")
        seen[same] = line
        frame[2] = value
        self.key_marks[frame[0] + (value,)] = (line, event.start_mark.column + 1)

    def escaped(self, loc: Loc, event: Any, value: str) -> None:
        """A hidden character written as an escape ("\\u202e"): at the value's mark."""
        found = HIDDEN.search(value)
        assert found is not None
        if BIDI.match(found.group()):
            raise _fail(self.path, event, "bidi-character", bidi_message(found.group()))
        mark = event.start_mark
        self.hidden.setdefault(loc, (mark.line + 1, mark.column + 1, found.group()))

    def find_hidden(self) -> None:
        """Invisible characters typed raw into values, each at its own line and column (the
        first of each value); those in comments are nobody's text and are left alone."""
        if not self.hidden_text:
            return
        starts = sorted((span[0], span[1], loc) for loc, span in self.spans.items())
        firsts = [s[0] for s in starts]
        for found in INVISIBLE.finditer(self.text):
            at = bisect.bisect_right(firsts, found.start()) - 1
            if at >= 0 and starts[at][0] <= found.start() < starts[at][1]:
                line, column = position(self.text, found.start())
                self.hidden.setdefault(starts[at][2], (line, column, found.group()))

    def place(self, stack: list[list[Any]], event: Any, value: Any) -> Loc:
        if not stack:
            self.root = value
            return ()
        frame = stack[-1]
        container = frame[1]
        if type(container) is dict:
            key = frame[2]
            if key is _NO_KEY:
                raise _fail(self.path, event, "complex-key", "字段名必须是简单的文字")
            container[key] = value
            frame[2] = _NO_KEY
            return frame[0] + (key,)  # type: ignore[no-any-return]
        container.append(value)
        return frame[0] + (len(container) - 1,)  # type: ignore[no-any-return]


def key_identity(key: str) -> str:
    """What makes two field names the same one: compared after Unicode normalization (NFKC:
    full-width letters, compatibility forms) and surrounding spaces, so a `"意义 "` or a
    full-width `ｉｄ` cannot stand beside its twin and silently replace its value."""
    return unicodedata.normalize("NFKC", key).strip()


def _refuse_key(path: str, event: Any, key: str) -> None:
    """A field name with spaces around it, or with a hidden character in it."""
    if key != key.strip():
        raise _fail(path, event, "key-whitespace",
                    f"字段名「{key}」的前后有空格：请删除空格（字段名要与表单规定的完全一致）")
    found = HIDDEN.search(key)
    assert found is not None
    raise _fail(path, event, "hidden-character", f"字段名{hidden_message(found.group())}")


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAP_START, _MAP_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQ_START, _SEQ_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_DOC_START = yaml.DocumentStartEvent


def replace_scalar(doc: Document, loc: Loc, new: str) -> str:
    """The document's text with one scalar value replaced, every other byte kept as typed."""
    if loc not in doc.spans:
        raise QianghuiError(f"{doc.path}: 找不到字段「{'.'.join(map(str, loc))}」，无法修改")
    start, end = doc.spans[loc]
    return doc.text[:start] + new + doc.text[end:]


def replace_block(doc: Document, key: str, block: str) -> str:
    """The text with a top-level `key:` and its indented body replaced (or appended) by `block`."""
    lines = doc.text.splitlines(keepends=True)
    if (key,) not in doc.key_marks:
        tail = "" if not lines or lines[-1].endswith("\n") else "\n"
        return doc.text + tail + block
    first = doc.key_marks[(key,)][0] - 1
    following = [m[0] - 1 for loc, m in doc.key_marks.items() if len(loc) == 1 and m[0] - 1 > first]
    last = min(following, default=len(lines))
    while last > first + 1 and (lines[last - 1].lstrip().startswith("#")
                                or not lines[last - 1].strip()):
        last -= 1              # comments and blank lines above the next key stay with it
    return "".join(lines[:first]) + block + "".join(lines[last:])


def iter_scalars(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Every leaf of loaded data with its location (used by reporters and tests)."""
    if isinstance(data, dict):
        for k, v in data.items():
            yield from iter_scalars(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from iter_scalars(v, (*loc, i))
    else:
        yield loc, data
