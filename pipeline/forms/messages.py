"""Pydantic's English errors in Chinese, and field locations in words users read."""

from __future__ import annotations

import re
from typing import Any

from pipeline.errors import Loc

_TEMPLATES: dict[str, str] = {
    "missing": "缺少必填字段「{name}」",
    "extra_forbidden": "未知字段「{name}」：请检查字段名是否写错（只允许表单规定的字段）",
    "string_type": "应为文字",
    "string_too_short": "不能为空",
    "string_too_long": "太长了：不能超过 {max_length} 个字",
    "string_pattern_mismatch": "格式不对：只能用小写字母、数字和连字符（如 hbjx）",
    "int_parsing": "应为整数（只写数字，如 23）",
    "int_type": "应为整数（只写数字，如 23）",
    "int_from_float": "应为整数，不能有小数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字（如 20000 或 5000.50），不要写“元”“万”或逗号",
    "decimal_type": "应为数字（如 20000 或 5000.50）",
    "decimal_max_places": "最多两位小数（精确到分）",
    "decimal_max_digits": "数字太大",
    "decimal_whole_digits": "数字太大",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "date_parsing": "日期应写成 YYYY-MM-DD，如 2022-05-10",
    "date_from_datetime_parsing": "日期应写成 YYYY-MM-DD，如 2022-05-10",
    "date_from_datetime_inexact": "这里只要日期，不要时间（YYYY-MM-DD）",
    "date_type": "日期应写成 YYYY-MM-DD，如 2022-05-10",
    "datetime_parsing": "时间应写成 YYYY-MM-DD HH:MM:SS+08:00，如 2022-05-12 23:59:59+08:00",
    "datetime_from_date_parsing": "时间应写成 YYYY-MM-DD HH:MM:SS+08:00，如 2022-05-12 23:59:59+08:00",
    "datetime_type": "时间应写成 YYYY-MM-DD HH:MM:SS+08:00",
    "literal_error": "只能填写：{expected}",
    "enum": "只能填写：{expected}",
    "list_type": "应为列表：每一项另起一行，以“- ”开头",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "dict_type": "应为若干子字段（每行“字段: 值”，并缩进）",
    "model_type": "应为若干子字段（每行“字段: 值”，并缩进）",
    "model_attributes_type": "应为若干子字段（每行“字段: 值”，并缩进）",
    "finite_number": "应为有限的数字（如 20000）",
    "url_parsing": "不是有效的网址：请写完整的链接，如 https://www.hbkx.org.cn/…",
    "url_scheme": "网址应以 http:// 或 https:// 开头",
    "url_type": "不是有效的网址：请写完整的链接，如 https://www.hbkx.org.cn/…",
    "url_too_long": "网址太长",
    "bool_parsing": "应填“是”或“否”",
    "bool_type": "应填“是”或“否”",
    "frozen_instance": "不能修改",
}


def translate(error: dict[str, Any]) -> str:
    """One Pydantic error dict → a Chinese sentence."""
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    if error.get("input", "") is None and kind not in ("missing", "extra_forbidden"):
        return "不能为空：请填写内容"
    if kind in ("date_from_datetime_parsing", "date_parsing") and _looks_iso(error.get("input")):
        return f"日期「{error['input']}」不存在（请检查月份和日期）"
    if kind in _TEMPLATES:
        ctx.setdefault("name", _leaf(error["loc"]))
        if "expected" in ctx:
            ctx["expected"] = _chinese_choices(str(ctx["expected"]))
        try:
            return _TEMPLATES[kind].format(**ctx)
        except (KeyError, IndexError, ValueError):
            return _TEMPLATES[kind]
    if kind.startswith(("phone_", "email_", "path_", "date_format", "yes_no", "society_",
                        "hidden_", "value_error")):
        return _chinese(str(error["msg"]).removeprefix("Value error, "))
    return _UNKNOWN


_UNKNOWN = "取值无效：请对照表单的填写说明检查这一项"
_HAN = re.compile("[\u4e00-\u9fff]")


def _chinese(message: str) -> str:
    """Our own validators speak Chinese; an English message (Python's, a library's) never
    reaches a user: the general sentence stands in for it."""
    return message if _HAN.search(message) else _UNKNOWN


def _looks_iso(value: Any) -> bool:
    parts = str(value).split("-") if isinstance(value, str) else []
    return len(parts) == 3 and len(parts[0]) == 4 and all(p.isdigit() for p in parts)


def _chinese_choices(expected: str) -> str:
    return "、".join(part.strip(" '\"") for part in expected.replace(" or ", ",").split(","))


def _leaf(loc: Loc) -> str:
    return str(loc[-1]) if loc else ""


def field_path(loc: Loc) -> str:
    """('预算安排', 1, '金额') → '预算安排第2项.金额' (list positions counted from 1)."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"第{part + 1}项"
        else:
            text += ("." if text else "") + str(part)
    return text
