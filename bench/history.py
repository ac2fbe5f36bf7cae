"""The round's story as commits, and one `git fast-import` process that writes them all.

Every commit is made by the person the rules of DESIGN §6 allow, at a time that fits the
project's state: societies submit before the deadline, admins decide, the experts score,
the admin approves the list, the funded societies report, the experts assess, the round closes.
The final tree is the replay of these commits, so the working tree and HEAD always agree.
"""

from __future__ import annotations

import hashlib
import random
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench import forms
from bench.round import (
    DRAFT,
    FUNDED,
    RESUBMITTED,
    Project,
    Round,
    application_verdict,
    completion_verdict,
    reviewed,
)

BEIJING = timezone(timedelta(hours=8))
BATCH = 50


@dataclass
class Commit:
    """One commit: who, when, why, and the files it writes (path → bytes)."""

    who: forms.Person
    when: datetime
    message: str
    changes: dict[str, bytes]


class Clock:
    """Commit times of one phase: evenly spread from `start` by `step`."""

    def __init__(self, start: str, step: timedelta = timedelta(minutes=7)) -> None:
        self.now = datetime.fromisoformat(start).replace(tzinfo=BEIJING)
        self.step = step

    def tick(self) -> datetime:
        self.now += self.step
        return self.now


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def submission(p: Project, text: str, stamp: bytes | None) -> dict[str, bytes]:
    files = {f"{p.folder}/application.yaml": utf8(text)}
    if stamp is not None:
        files[f"{p.folder}/files/盖章页.png"] = stamp
    return files


