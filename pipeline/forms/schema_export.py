"""JSON Schema files for editors, generated from the Pydantic models and the programs.

Hand-written on top of Pydantic's own output, because Pydantic describes Python values while
an editor checks YAML text as yaml-language-server reads it (YAML 1.2: dates are text, a phone
number may be an integer, an empty value is null) and must know what the engine knows:

- a draft (状态: 草稿) may leave anything empty; once 状态 is 已提交 every required value must be
  there and not be an example text (if/then), nested forms included;
- an empty value is accepted where the engine accepts it, but `null` is never offered;
- the year's program decides the amount limit, the categories and their sub-types, the score
  sheets' indicators and maxima, the selection's quota — a schema per year where the year is
  not in the file (score sheets, selection), `if 年度 …` branches where it is;
- every property has a Chinese description and every check a Chinese errorMessage; no English
  title or docstring reaches the editor.

What only `qianghui validate` can check (other files, sums, today's date) is listed in the README.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pipeline.core import kinds
from pipeline.forms.schema_shapes import inline, may_be_empty, num, presence, shape
from schemas.program import Program, RubricItem

MODELS: dict[str, type[BaseModel]] = {k.schema_name: kinds.resolve(k.model)
                                     for k in kinds.KINDS if k.model}
TITLES = {**{k.name: k.title or k.label for k in kinds.KINDS if k.model},
          "score-sheet": "评分表（立项评审 / 考核表）"}
DRAFTABLE = {k.name for k in kinds.KINDS if k.draftable}   # 状态: 草稿 may be saved incomplete
PER_YEAR = tuple(k.name for k in kinds.KINDS if k.per_year_schema)  # the year is in the path
FORMS = {  # where each kind lives, for editors that map files to schemas (VS Code settings)
    k.name: [k.glob] for k in kinds.KINDS if k.model and not k.per_year_schema}


def base(model: type[BaseModel]) -> dict[str, Any]:
    raw = model.model_json_schema(by_alias=True)
    node: dict[str, Any] = inline(raw, raw.get("$defs", {}))
    node.pop("description", None)
    return node


def editor_schema(name: str, programs: Mapping[int, Program]) -> dict[str, Any]:
    """The JSON Schema of one file kind (a per-year name, like panel-2022, for a year's sheet)."""
    kind, _, year = name.partition("-") if name.split("-")[0] in PER_YEAR else (name, "", "")
    node = base(MODELS[kind] if kind in MODELS else MODELS[kinds.of(kind).schema_name])
    if kind in DRAFTABLE:
        schema = shape(node, draft=True)
        schema["required"] = ["年度", "学会", "状态"]
        rules = [{"if": {"properties": {"状态": {"const": "已提交"}}, "required": ["状态"]},
                  "then": presence(node)}]
        schema["allOf"] = rules + year_rules(kind, programs)
    else:
        schema = shape(node, draft=False)
    if year:
        per_year(schema, kind, programs[int(year)])
    if kind in DRAFTABLE and programs:
        schema["properties"]["年度"]["anyOf"][0].update(
            enum=sorted(programs), errorMessage=f"已有申报通知的年度：{'、'.join(map(str, sorted(programs)))}")
    title = TITLES[kind] if not year else f"{year} 年度{TITLES[kind]}"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{name}.schema.json",
            "title": title, "description": f"{title}：把鼠标停在字段名上可看填写说明", **schema}


def year_rules(kind: str, programs: Mapping[int, Program]) -> list[dict[str, Any]]:
    """An application's limits from its year's program: amount, categories, sub-types."""
    if kind != "application":
        return []
    rules = []
    for year, program in sorted(programs.items()):
        amount = float(program.amount)
        subtypes = [{"if": {"properties": {"申请资助类别": {"const": category}},
                            "required": ["申请资助类别"]},
                     "then": {"properties": {"项目形式": may_be_empty(
                         {"enum": list(names), "errorMessage": f"“{category}”类的项目形式应为：{'、'.join(names)}"})}}}
                    for category, names in program.categories.items()]
        rules.append({"if": {"properties": {"年度": {"const": year}}, "required": ["年度"]},
                      "then": {"properties": {
                          "申报资助金额": may_be_empty({
                              "maximum": amount, "errorMessage":
                              f"{year} 年度每个项目的资助上限为 {num(amount)} 元"}),
                          "申请资助类别": may_be_empty({
                              "enum": list(program.categories),
                              "errorMessage": f"{year} 年度的类别应为：{'、'.join(program.categories)}"})},
                          "allOf": subtypes}})
    return rules


