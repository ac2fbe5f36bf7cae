"""argparse in Chinese: usage, help headings and the errors a user can cause on the command line.

argparse's own texts come from gettext with no Chinese catalogue; its error messages are
matched here by their (stable) English wording and rewritten, and anything unmatched is shown
as argparse wrote it rather than lost.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

from schemas.characters import IDENTIFIER

_TYPES = {"int": "整数", "float": "数字", "day": "日期（如 2022-05-20）",
          "amount": "金额（元，只写数字，最多两位小数，如 20000）",
          "score": "分数（只写数字，最多两位小数，如 85.5）", "year": "年度（四位数字，如 2022）",
          "society": "学会 id（小写字母、数字和连字符，如 hbjx）"}

_ERRORS: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern), text) for pattern, text in [
    (r"^argument 命令: invalid choice: '(.*)' \(choose from (.*)\)$", "没有命令「{0}」；可用的命令：{1}"),
    (r"^the following arguments are required: 命令$", "请给出命令，如 qianghui validate（qianghui -h 列出全部命令）"),
    (r"^the following arguments are required: (.+)$", "缺少参数：{0}"),
    (r"^unrecognized arguments: (.+)$", "不认识的参数：{0}"),
    (r"^argument (.+?): invalid (\w+) value: '(.*)'$", "参数 {0} 需要{1}，「{2}」不是"),
    (r"^argument (.+?): invalid choice: '(.*)' \(choose from (.*)\)$", "参数 {0} 不能是「{1}」，可选：{2}"),
    (r"^argument (.+?): expected one argument$", "参数 {0} 后面需要一个值"),
    (r"^argument (.+?): expected at most one argument$", "参数 {0} 后面最多一个值"),
    (r"^argument (.+?): expected at least one argument$", "参数 {0} 后面至少需要一个值"),
    (r"^ambiguous option: (.+?) could match (.+)$", "选项 {0} 不明确，可能是：{1}"),
    (r"^argument (.+?): (.*[\u4e00-\u9fff].*)$", "参数 {0}：{1}"),    # a type's own Chinese message
]]
_NAMED = re.compile(r"^argument (.+?): (.*\1.*)$")     # … that names the option itself


def number(text: str, whole: int, places: int) -> Decimal:
    """The one reader of a number typed on the command line: plain digits (full-width ones too,
    typed with a Chinese input method), at most `whole` of them before the point and `places`
    after. No sign, exponent, `nan`, `inf`, `_` or digits of other scripts: a ValueError, which
    argparse reports naming the option and the type (the caller's function name, in _TYPES)."""
    typed = unicodedata.normalize("NFKC", text).strip()
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    if not re.fullmatch(rf"[0-9]{{1,{whole}}}{fraction}", typed, re.ASCII):
        raise ValueError(text)
    return Decimal(typed)


def amount(text: str) -> Decimal:
    """An amount in yuan (`--最低金额 20000`)."""
    return number(text, 10, 2)


def score(text: str) -> Decimal:
    """A score (`--最低评分 85.5`)."""
    return number(text, 4, 2)


def year(text: str) -> int:
    """A year (`--年度 2022`), in the range a form's 年度 may have."""
    value = int(number(text, 4, 0))
    if not 2000 <= value <= 2100:
        raise ValueError(text)
    return value


def words(text: str) -> str:
    """Text written into a form (`review -m 意见`): what the command line delivered must be UTF-8
    (bytes that are not arrive as lone surrogates, which no file can hold)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise argparse.ArgumentTypeError(
            f"第 {e.start + 1} 个字符处不是有效的 UTF-8 文字（终端或脚本的编码不对？请用 UTF-8 输入）") from e
    return text


def output(text: str) -> Path:
    """A file to write (`-o 项目.csv`): a new one or a regular file. Never a device, a pipe or a
    folder: the write replaces the file, and `-o /dev/null` run as root would replace the
    device with a regular file."""
    path = Path(text)
    if not text.strip():
        raise argparse.ArgumentTypeError("需要一个文件名")
    if path.is_symlink() or (path.exists() and not path.is_file()):
        kind = "文件夹" if path.is_dir() else "符号链接" if path.is_symlink() else "设备、管道等特殊文件"
        raise argparse.ArgumentTypeError(f"「{text}」是{kind}，不能作为输出文件：请给一个普通文件的名字")
    return path


def day(text: str) -> date:
    """A date typed on the command line (2022-05-20); argparse names its type on failure."""
    typed = unicodedata.normalize("NFKC", text).strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", typed, re.ASCII):
        raise ValueError(text)
    return date.fromisoformat(typed)


_SOCIETY_ID = re.compile(IDENTIFIER, re.ASCII)     # as the registry writes ids: never a path
_IN_SUBMISSIONS = re.compile(rf"^(?:\./)?submissions/(\d{{4}})/({IDENTIFIER})(?:/.*)?$", re.ASCII)


def society(text: str) -> str:
    """A society id typed on the command line (hbjx). A path (a folder name, ``..``) is never
    taken for one: it would name a folder outside submissions/ — the message says what to type."""
    if _SOCIETY_ID.fullmatch(text):
        return text
    inside = _IN_SUBMISSIONS.match(text.replace("\\", "/"))
    if inside:
        raise argparse.ArgumentTypeError(f"「{text}」是路径，不是学会 id：请写 {inside[2]} --年度 {inside[1]}")
    what = "是路径，不是学会 id" if re.search(r"[/\\]|\.\.", text) else "不是学会 id"
    raise argparse.ArgumentTypeError(f"「{text}」{what}：学会 id 由小写字母、数字和连字符组成，如 hbjx")


def translate(message: str) -> str:
    """argparse's error message in Chinese (unchanged when it is not one we know)."""
    named = _NAMED.match(message)
    if named and re.search("[\u4e00-\u9fff]", named[2]):
        return named[2]
    for pattern, text in _ERRORS:
        found = pattern.match(message)
        if found:
            groups = [_TYPES.get(g, g) for g in found.groups()]
            return text.format(*groups)
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser (and its subcommand parsers) speaking Chinese to the user."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)     # our own -h, with a Chinese help text
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def add_argument(self, *names: Any, **kwargs: Any) -> argparse.Action:
        """An option taking a value shows it as <名称> (argparse would print the English dest)."""
        if (names and str(names[-1]).startswith("--") and "metavar" not in kwargs
                and "choices" not in kwargs and kwargs.get("action", "store") == "store"):
            kwargs["metavar"] = f"<{str(names[-1]).lstrip('-')}>"
        return super().add_argument(*names, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{translate(message)}\n")
