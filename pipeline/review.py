"""`qianghui submit` and `qianghui review`: one surgical edit, checked, then committed.

Both change only the lines they must — the user's comments, key order and formatting stay as
typed — and refuse when the project's status does not allow the step.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from pipeline import status
from pipeline.errors import Problem, QianghuiError
from pipeline.layout import Layout
from pipeline.projects import Project
from pipeline.run import evaluate, project_files
from pipeline.validate import ValidationResult
from pipeline.vcs import Vcs
from pipeline.yamlio import (
    Document,
    YamlError,
    load_bytes,
    load_file,
    replace_block,
    replace_scalar,
)
from schemas.decision import Decision
from schemas.registry import Person

DECISION_HEADER = """\
# yaml-language-server: $schema=../../../schemas/json/decision.schema.json
# 审核决定（由 qianghui review 写入；每个阶段保留当前决定，历次决定见 git 历史）
"""


def find_project(lay: Layout, year: int, society: str) -> Project:
    """The project with its derived status (its own files only)."""
    return evaluate_project(lay, year, society)[0]


def evaluate_project(lay: Layout, year: int, society: str) -> tuple[Project, ValidationResult]:
    """One project's status and the validation of its files (status contradictions included)."""
    if not lay.application(year, society).exists():
        raise QianghuiError(f"{year} 年度没有学会「{society}」的申报表（{lay.rel(lay.application(year, society))}）")
    validation, projects, _ = evaluate(lay, project_files(lay, [(year, society)]))
    return next(p for p in projects if (p.year, p.society) == (year, society)), validation


def problems_of(validation: ValidationResult, rel: str) -> list[Problem]:
    """The problems of one file in a validation result."""
    return [p for f in validation.files if f.path == rel for p in f.problems]


def acting_person(vcs: Vcs, lay: Layout) -> Person:
    """The person behind the configured git e-mail, who must be enabled."""
    from pipeline.loading import load_config

    _, email = vcs.identity()
    people = load_config(lay).people
    person = people.by_email(email) if people else None
    if person is None or not person.enabled:
        raise QianghuiError(f"git 作者邮箱 {email} 不是 config/people.yaml 中已启用的人员")
    return person


def submit(lay: Layout, year: int, society: str, *, report: bool = False) -> str:
    """Turn 状态: 草稿 into 已提交 (application or, with report, completion), validate, commit."""
    vcs = Vcs(lay.root)
    person = acting_person(vcs, lay)
    if person.role != "学会用户" or society not in person.societies:
        raise QianghuiError(f"{person.name}不是学会「{society}」的用户，不能提交它的材料")
    project = find_project(lay, year, society)
    path = lay.completion(year, society) if report else lay.application(year, society)
    what = "结题报告" if report else "申报表"
    doc = load_file(path, lay.rel(path)) if path.exists() else None
    if doc is not None and resubmitted(project, doc, report):
        return resubmit(lay, vcs, project, path, what)
    allowed = status.REPORTABLE if report else (status.DRAFT,)
    if project.status not in allowed or doc is None:
        raise QianghuiError(f"项目状态为“{project.status}”，不能提交{what}" + refusal(project.status))
    original = path.read_bytes()
    if not isinstance(doc.data, dict) or doc.data.get("状态") != status.DRAFT:
        raise QianghuiError(f"{lay.rel(path)} 的状态不是“草稿”，无需提交" + refusal(project.status))
    _write_text(path, original, replace_scalar(doc, ("状态",), "已提交"))
    try:
        problems = problems_of(evaluate_project(lay, year, society)[1], lay.rel(path))
    except BaseException:
        path.write_bytes(original)        # whatever happens, the user's file comes back as typed
        raise
    if problems:
        path.write_bytes(original)        # the user's file, byte for byte
        raise QianghuiError("还有错误，未提交：", problems)
    return vcs.commit([lay.submission_dir(year, society)],
                      f"提交{'结题报告' if report else '申报表'}：{project.society_name}")


def refusal(state: str) -> str:
    """Why submitting again makes no sense now, and what to do instead."""
    if state in (status.RETURNED, status.REPORT_RETURNED):
        return "：请先按审核意见修改，保存后再运行 qianghui submit"
    return "（已经提交过了）" if state in (status.PENDING, status.REPORTED) else ""


def resubmitted(project: Project, doc: Document, report: bool) -> bool:
    """The form is 已提交 and differs from the revision a 驳回 judged: an edit after 驳回."""
    decision = project.decision
    verdict = (decision.completion if report else decision.application) if decision else None
    return (isinstance(doc.data, dict) and doc.data.get("状态") == "已提交"
            and verdict is not None and verdict.outcome == "驳回" and not verdict.judged(doc.sha256))


def resubmit(lay: Layout, vcs: Vcs, project: Project, path: Path, what: str) -> str:
    """Commit the edit of a form sent back (驳回): checked first, left as typed."""
    if not vcs.dirty(path):
        raise QianghuiError(f"{what}驳回后的修改已经记入 git（项目状态：{project.status}），无需再提交；"
                            "请推送（git push）到申报仓库")
    problems = problems_of(evaluate_project(lay, project.year, project.society)[1], lay.rel(path))
    if problems:
        raise QianghuiError("还有错误，未提交：", problems)
    return vcs.commit([lay.submission_dir(project.year, project.society)],
                      f"驳回后重新提交{what}：{project.society_name}")


def _write_text(path: Path, original: bytes, text: str) -> None:
    bom = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
    tmp = path.with_name(path.name + ".qianghui-tmp")
    tmp.write_bytes(bom + text.encode("utf-8"))
    tmp.replace(path)


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
    if path.exists():
        original = path.read_bytes()
        try:
            text = replace_block(load_bytes(original, path.name), stage, block)
        except YamlError as e:
            raise QianghuiError(f"{path} 无法读取，未作修改", e.problems) from e
    else:
        original, text = b"", DECISION_HEADER + block
    try:
        Decision.model_validate(load_bytes(text.encode(), path.name).data)
    except ValidationError as e:
        raise QianghuiError(f"审核决定无法写入 {path.name}：{e.errors()[0]['msg']}") from e
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_text(path, original, text)
