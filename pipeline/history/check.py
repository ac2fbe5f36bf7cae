"""Who may change what (DESIGN §6), checked over a commit range in one pass over `git log`.

The walk keeps the round's files as they stand before each commit (path → blob), so every
judgement uses the state at the parent: the people list (nobody can enable themselves), the
project's status (locked after 立项; 结题 only once 已立项) and the program's deadline.

Long because it is the rule book: one method per rule of the lock table, beside the walk.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from pipeline.core import kinds, layout, status
from pipeline.core.layout import FileKind
from pipeline.errors import QianghuiError
from pipeline.history.rights import PEOPLE, fingerprint
from pipeline.history.snapshot import Tree, references
from pipeline.history.vcs import Change, Commit, Vcs, is_absent
from schemas.program import Program
from schemas.registry import People, Person


@dataclass(frozen=True)
class Violation:
    """One change that breaks the table of DESIGN §6."""

    commit: str
    author: str
    email: str
    path: str
    rule: str
    message: str

    def format(self) -> str:
        return (f"{self.commit[:10]} {self.author} <{self.email}> {self.path or '（整个提交）'}: "
                f"[{self.rule}] {self.message}")


Rule = Callable[["Check", Person, Change, FileKind], list[tuple[str, str]]]


class Check:
    """Judging one commit against the tree as it stood before it."""

    def __init__(self, tree: Tree, commit: Commit) -> None:
        self.tree = tree
        self.commit = commit

    def society_user(self, person: Person, society: str | None) -> list[tuple[str, str]]:
        if person.role == "学会用户" and society in person.societies:
            return []
        return [("权限", f"只有学会「{society}」已启用的用户可以修改本学会的申报材料"
                       f"（{person.name}的角色是{person.role}）")]

    def application(self, person: Person, change: Change, kind: FileKind) -> list[tuple[str, str]]:
        assert kind.year is not None and kind.society is not None
        found = self.society_user(person, kind.society) + self.locked(kind.year, kind.society)

        def submitted() -> bool:
            after = self.tree.head(change.path, change.new_blob)
            return isinstance(after, dict) and after.get("状态") == "已提交"

        return found + self.late(kind.year, kind.society, submitted)

    def locked(self, year: int, society: str) -> list[tuple[str, str]]:
        """The application may change only while 草稿/未审核/已驳回 and not yet passed."""
        before = self.tree.status_of(year, society)
        if before is not None and before not in status.EDITABLE:
            return [("状态", f"项目状态为“{before}”，申报表已锁定，只有草稿、未审核、已驳回时可以修改")]
        if self.tree.passed(year, society, "application"):
            return [("状态", "申报表已审核通过，不能再修改")]
        return []

    def late(self, year: int, society: str, submitted: Callable[[], bool]) -> list[tuple[str, str]]:
        """A submitted application after the deadline (a resubmission after 驳回 is not late).
        The form is read only when the commit is past the deadline at all."""
        found = self.deadline(year, society)
        if not found or not submitted():
            return []
        verdict = self.tree.verdict(year, society, "application")
        if verdict is not None and verdict.outcome == "驳回":
            return []
        return found

    def deadline(self, year: int, society: str) -> list[tuple[str, str]]:
        program = self.tree.program(year)
        if program is None:
            return []
        limit = program.deadline_for(society)
        when = self.commit.received or self.commit.committed     # the server's record first
        if when > limit:
            source = "服务器收到的时间" if self.commit.received else "提交时间"
            return [("截止时间", f"{source} {when.astimezone(limit.tzinfo):%Y-%m-%d %H:%M} 晚于申报截止时间 "
                              f"{limit:%Y-%m-%d %H:%M}（未获延期）")]
        return []

    def completion(self, person: Person, change: Change, kind: FileKind) -> list[tuple[str, str]]:
        assert kind.year is not None and kind.society is not None
        return self.society_user(person, kind.society) + self.report_locked(kind.year, kind.society)

    def report_locked(self, year: int, society: str) -> list[tuple[str, str]]:
        before = self.tree.status_of(year, society)
        if before in status.FINAL:
            return [("状态", f"项目状态为“{before}”：验收评分已开始，结题报告及其文件已锁定")]
        if before not in status.REPORTABLE:
            return [("状态", f"项目状态为“{before or '未申报'}”，只有已立项的项目才能提交或修改结题报告")]
        if self.tree.passed(year, society, "completion"):
            return [("状态", "结题报告已审核通过，不能再修改")]
        return []

    def plan(self, person: Person, change: Change, kind: FileKind) -> list[tuple[str, str]]:
        """实施方案: the society's, reported once 已立项, locked once the report is submitted."""
        assert kind.year is not None and kind.society is not None
        before = self.tree.status_of(kind.year, kind.society)
        found = self.society_user(person, kind.society)
        if before not in status.PLANNABLE:
            found.append(("状态", f"项目状态为“{before or '未申报'}”：实施方案在立项后、提交结题报告前上报和修改"))
        return found

    def submission_file(self, person: Person, change: Change, kind: FileKind) -> list[tuple[str, str]]:
        """A file next to the forms follows the form that references it."""
        assert kind.year is not None and kind.society is not None
        year, society = kind.year, kind.society
        found = self.society_user(person, society)
        name = change.path.split("/", 3)[3]
        base = f"submissions/{year}/{society}"
        app = self.tree.data(f"{base}/application.yaml")
        if name in references(app, ("盖章页", "附件")):
            locked = self.locked(year, society) or self.late(
                year, society, lambda: isinstance(app, dict) and app.get("状态") == "已提交")
            return found + locked
        if name in references(self.tree.data(f"{base}/completion.yaml"), ("活动照片", "附件")):
            return found + self.report_locked(year, society)
        before = self.tree.status_of(year, society)
        if before is not None and before not in (*status.EDITABLE, *status.REPORTABLE):
            found.append(("状态", f"项目状态为“{before}”，材料已锁定"))
        return found

    def admin(self, person: Person, change: Change, kind: FileKind) -> list[tuple[str, str]]:
        if person.role == "管理员":
            return []
        return [("权限", f"只有管理员可以修改此文件（{person.name}的角色是{person.role}）")]

    def expert(self, person: Person, change: Change, kind: FileKind) -> list[tuple[str, str]]:
        assert kind.year is not None and kind.society is not None
        if person.role != "专家" or person.id != kind.expert:
            return [("权限", f"评分表只能由专家「{kind.expert}」本人提交")]
        if kind.society in person.societies:
            return [("回避", f"{person.name}是学会「{kind.society}」的成员，不能为其评分")]
        if kind.kind == layout.PANEL and self.tree.selection_approved(kind.year):
            return [("评审期", f"{kind.year} 年度立项名单已审批，立项评分表已锁定")]
        before = self.tree.status_of(kind.year, kind.society)
        window = (status.PENDING,) if kind.kind == layout.PANEL else (
            status.REPORTED, *status.FINAL)
        if before not in window:
            return [("评审期", f"项目状态为“{before or '未申报'}”，不在评分期（{'、'.join(window)}）内")]
        return []

    def survey(self, person: Person, change: Change, kind: FileKind) -> list[tuple[str, str]]:
        """问卷调查 is the admin's; it locks with the acceptance result, when the year closes."""
        return self.admin(person, change, kind)

    def closed(self, person: Person, path: str) -> list[tuple[str, str]]:
        """A closed year's submissions and reviews: only an admin may change them, and the final
        acceptance material (reports, their files, acceptance and survey sheets) nobody."""
        kind = layout.classify(path)
        year = kind.year if kind else _year_of(path)
        program = self.tree.program(year) if year else None
        if program is None or not program.closed:
            return []
        final = kind is not None and kind.kind in (layout.COMPLETION, layout.ACCEPTANCE, layout.SURVEY)
        if final or (kind is not None and kind.kind == layout.SUBMISSION_FILE and self.report_file(path)):
            return [("已结束", f"{year} 年度已结束（已结束: 是），验收结果已是最终结果，结题材料和验收评分已锁定"
                              "（确需更正时，由管理员先把该年度改回“已结束: 否”）")]
        if person.role != "管理员":
            return [("已结束", f"{year} 年度已结束（已结束: 是），只有管理员可以修改该年度的文件")]
        return []

    def report_file(self, path: str) -> bool:
        parts = path.split("/", 3)
        report = self.tree.data(f"submissions/{parts[1]}/{parts[2]}/completion.yaml")
        return parts[3] in references(report, ("活动照片", "附件"))

    def maintainer(self, person: Person, change: Change, kind: FileKind) -> list[tuple[str, str]]:
        if person.role == "维护者":
            return []
        return [("权限", f"系统文件只能由维护者修改（{person.name}的角色是{person.role}）")]


