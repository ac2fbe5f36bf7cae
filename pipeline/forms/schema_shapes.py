"""JSON Schema shapes for editors: Pydantic's validation schema turned into what an editor
should check in hand-typed YAML (see pipeline.forms.schema_export for why and for the files).

Pure functions over JSON Schema dictionaries: inline and tidy, the shape of a value (a draft's
or a submitted form's), what 状态: 已提交 adds, and the Chinese errorMessage of each check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.types import AMOUNT_TEXT

# YAML's empty value (null), accepted without being offered: completion lists `null` for a
# `type: null`, an enum or const holding null and a null default, never for a `not`.
EMPTY: dict[str, Any] = {"not": {"type": ["string", "number", "boolean", "object", "array"]}}
# An example text of a blank (（写明…）) left as the whole value.
NOT_EXAMPLE = "^(?![ \\t\\n]*（[^）]*）[ \\t\\n]*$)"
_LIMITS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def inline(node: Any, defs: Mapping[str, Any]) -> Any:
    """Resolve every $ref (a property's own keys win over the definition's) and tidy: no
    English titles, no model docstrings, no null defaults, Pydantic's ge/le as JSON Schema."""
    if isinstance(node, list):
        return [inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = dict(defs[node["$ref"].rsplit("/", 1)[-1]])
        target.pop("description", None)            # a model's docstring: not for users
        target.pop("title", None)
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("$defs", "default") or (key == "title" and _latin(value)):
            continue
        out[_LIMITS.get(key, key)] = value if key in ("enum", "const") else inline(value, defs)
    return _collapse(out)


def _latin(text: Any) -> bool:
    return isinstance(text, str) and any("a" <= c.lower() <= "z" for c in text) and text != "id"


def _collapse(node: dict[str, Any]) -> dict[str, Any]:
    """Pydantic's anyOf [X, null] (an optional field) → X; a decimal's anyOf [number, string]
    → one node that takes a number or its digits as text."""
    options = node.get("anyOf")
    if not isinstance(options, list):
        return node
    options = [o for o in options if o != {"type": "null"}]
    rest = {k: v for k, v in node.items() if k != "anyOf"}
    if len(options) == 1:
        return {**options[0], **rest}
    types = [o.get("type") for o in options]
    if sorted(map(str, types)) == ["number", "string"]:
        number = next(o for o in options if o.get("type") == "number")
        return {**number, **rest, "type": ["number", "string"], "pattern": AMOUNT_TEXT}
    return {**rest, "anyOf": options}


def may_be_empty(node: dict[str, Any]) -> dict[str, Any]:
    """`node`, or an empty value; the description stays on top for hover."""
    outer: dict[str, Any] = {k: node[k] for k in ("title", "description") if k in node}
    inner = {k: v for k, v in node.items() if k not in outer}
    return {**outer, "anyOf": [inner, EMPTY]}


def shape(node: dict[str, Any], *, draft: bool) -> dict[str, Any]:
    """What a value must look like when it is there. Objects: every property checked, an
    optional one (or any, in a draft) may be left empty; in a draft nothing is required."""
    out = dict(node)
    if isinstance(node.get("properties"), dict):
        required = set(node.get("required", []))
        out["properties"] = {}
        for key, prop in node["properties"].items():
            inner = shape(prop, draft=draft)
            out["properties"][key] = may_be_empty(inner) if draft or key not in required else inner
        if draft:
            out.pop("required", None)
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = shape(node["additionalProperties"], draft=draft)
    if isinstance(node.get("items"), dict):
        items = shape(node["items"], draft=draft)
        out["items"] = may_be_empty(items) if draft else items
    if isinstance(node.get("anyOf"), list):
        out["anyOf"] = [shape(o, draft=draft) for o in node["anyOf"]]
    out.setdefault("errorMessage", error_message(out))
    return out


def error_message(node: Mapping[str, Any]) -> str:
    """The Chinese message an editor shows when a value has the wrong kind or form."""
    kind = node.get("type")
    if "enum" in node:
        return f"应为：{'、'.join(map(str, node['enum']))}"
    if isinstance(node.get("properties"), dict):
        names = "、".join(node["properties"])
        required = [k for k in node.get("required", [])]
        tail = f"；必填：{'、'.join(required)}" if required else ""
        return f"应为以下各项（字段名不能写错）：{names}{tail}"
    if kind == "object":
        return "应为“名称: 内容”的若干项"
    if kind == "array":
        return "应为列表：每项一行，以“- ”开头"
    if kind == "integer":
        return "应为整数" + _range(node)
    if kind == "number" or kind == ["number", "string"]:
        return "应为数字" + _range(node)
    if kind == "boolean":
        return "应填“是”或“否”"
    if kind == "string":
        return f"应为文字（不超过 {node['maxLength']} 字）" if "maxLength" in node else "应为文字"
    return "填写的内容不符合要求"


def _range(node: Mapping[str, Any]) -> str:
    low = node.get("minimum", node.get("exclusiveMinimum"))
    high = node.get("maximum")
    if low is not None and high is not None and high < 1e9:
        return f"，{num(low)} 至 {num(high)}"
    if low is not None:
        return f"，{'大于' if 'exclusiveMinimum' in node else '不小于'} {num(low)}"
    return ""


def num(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def presence(node: dict[str, Any]) -> dict[str, Any]:
    """What 状态: 已提交 adds to a draft: every required value there (not empty, not an
    example text), down through nested forms and list items."""
    out: dict[str, Any] = {}
    kind = node.get("type")
    if isinstance(node.get("properties"), dict):
        required = list(node.get("required", []))
        out = {"type": "object", "required": required,
               "errorMessage": f"已提交的表单必须填写：{'、'.join(required)}",
               "properties": {}}
        for key, prop in node["properties"].items():
            inner = presence(prop)
            if key not in required:      # only what an optional form holds, when it is there
                nested = "properties" in prop or prop.get("type") == "array"
                inner = {"anyOf": [inner, EMPTY]} if nested else {}
            if inner:
                out["properties"][key] = inner
        return out
    if kind == "array" and isinstance(node.get("items"), dict):
        return {"type": "array", "items": presence(node["items"]),
                "errorMessage": "已提交的表单必须填写此项（至少一行）"}
    out = {"errorMessage": "已提交的表单必须填写此项"}
    if kind is not None:
        out["type"] = kind
    if kind == "string" and "enum" not in node:
        out.update(pattern=NOT_EXAMPLE, patternErrorMessage="请把示例文字（……）换成实际内容")
    return out