def per_year(schema: dict[str, Any], kind: str, program: Program) -> None:
    """A year's score sheet (its indicators and maxima) or selection (quota and amount)."""
    if kind == "selection":
        funded = schema["properties"]["立项"]
        funded.update(maxItems=program.quota,
                      errorMessage=f"立项名单是列表，最多 {program.quota} 个项目")
        funded["items"]["properties"]["资助金额"]["maximum"] = float(program.amount)
        funded["items"]["properties"]["资助金额"]["errorMessage"] = \
            f"资助金额只写数字（元），不超过 {num(program.amount)}"
        return
    rubric = program.panel_rubric if kind == "panel" else program.acceptance_rubric
    scores = schema["properties"]["评分"]
    score = scores.pop("additionalProperties")
    scores.pop("propertyNames", None)
    scores.update(properties={item.name: indicator(score, item) for item in rubric},
                  required=[item.name for item in rubric], additionalProperties=False,
                  errorMessage=f"指标应为（每个都要打分）：{'、'.join(item.name for item in rubric)}")


def indicator(score: dict[str, Any], item: RubricItem) -> dict[str, Any]:
    node = json.loads(json.dumps(score))
    points = node["properties"]["得分"]
    points.update(maximum=float(item.max), errorMessage=f"得分应为 0 至 {num(item.max)} 的数字")
    points["description"] = f"满分 {num(item.max)}"
    return {**node, "description": f"满分 {num(item.max)}：{item.note}"}


def names(programs: Mapping[int, Program]) -> list[str]:
    """Every schema file's name (without .schema.json): the kinds, then each year's."""
    return [*MODELS, *(f"{kind}-{year}" for year in sorted(programs) for kind in PER_YEAR)]


def render_schema(name: str, programs: Mapping[int, Program]) -> str:
    """The JSON Schema text of one file kind."""
    return json.dumps(editor_schema(name, programs), ensure_ascii=False, indent=2) + "\n"


def schema_map(programs: Mapping[int, Program]) -> dict[str, Any]:
    """VS Code's yaml.schemas: each schema and the files it is for."""
    found: dict[str, Any] = {f"./schemas/json/{kind}.schema.json": globs[0] if len(globs) == 1 else globs
                             for kind, globs in FORMS.items()}
    for year in sorted(programs):
        for kind in PER_YEAR:
            found[f"./schemas/json/{kind}-{year}.schema.json"] = kinds.of(kind).at(
                year=year, society="*", expert="*")
    return found


def settings_text(current: str, programs: Mapping[int, Program]) -> str:
    """.vscode/settings.json with its yaml.schemas generated (other settings kept)."""
    try:
        settings = json.loads(current) if current.strip() else {}
    except ValueError:
        settings = {}
    settings["yaml.schemas"] = schema_map(programs)
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def outputs(root: Path, programs: Mapping[int, Program]) -> dict[Path, str]:
    """Every generated file and its content."""
    folder = root / "schemas" / "json"
    found = {folder / f"{name}.schema.json": render_schema(name, programs) for name in names(programs)}
    settings = root / ".vscode" / "settings.json"
    found[settings] = settings_text(settings.read_text(encoding="utf-8") if settings.exists() else "",
                                    programs)
    return found


def export(root: Path, programs: Mapping[int, Program]) -> list[Path]:
    """Write every schema (and the editor settings); returns the files whose content changed."""
    changed = []
    for target, text in outputs(root, programs).items():
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
            changed.append(target)
    return changed


def stale(root: Path, programs: Mapping[int, Program]) -> list[str]:
    """Generated files missing or different from what the models and programs generate."""
    return [target.relative_to(root).as_posix() for target, text in outputs(root, programs).items()
            if not target.exists() or target.read_text(encoding="utf-8") != text]