RULES: dict[str, Rule] = {k.name: getattr(Check, k.rule) for k in kinds.KINDS if k.rule}


def rule_for(path: str) -> tuple[Rule, FileKind]:
    """The rule that governs a path (engine files → maintainers; other review files → admins)."""
    kind = layout.classify(path)
    if kind is not None and kind.kind in RULES:
        return RULES[kind.kind], kind
    if path.startswith(("reviews/", "config/")):
        return Check.admin, FileKind("other")
    return Check.maintainer, FileKind("engine")


def judge(tree: Tree, commit: Commit) -> list[Violation]:
    """Every violation of one commit, judged on the tree before it."""
    def v(path: str, rule: str, message: str) -> Violation:
        return Violation(commit.sha, commit.author, commit.email, path, rule, message)

    person, why = tree.rights.person(commit.email)
    if person is None:
        return [v("", "身份", why)]
    if not person.enabled:
        return [v("", "身份", f"{person.name}的账号未启用（启用: 否）")]
    found = [v("", "无关历史", unrelated(person))] if commit.unrelated and person.role != "维护者" else []
    if requires_signature(tree):
        found += [v("", "签名", m) for m in signature_problems(commit, person, tree.people())]
    check = Check(tree, commit)
    for change in commit.changes:
        rule, kind = rule_for(change.path)
        problems = check.closed(person, change.path) if change.path.startswith(ROUND_FILES) else []
        found += [v(change.path, r, m) for r, m in problems or rule(check, person, change, kind)]
    return found


