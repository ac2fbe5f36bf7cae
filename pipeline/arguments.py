"""argparse in Chinese: usage, help headings and the errors a user can cause on the command line.

argparse's own texts come from gettext with no Chinese catalogue; its error messages are
matched here by their (stable) English wording and rewritten, and anything unmatched is shown
as argparse wrote it rather than lost.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from typing import Any, NoReturn

_TYPES = {"int": "整数", "float": "数字", "day": "日期（如 2022-05-20）"}

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
    (r"^argument (.+?): (.*[\u4e00-\u9fff].*)$", "{1}"),    # a type's own Chinese message
]]


def day(text: str) -> date:
    """A date typed on the command line (2022-05-20); argparse names its type on failure."""
    return date.fromisoformat(text.strip())


_SOCIETY_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_IN_SUBMISSIONS = re.compile(r"^(?:\./)?submissions/(\d{4})/([a-z0-9][a-z0-9-]{0,39})(?:/.*)?$")


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
