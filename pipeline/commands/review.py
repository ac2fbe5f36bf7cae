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

from pipeline.commands.common import (
    acting_person,
    checked_text,
    default_year,
    evaluate_project,
    problems_of,
    society_id,
)
from pipeline.commands.submit import keeping_bom
from pipeline.core import status
from pipeline.core.layout import Layout
from pipeline.errors import Problem, QianghuiError
from pipeline.forms.loading import problem_from_error
from pipeline.forms.scaffold import check_folder
from pipeline.forms.yamlio import MAX_BYTES, YamlError, load_bytes, load_file, replace_block
from pipeline.history.vcs import Vcs
from pipeline.reading import ReadError, read_bounded
from pipeline.transaction import Transaction
from schemas.decision import Decision

OPINION_LIMIT = 500        # characters: the 意见 of decision.yaml (schemas.types.MidText)
DECISION_HEADER = """\
# yaml-language-server: $schema=../../../schemas/json/decision.schema.json
# 审核决定（由 qianghui review 写入；每个阶段保留当前决定，历次决定见 git 历史）
"""


def command(lay: Layout, society: str, year: int | None, outcome: str, opinion: str,
            report: bool, out: TextIO, day: date | None = None) -> int:
    """Record an administrator's 驳回/通过 (dated `day`, default today) with the judged file's
    hash, and commit."""
    sha = review(lay, default_year(lay, year), society_id(society), outcome=outcome, opinion=opinion,
                 report=report, today=day)
    print(f"已记录审核决定：{outcome}（{sha[:10]}）", file=out)
    return 0


def review(lay: Layout, year: int, society: str, *, outcome: str, opinion: str,
           report: bool = False, today: date | None = None) -> str:
    """Write the administrator's decision for one stage with the judged file's hash; commit."""
    opinion = checked_text("-m（审核意见）", opinion, OPINION_LIMIT, lines=True)
    vcs = Vcs(lay.root)
    person = acting_person(vcs, lay)
    if person.role != "管理员":
        raise QianghuiError(f"{person.name}不是管理员，不能作出审核决定")
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
    path = lay.decision(year, society)
    check_folder(lay, path.parent)                  # never written through a link
    data = decision_bytes(path, stage, block)
    with Transaction([path], vcs, [path], shown=lay.rel) as tx:     # any failure: as it was
        tx.write(path, data)
        tx.reject(f"写入的 {lay.rel(path)} 有错误，未提交：", errors_of(lay, path))
        return tx.commit(f"审核{stage}：{project.society_name} {outcome}\n\n{opinion.strip()}")


def errors_of(lay: Layout, path: Path) -> list[Problem]:
    """What `qianghui validate` says is wrong with a file just written (hints do not count)."""
    from pipeline.forms.validate import validate_paths

    return [p for p in problems_of(validate_paths(lay, [path]), lay.rel(path)) if not p.warning]


def verdict_block(stage: str, outcome: str, opinion: str, reviewer: str, day: date,
                  version: str) -> str:
    """The YAML of one stage; the opinion quoted so any text the admin typed stays text."""
    text = json.dumps(opinion.strip(), ensure_ascii=False)
    return (f"{stage}:\n  结论: {outcome}\n  意见: {text}\n  审核人: {reviewer}\n"
            f"  日期: {day.isoformat()}\n  版本: {version}\n")


def decision_bytes(path: Path, stage: str, block: str) -> bytes:
    """decision.yaml with one stage replaced (or added), the other stage kept as it was typed."""
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
    return keeping_bom(original, text)