ROUND_FILES = ("submissions/", "reviews/")


def unrelated(person: Person) -> str:
    """Why a first commit of another history may not join the record (the rule of the orphan
    branch: its commits are judged by their own authors on the round as it stands, and only a
    maintainer may bring such a history in)."""
    return ("此提交没有父提交：它是一段与申报仓库无关的历史的起点（由 git merge --allow-unrelated-histories "
            f"或孤立分支带入）；只有维护者可以带入无关的历史（{person.name}的角色是{person.role}）")


def _year_of(path: str) -> int | None:
    parts = path.split("/")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def requires_signature(tree: Tree) -> bool:
    """Whether any program in force demands signed commits (需要签名: 是)."""
    programs = (tree.program(year) for year in tree.program_years())
    return any(program.signed for program in programs if program is not None)


def signature_problems(commit: Commit, person: Person, people: People | None) -> list[str]:
    """A good SSH signature made with the author's own key, or the reason why not."""
    if commit.signature == "N":
        return ["提交没有签名：本年度要求每个提交都用本人的 SSH 密钥签名（git commit -S）"]
    if commit.signature not in ("G", "U"):
        return ["签名无法验证：密钥未在 config/people.yaml 中登记，或签名已损坏"]
    signer = people.by_email(commit.signer) if people and commit.signer else None
    if signer is None or signer.id != person.id:
        return [f"签名者（{commit.signer or '未知'}）不是提交作者{person.name}本人"]
    if commit.key and commit.key not in {fingerprint(k) for k in person.keys}:
        return [f"签名所用的密钥（{commit.key}）在提交时不是{person.name}登记的密钥"
                "（已被撤销或尚未生效）"]
    return []


def allowed_signers(people: Iterable[Person]) -> str:
    """git's allowed-signers file: each person's e-mails with each of their keys."""
    lines = [f'{email} namespaces="git" {key.strip()}'
             for p in people for key in p.keys for email in p.emails]
    return "\n".join(lines) + "\n"


def check_range(vcs: Vcs, revs: list[str], *, received: datetime | None = None) -> list[Violation]:
    """Walk `revs` oldest first and judge every commit on the state before it; `received`
    (the hook's: now) is when the server received each commit that has no note of it yet."""
    found: list[Violation] = []
    for commit, tree in walk(vcs, revs):
        commit.received = commit.received or received
        found += judge(tree, commit)
    return found


