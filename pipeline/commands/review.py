"""`qianghui review`: an administrator's 驳回/通过 of one stage, written to decision.yaml and committed.

The decision records the hash of the judged file, so an edit afterwards is visible; the other
stage of decision.yaml stays as it was typed.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from pipeline.commands.common import acting_person, default_year, evaluate_project, problems_of
from pipeline.commands.submit import write_keeping_bom
from pipeline.core import status
from pipeline.core.layout import Layout
from pipeline.errors import QianghuiError
from pipeline.forms.loading import problem_from_error
from pipeline.forms.scaffold import check_folder
from pipeline.forms.yamlio import MAX_BYTES, YamlError, load_bytes, load_file, replace_block
from pipeline.history.vcs import Vcs
from pipeline.reading import ReadError, read_bounded
from schemas.decision import Decision

DECISION_HEADER = """\
# yaml-language-server: $schema=../../../schemas/json/decision.schema.json
# 审核决定（由 qianghui review 写入；每个阶段保留当前决定，历次决定见 git 历史）
"""


def command(lay: Layout, society: str, year: int | None, outcome: str, opinion: str,
            report: bool, out: TextIO, day: date | None = None) -> int:
    """Record an administrator's 驳回/通过 (dated `day`, default today) with the judged file's
    hash, and commit."""
    sha = review(lay, default_year(lay, year), society, outcome=outcome, opinion=opinion,
                 report=report, today=day)
    print(f"已记录审核决定：{outcome}（{sha[:10]}）", file=out)
    return 0


def review(lay: Layout, year: int, society: str, *, outcome: str, opinion: str,
           report: bool = False, today: date | None = None) -> str:
    """Write the administrator's decision for one stage with the judged file's hash; commit."""
    vcs = Vcs(lay.root)
    person = acting_person(vcs, lay)
    if person.role != "管理员":
        raise QianghuiError(f"{person.name}不是管理员，不能作出审核决定")
    if not opinion.strip():
        raise QianghuiError("请用 -m 写明审核意见")
    if len(opinion.strip()) > 500:
        raise QianghuiError(f"审核意见太长（{len(opinion.strip())} 字）：不能超过 500 字")
    project, validation = evaluate_project(lay, year, society)
    stage, target = ("结题", lay.completion(year, society)) if report else ("申报", lay.application(year, society))
    expected = status.REPORTED if report else status.PENDING
    if project.status == status.INELIGIBLE and outcome == "通过":
        raise QianghuiError(f"{project.society_name}不符合申报条件，不能审核通过："
                            + "；".join(project.ineligible))
    if project.status != expected and not (project.status == status.INELIGIBLE and not report):
        raise QianghuiError(f"项目状态为“{project.status}”，只有“{expected}”的{stage}材料可以审核")
    problems = problems_of(validation, lay.rel(target))
    if outcome == "通过" and problems:
        raise QianghuiError(f"{lay.rel(target)} 还有错误，不能审核通过（可以驳回并写明原因）：", problems)
    if vcs.dirty(target):
        raise QianghuiError(f"{lay.rel(target)} 有尚未提交到 git 的修改：只能审核已提交的版本")
    version = "sha256:" + load_file(target, lay.rel(target)).sha256
    block = verdict_block(stage, outcome, opinion, person.id, today or date.today(), version)
    check_folder(lay, lay.decision(year, society).parent)     # never written through a link
    write_decision(lay.decision(year, society), stage, block)
    return vcs.commit([lay.decision(year, society)],
                      f"审核{stage}：{project.society_name} {outcome}\n\n{opinion.strip()}")


def verdict_block(stage: str, outcome: str, opinion: str, reviewer: str, day: date,
                  version: str) -> str:
    """The YAML of one stage; the opinion quoted so any text the admin typed stays text."""
    text = json.dumps(opinion.strip(), ensure_ascii=False)
    return (f"{stage}:\n  结论: {outcome}\n  意见: {text}\n  审核人: {reviewer}\n"
            f"  日期: {day.isoformat()}\n  版本: {version}\n")


def write_decision(path: Path, stage: str, block: str) -> None:
    """Replace (or add) one stage of decision.yaml, keeping the other stage as it was typed."""
    if os.path.lexists(path):
        try:                        # bounded, never a FIFO or a link (pipeline.reading)
            original = read_bounded(path, MAX_BYTES)
            text = replace_block(load_bytes(original, path.name), stage, block)
        except ReadError as e:
            raise QianghuiError(f"{path} 无法读取，未作修改：{e.message}") from e
        except YamlError as e:
            raise QianghuiError(f"{path} 无法读取，未作修改", e.problems) from e
    else:
        original, text = b"", DECISION_HEADER + block
    written = load_bytes(text.encode(), str(path))
    try:
        Decision.model_validate(written.data)
    except ValidationError as e:     # in Chinese, at the line it would have in the file
        raise QianghuiError(f"审核决定无法写入 {path.name}，未作修改：",
                            [problem_from_error(written, err) for err in e.errors()]) from e
    write_keeping_bom(path, original, text)
