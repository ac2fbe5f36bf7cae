"""Characters that change how text looks without showing themselves: the bidi controls that can
make an official document display something other than what it says, and the zero-width and
invisible ones that make two names look alike. Named in Chinese for the messages that flag them.

Shared by the YAML reader (pipeline.forms.yamlio: where each one is typed) and the field types
(schemas.types: names and e-mails, where an invisible character is an error).
"""

from __future__ import annotations

import re

BIDI_NAMES = {
    "\u202a": "从左到右嵌入", "\u202b": "从右到左嵌入", "\u202c": "方向嵌入结束",
    "\u202d": "从左到右强制", "\u202e": "从右到左强制",
    "\u2066": "从左到右隔离", "\u2067": "从右到左隔离", "\u2068": "首字方向隔离",
    "\u2069": "方向隔离结束", "\u200e": "从左到右标记", "\u200f": "从右到左标记",
    "\u061c": "阿拉伯字母标记",
}
INVISIBLE_NAMES = {
    "\u200b": "零宽空格", "\u200c": "零宽不连字", "\u200d": "零宽连字", "\u2060": "零宽不换行",
    "\ufeff": "零宽不换行空格（BOM）", "\u00ad": "软连字符",
    "\u2061": "不可见函数符", "\u2062": "不可见乘号", "\u2063": "不可见分隔符", "\u2064": "不可见加号",
}
BIDI = re.compile("[" + "".join(BIDI_NAMES) + "]")
INVISIBLE = re.compile("[" + "".join(INVISIBLE_NAMES) + "]")
HIDDEN = re.compile("[" + "".join(BIDI_NAMES) + "".join(INVISIBLE_NAMES) + "]")


def describe(char: str) -> str:
    """`U+202E（从右到左强制）`: the code point and what it is, for a message."""
    name = BIDI_NAMES.get(char) or INVISIBLE_NAMES.get(char, "不可见字符")
    return f"U+{ord(char):04X}（{name}）"


def bidi_message(char: str) -> str:
    return (f"含有文字方向控制字符 {describe(char)}：它能让文字显示得与实际内容不同（正式文档中不允许），"
            "请删除")


def invisible_message(char: str) -> str:
    return f"含有看不见的字符 {describe(char)}：它让两段看起来相同的文字实际不同，请删除"


def hidden_message(char: str) -> str:
    """The message for either kind (a bidi control, or an invisible character)."""
    return bidi_message(char) if char in BIDI_NAMES else invisible_message(char)


# An id (a society, a person): also a folder name, so never a path, an option or a pathspec.
IDENTIFIER = "[a-z0-9][a-z0-9-]{0,39}"