def batches(items: list[Project], size: int = BATCH) -> Iterator[list[Project]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Story:
    """Builds the commits of a round after the setup commit."""

    def __init__(self, rnd: Round, stamp: bytes, program_closed: bytes) -> None:
        self.rnd = rnd
        self.stamp = stamp
        self.program_closed = program_closed
        self.reviewer: dict[str, str] = {}

    def decisions(self) -> list[Commit]:
        clock, out = Clock("2022-05-16T09:00:00"), []
        todo = [p for p in self.rnd.projects if reviewed(p)]
        for i, group in enumerate(batches(todo)):
            admin = self.rnd.admins[i % len(self.rnd.admins)]
            changes = {}
            for p in group:
                self.reviewer[p.sid] = admin.id
                changes[f"{p.reviews}/decision.yaml"] = utf8(forms.decision(application_verdict(p, admin.id)))
            returned = sum(1 for p in group if p.kind in ("returned", RESUBMITTED))
            out.append(Commit(admin, clock.tick(), f"申报审核：驳回 {returned} 个，通过 "
                              f"{len(group) - returned} 个", changes))
        return out

    def resubmissions(self) -> list[Commit]:
        clock = Clock("2022-05-22T09:00:00", timedelta(minutes=3))
        return [Commit(p.user, clock.tick(), f"{p.sid} 按审核意见修改后重新提交申报表",
                       submission(p, p.final_text(), None))
                for p in self.rnd.projects if p.kind == RESUBMITTED]

    def sheets(self, start: str, kind: str, message: str) -> list[Commit]:
        """Each expert commits his or her sheets (`panel` or `acceptance`), BATCH at a time."""
        clock, out = Clock(start, timedelta(minutes=11)), []
        for expert in self.rnd.experts:
            mine = [p for p in self.rnd.projects if expert.id in getattr(p, kind)]
            for group in batches(mine):
                changes = {f"{p.reviews}/{kind}/{expert.id}.yaml": utf8(getattr(p, kind)[expert.id])
                           for p in group}
                out.append(Commit(expert, clock.tick(), f"{message}（{expert.name}，{len(group)} 份）",
                                  changes))
        return out

    def reports(self) -> list[Commit]:
        clock, out = Clock("2022-11-20T09:00:00", timedelta(hours=2)), []
        for p in self.rnd.funded:
            changes = {f"{p.folder}/completion.yaml": utf8(p.completion),
                       f"{p.folder}/files/活动1.png": self.stamp,
                       f"{p.folder}/files/活动2.png": self.stamp}
            out.append(Commit(p.user, clock.tick(), f"{p.sid} 提交结题报告", changes))
        return out

    def report_reviews(self) -> Commit:
        admin = self.rnd.admins[-1]
        changes = {}
        for p in self.rnd.funded:
            text = forms.decision(application_verdict(p, self.reviewer[p.sid]),
                                  completion_verdict(p, admin.id))
            changes[f"{p.reviews}/decision.yaml"] = utf8(text)
            changes[f"{p.reviews}/survey.yaml"] = utf8(p.survey)
        return Commit(admin, Clock("2022-12-05T10:00:00").tick(), "结题审核通过；问卷调查与民主测评结果",
                      changes)

    def after_deadline(self) -> list[Commit]:
        """Every commit after the submissions: reviews, selection, reports, close."""
        admin, other = self.rnd.admins[0], self.rnd.admins[-1]
        out = [*self.decisions(), *self.resubmissions(),
               *self.sheets("2022-05-26T09:00:00", "panel", "立项评审评分")]
        if self.rnd.funded:
            out.append(Commit(admin, Clock("2022-06-10T10:00:00").tick(), "立项名单经省科协党组审批",
                              {"reviews/2022/selection.yaml": utf8(self.rnd.selection)}))
            out += [*self.reports(), self.report_reviews(),
                    *self.sheets("2022-12-12T09:00:00", "acceptance", "验收考核评分"),
                    Commit(admin, Clock("2022-12-20T10:00:00").tick(), "财务抽查（种子公开，可复核）",
                           {"reviews/2022/spot-check.yaml": utf8(self.rnd.spot_check)})]
        out.append(Commit(other, Clock("2022-12-28T10:00:00").tick(), "2022 年度评审结束",
                          {"config/program-2022.yaml": self.program_closed}))
        return out

    def submissions(self, rng: random.Random, active: list[Project], extra: int) -> list[Commit]:
        """Societies commit before the deadline; `extra` of them save a draft first."""
        start = datetime(2022, 4, 21, 8, tzinfo=BEIJING)
        span = (datetime(2022, 5, 12, 22, tzinfo=BEIJING) - start).total_seconds()
        events: list[tuple[float, int, Commit]] = []
        savers = {p.sid for p in rng.sample([p for p in active if p.kind != DRAFT],
                                            min(extra, sum(p.kind != DRAFT for p in active)))}
        for p in active:
            at = rng.random()
            message = f"{p.sid} 保存申报表草稿" if p.kind == DRAFT else f"{p.sid} 提交申报表"
            events.append((at, len(events), Commit(p.user, start, message,
                                                   submission(p, p.first_text(), self.stamp))))
            if p.sid in savers:
                events.append((at * rng.random(), len(events), Commit(
                    p.user, start, f"{p.sid} 保存申报表草稿",
                    submission(p, p.app.text(state="草稿", draft=True), None))))
        events.sort(key=lambda e: (e[0], e[1]))
        for at, _, commit in events:
            commit.when = start + timedelta(seconds=int(at * span))
        return [commit for _, _, commit in events]


def plan(rnd: Round, setup: dict[str, bytes], program_closed: bytes, stamp: bytes,
         commits: int, seed: int) -> tuple[list[Commit], int]:
    """The commits of the whole history (setup first) and how many societies' applications went
    into the setup commit because the budget of `commits` did not reach them."""
    rng = random.Random(seed + 1)
    story = Story(rnd, stamp, program_closed)
    late = story.after_deadline()
    budget = max(commits - 1 - len(late), 0)
    required = [p for p in rnd.projects if p.kind == RESUBMITTED]
    others = [p for p in rnd.projects if p.kind != RESUBMITTED]
    rng.shuffle(others)
    others.sort(key=lambda p: p.kind != FUNDED)         # the funded ones tell the whole story
    active = (required + others)[:max(budget, len(required))]
    extra = max(budget - len(rnd.projects), 0)
    chosen = {p.sid for p in active}
    first = dict(setup)
    for p in rnd.projects:
        if p.sid not in chosen:
            first.update(submission(p, p.first_text(), stamp))
    setup_commit = Commit(rnd.maintainer, datetime(2022, 4, 20, 9, tzinfo=BEIJING),
                          "建立 2022 年度申报仓库：引擎、模板、学会名录、人员名单、申报通知", first)
    early = story.submissions(rng, active, extra)
    return [setup_commit, *early, *late], len(rnd.projects) - len(chosen)


def replay(commits: list[Commit]) -> dict[str, bytes]:
    """The tree after every commit."""
    tree: dict[str, bytes] = {}
    for commit in commits:
        tree.update(commit.changes)
    return tree


def _stamp(when: datetime) -> str:
    return f"{int(when.timestamp())} +0800"


def fast_import(root: Path, commits: list[Commit], tag: str, env: dict[str, str]) -> None:
    """Write `commits` into the repository at `root` with one `git fast-import`; tag the first."""
    proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=root, env=env,
                            stdin=subprocess.PIPE)
    assert proc.stdin is not None
    out = proc.stdin
    blobs: dict[bytes, int] = {}
    mark = previous = 0
    for i, commit in enumerate(commits):
        refs = []
        for path, data in commit.changes.items():
            key = hashlib.sha1(data).digest()
            if key not in blobs:
                mark += 1
                blobs[key] = mark
                out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
            refs.append(f"M 100644 :{blobs[key]} {path}\n".encode())
        mark += 1
        who = f"{commit.who.name} <{commit.who.email}> {_stamp(commit.when)}"
        message = utf8(commit.message)
        out.write(f"commit refs/heads/main\nmark :{mark}\nauthor {who}\ncommitter {who}\n".encode())
        out.write(b"data %d\n%s\n" % (len(message), message))
        if previous:
            out.write(b"from :%d\n" % previous)
        out.write(b"".join(refs) + b"\n")
        if i == 0:
            out.write(f"reset refs/tags/{tag}\nfrom :{mark}\n\n".encode())
        previous = mark
    out.write(b"done\n")
    out.close()
    if proc.wait() != 0:
        raise RuntimeError("git fast-import failed")
