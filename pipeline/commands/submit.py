"""`qianghui submit`: 状态 草稿 → 已提交 (or an edit after 驳回), checked, then committed.

Only the 状态 line changes — the user's comments, key order and formatting stay as typed — and
the step is refused when the project's status does not allow it; a form with problems, or a
commit git refuses (a hook, a locked index), puts the form and the index back byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from pipeline.commands.common import (
    acting_person,
    default_year,
    evaluate_project,
    find_project,
    problems_of,
    society_id,
)
from pipeline.core import status
from pipeline.core.layout import Layout
from pipeline.core.projects import Project
from pipeline.errors import QianghuiError
from pipeline.forms.yamlio import Document, load_file, replace_scalar
from pipeline.history.vcs import Vcs
from pipeline.transaction import Transaction


def command(lay: Layout, society: str, year: int | None, report: bool, out: TextIO) -> int:
    """Mark a draft as submitted (状态: 已提交) after validating it, and commit."""
    sha = submit(lay, default_year(lay, year), society_id(society), report=report)
    print(f"已提交并记入 git（{sha[:10]}）。请推送（git push）到申报仓库。", file=out)
    return 0


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
    if not isinstance(doc.data, dict) or doc.data.get("状态") != status.DRAFT:
        raise QianghuiError(f"{lay.rel(path)} 的状态不是“草稿”，无需提交" + refusal(project.status))
    folder = lay.submission_dir(year, society)
    with Transaction([path], vcs, [folder], shown=lay.rel) as tx:  # any failure: as it was typed
        tx.write(path, keeping_bom(path.read_bytes(), replace_scalar(doc, ("状态",), "已提交")))
        tx.reject("还有错误，未提交：",
                  problems_of(evaluate_project(lay, year, society)[1], lay.rel(path)))
        return tx.commit(f"提交{'结题报告' if report else '申报表'}：{project.society_name}")


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
    with Transaction([], vcs, [lay.submission_dir(project.year, project.society)]) as tx:
        return tx.commit(f"驳回后重新提交{what}：{project.society_name}")


def keeping_bom(original: bytes, text: str) -> bytes:
    """The edited text, with the byte-order mark the user's editor wrote (if any)."""
    bom = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
    return bom + text.encode("utf-8")
