"""JSON Schema files generated from the Pydantic models, for editors' autocompletion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from schemas.application import Application
from schemas.completion import Completion
from schemas.decision import Decision, Selection
from schemas.program import Program
from schemas.registry import People, Registry
from schemas.sheets import ScoreSheet, SpotCheck, Survey

MODELS: dict[str, type[BaseModel]] = {
    "application": Application,
    "program": Program,
    "societies": Registry,
    "people": People,
    "decision": Decision,
    "selection": Selection,
    "completion": Completion,
    "score-sheet": ScoreSheet,
    "survey": Survey,
    "spot-check": SpotCheck,
}
TITLES = {
    "application": "“党建强会计划”项目申报表",
    "program": "年度申报通知",
    "societies": "学会名录",
    "people": "人员与权限",
    "decision": "审核决定",
    "selection": "立项名单",
    "completion": "结题报告",
    "score-sheet": "评分表（立项评审 / 考核表）",
    "survey": "问卷调查与民主测评",
    "spot-check": "财务抽查",
}


DRAFTABLE = {"application", "completion"}   # forms with 状态: 草稿 may be saved incomplete


def draftable(schema: dict[str, Any]) -> dict[str, Any]:
    """Drafts may leave anything empty: required only once 状态 is 已提交, values nullable."""
    required = schema.pop("required", [])
    for definition in schema.get("$defs", {}).values():
        definition.pop("required", None)
        _nullable(definition)
    _nullable(schema)
    schema["required"] = ["年度", "学会", "状态"]
    schema["if"] = {"properties": {"状态": {"const": "已提交"}}, "required": ["状态"]}
    schema["then"] = {"required": required}
    return schema


def _nullable(definition: dict[str, Any]) -> None:
    for key, prop in definition.get("properties", {}).items():
        if key == "状态":
            continue
        outer = {k: prop.pop(k) for k in ("title", "description", "default") if k in prop}
        definition["properties"][key] = {**outer, "anyOf": [prop, {"type": "null"}]}


def render_schema(name: str) -> str:
    """The JSON Schema text of one file kind (Chinese titles and descriptions)."""
    schema = MODELS[name].model_json_schema(by_alias=True)
    if name in DRAFTABLE:
        schema = draftable(schema)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "$id": f"{name}.schema.json", **schema, "title": TITLES[name]}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def export(folder: Path) -> list[Path]:
    """Write every schema into `folder`; returns the files whose content changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for name in MODELS:
        target = folder / f"{name}.schema.json"
        text = render_schema(name)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def stale(folder: Path) -> list[str]:
    """Names of schema files missing or different from what the models generate."""
    out = []
    for name in MODELS:
        target = folder / f"{name}.schema.json"
        if not target.exists() or target.read_text(encoding="utf-8") != render_schema(name):
            out.append(target.name)
    return out