def walk(vcs: Vcs, revs: list[str]) -> Iterator[tuple[Commit, Tree]]:
    """Each commit of `revs`, oldest first, with the tree as it stood before it (the tree moves
    past the commit when the caller asks for the next one)."""
    from pipeline.parallel import workers

    tip = vcs.tip(revs)
    parsed: dict[tuple[str, str], Any] = {}          # blob → parsed, shared by both trees
    excluded = [r for r in revs if r.startswith("^")]
    with tempfile.TemporaryDirectory() as tmp, vcs:
        signers = keyring(vcs, tip, excluded, Path(tmp), parsed)
        tree: Tree | None = None
        commits = vcs.log(revs, signers=signers, workers=workers())
        # The state the range grows from; a range of an unrelated history alone grows from
        # what it is compared with (its first excluded revision: the hook puts main first).
        base = commits.base or (excluded[0].removeprefix("^") if excluded else None)
        started = base is not None          # a root after the start is an unrelated history
        while batch := list(islice(commits, BATCH)):
            if tree is None:
                tree = Tree(vcs, vcs.tree_blobs(base) if base else {}, parsed)
                tree.start_rights(vcs.changes_of(PEOPLE, base, excluded) if base else [])
            tree.prefetch(change for commit in batch for change in commit.changes)
            for commit in batch:
                if not commit.parents:
                    commit.unrelated, started = started, True
                yield commit, tree
                tree.apply_commit(commit)


def keyring(vcs: Vcs, tip: str, excluded: list[str], folder: Path,
            parsed: dict[tuple[str, str], Any]) -> Path | None:
    """git's allowed-signers file with every key any version of the people list has held (a
    commit is then checked against the keys its author held when it was made), or None when no
    program at the tip asks for signatures."""
    tree = Tree(vcs, vcs.tree_blobs(tip, ["config/"]), parsed)
    if not requires_signature(tree):
        return None
    blobs = {tree.blobs.get(PEOPLE)} | {new for _, new, _ in vcs.changes_of(PEOPLE, tip, [])}
    everyone = [p for blob in blobs if blob and not is_absent(blob)
                for people in [tree.people_of(blob)] if people for p in people.people]
    signers = folder / "allowed_signers"
    signers.write_text(allowed_signers(everyone), encoding="utf-8")
    return signers


BATCH = 64      # commits read ahead, so git fetches their files while earlier ones are judged


def default_range(vcs: Vcs, programs: Iterable[Program]) -> list[str]:
    """HEAD, minus what the programs' 规则起始 names (the setup before the round opened)."""
    return ["HEAD", *rules_limits(vcs, programs)]


def rules_limits(vcs: Vcs, programs: Iterable[Program], pushed: Mapping[str, str] | None = None,
                 *, strict: bool = True) -> list[str]:
    """`^commit` for the programs' 规则起始: every range starts after the setup. Only the oldest
    start counts (a later round's tag must not end the audit of an earlier round still open).
    A name resolves against `pushed` (ref → new id: the hook's updates, not refs yet) first.
    With `strict`, a start that resolves nowhere is an error naming the command that fixes it;
    otherwise it is left out (the whole range is judged: stricter, never laxer)."""
    starts: dict[str, str] = {}
    for program in programs:
        name = program.rules_from
        if not name:
            continue
        sha = start_of(vcs, name, pushed or {})
        if sha is None and strict:
            kind = None if name.startswith("-") else vcs.kind_of(name)
            raise QianghuiError(f"{program.year} 年度申报通知的规则起始「{name}」指向的是 {kind}，不是提交："
                                "请管理员把标签打在开放申报时的提交上" if kind else
                                missing_start(program.year, name))
        if sha is not None:
            starts[sha] = name
    oldest = [sha for sha in starts
              if not any(other != sha and vcs.is_ancestor(other, sha) for other in starts)]
    return [f"^{sha}" for sha in oldest]


def start_of(vcs: Vcs, name: str, pushed: Mapping[str, str]) -> str | None:
    """The commit a 规则起始 names: a pushed tag's new value first, else the repository's."""
    return vcs.resolve(pushed.get(f"refs/tags/{name}") or pushed.get(name) or name)


def missing_start(year: int, name: str) -> str:
    """What to do when a program's 规则起始 names nothing in this repository."""
    return (f"{year} 年度申报通知的规则起始「{name}」在本仓库中找不到。若中央仓库已有这个标签，"
            f"运行 git fetch origin --tags 即可；若还没有，请管理员在开放申报时打标签并推送："
            f"git tag {name} && git push origin main {name}")


def programs_at(vcs: Vcs, rev: str | None) -> list[Program]:
    """The valid program files at a revision (none without one): a bare repository's."""
    if rev is None or vcs.resolve(rev) is None:
        return []
    tree = Tree(vcs, vcs.tree_blobs(rev, ["config"]))
    return [p for p in map(tree.program, tree.program_years()) if p is not None]
