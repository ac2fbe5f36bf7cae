"""The central repository's git hooks: `qianghui hook pre-receive` and `qianghui hook post-receive`.

pre-receive judges a push before git moves any ref, and refuses all of it on any problem:

1. refs: the default branch (main, and whatever HEAD names) only moves forward and is never
   deleted; the record of receipt (`vcs.RECEIVED`) is the server's alone; a tag a program's 规则起始 names (at the current or the pushed main) never moves or
   disappears, and is created only on a commit already on main — except in the very first push
   into an empty repository, where main and its round tags arrive together;
2. rights: the commits new to the server, after the programs' 规则起始 (resolved against the
   pushed tags too), by `check_range`, deadlines judged on the server's clock (now), whatever
   the commits' own dates say;
3. content: the forms the push touches, validated at its tip (`pipeline.history.gate`);
4. the commits it accepted and when, written to a file under the repository's folder: git
   forbids ref updates inside pre-receive, so post-receive turns the file into notes on
   `vcs.RECEIVED` (the first receipt of a commit wins), which `check-history` reads.

QIANGHUI_SERVER_TIME (ISO 8601) sets the server's "now" — for tests only: a pusher cannot set a
hook's environment, only whoever installs the hook can.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pipeline.atomic import write_text
from pipeline.errors import QianghuiError
from pipeline.history.check import check_range, missing_start, programs_at, rules_limits, start_of
from pipeline.history.gate import content_problems
from pipeline.history.vcs import RECEIVED, Vcs
from schemas.program import Program

MAIN = "refs/heads/main"
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
STALE = 24 * 3600           # seconds after which a refused push's leftover record is removed


@dataclass(frozen=True)
class Update:
    """One line of a hook's input: a ref moving from `old` to `new` (all zeros: none)."""

    old: str
    new: str
    ref: str

    @property
    def created(self) -> bool:
        return set(self.old) == {"0"}

    @property
    def deleted(self) -> bool:
        return set(self.new) == {"0"}


def parse_updates(text: str) -> list[Update]:
    """The `<old> <new> <ref>` lines git gives a receive hook on stdin."""
    updates = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 3 or not (_SHA.match(parts[0]) and _SHA.match(parts[1])):
            raise QianghuiError(f"钩子的输入无法识别：「{line}」（应为 git 传给钩子的“旧 新 引用名”）")
        updates.append(Update(*parts))
    return updates


def server_now() -> datetime:
    """The server's clock (QIANGHUI_SERVER_TIME overrides it: for tests only)."""
    text = os.environ.get("QIANGHUI_SERVER_TIME")
    if not text:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError as e:
        raise QianghuiError(f"QIANGHUI_SERVER_TIME「{text}」不是 ISO 8601 时间") from e
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def default_branches(vcs: Vcs) -> set[str]:
    return {MAIN} | ({head} if (head := vcs.head_ref()) else set())


def start_tags(programs: Iterable[Program]) -> set[str]:
    """The tag refs the programs' 规则起始 name (a commit id names no ref)."""
    names = {p.rules_from for p in programs if p.rules_from}
    return {name if name.startswith("refs/") else f"refs/tags/{name}"
            for name in names if not _SHA.match(name)}


def ref_problems(vcs: Vcs, updates: list[Update], refs: dict[str, str],
                 tags: set[str]) -> list[str]:
    """What the push does to the protected refs that is not allowed."""
    branches = default_branches(vcs)
    on_main = [refs[b] for b in branches if b in refs]
    if not refs:                                     # the first push: main arrives with its tags
        on_main = [u.new for u in updates if u.ref in branches and not u.deleted]
    found = []
    for u in updates:
        if u.ref == RECEIVED:
            found.append(f"{u.ref}：服务器收到提交的时间只能由服务器自己记录，不能推送")
        elif u.ref in branches:
            if u.deleted:
                found.append(f"{u.ref}：不能删除主分支")
            elif not u.created and not vcs.is_ancestor(u.old, u.new):
                found.append(f"{u.ref}：不能改写主分支的历史（强制推送 / 非快进更新），"
                             f"请先 git pull 合并中央仓库的提交再推送")
        elif u.ref in tags:
            if not u.created:
                found.append(f"{u.ref}：年度的规则起始标签不能{'删除' if u.deleted else '移动'}"
                             f"（它决定从哪里开始检查历史）")
                continue
            commit = vcs.resolve(u.new)
            if commit is None or not any(vcs.is_ancestor(commit, tip) for tip in on_main):
                found.append(f"{u.ref}：规则起始标签只能打在中央仓库主分支上已有的提交上"
                             f"（先推送 main，再推送标签）")
    return found


def pre_receive(vcs: Vcs, text: str, out: TextIO) -> int:
    """Judge a push (see the module's docstring); 0 accepts it, 1 refuses it."""
    updates = parse_updates(text)
    now = server_now()
    refs = vcs.refs()
    branches = default_branches(vcs)
    current = next((refs[b] for b in sorted(branches) if b in refs), None)
    pushed = next((u.new for u in updates if u.ref in branches and not u.deleted), None)
    before, after = programs_at(vcs, current), programs_at(vcs, pushed)
    problems = ref_problems(vcs, updates, refs, start_tags(before + after))
    for problem in problems:
        print(f"qianghui: 推送被拒绝：{problem}", file=out)
    if problems:
        return 1
    tips = {u.ref: u.new for u in updates if not u.deleted}
    known = sorted(set(refs.values()), key=lambda sha: (sha != current, sha))    # main first
    existing = [f"^{sha}" for sha in known]
    ruling = before or after        # the rules in force; a new program's start counts from the next push
    limits = rules_limits(vcs, ruling, tips, strict=False)
    refused = False
    for u in updates:
        if not u.deleted and vcs.resolve(u.new) is not None:
            refused |= judge_update(vcs, u, [u.new, *existing, *limits], now, out)
    hint_missing_starts(vcs, before + after, tips, out)
    if refused:
        print("qianghui: 中央仓库没有改动；被拒绝的提交仍在你的电脑上：改正后 git commit --amend，"
              "或 git reset --soft HEAD~1 撤销后重新提交（见 README「推送被拒绝时怎么办」）", file=out)
        return 1
    record(vcs, text, vcs.commits(tips.values(), refs.values()), now)
    print("qianghui: 推送通过检查", file=out)
    return 0


def hint_missing_starts(vcs: Vcs, programs: list[Program], tips: dict[str, str],
                        out: TextIO) -> None:
    """Name the command that creates a 规则起始 tag no ref (nor this push) has yet."""
    starts = {p.year: p.rules_from for p in programs if p.rules_from}
    for year, name in sorted(starts.items()):
        if start_of(vcs, name, tips) is None:
            print(f"qianghui: 提示：{missing_start(year, name)}", file=out)


def judge_update(vcs: Vcs, u: Update, revs: list[str], now: datetime, out: TextIO) -> bool:
    """Rights and content of one ref's new commits; True when they refuse the push."""
    print(f"qianghui: 检查 {u.ref} 的新提交 ...", file=out)
    violations = check_range(vcs, revs, received=now)
    for v in violations:
        print(v.format(), file=out)
    problems = content_problems(vcs, revs, u.new, now.date(), vcs.cache_root)
    for problem in problems:
        print(problem.format(), file=out)
    if violations:
        print(f"qianghui: 推送被拒绝：{u.ref} 中有 {len(violations)} 处违反权限规则的提交（见上）", file=out)
    if problems:
        print(f"qianghui: 推送被拒绝：{u.ref} 带来的已提交材料或审核文件有 {len(problems)} 个错误（见上）",
              file=out)
    return bool(violations or problems)


# -- the record of receipt ---------------------------------------------------------------------

def pending(vcs: Vcs, text: str) -> Path:
    """Where pre-receive leaves what it accepted for post-receive: both hooks read the same
    input, so its hash names the push (pushes running at once do not mix)."""
    git_dir = Path(vcs.run("rev-parse", "--absolute-git-dir").strip())
    return git_dir / "qianghui" / f"received-{hashlib.sha256(text.encode()).hexdigest()}.txt"


def record(vcs: Vcs, text: str, commits: list[str], now: datetime) -> None:
    stamp = now.astimezone(UTC).isoformat(timespec="seconds")
    write_text(pending(vcs, text), "".join(f"{sha} {stamp}\n" for sha in commits))


def post_receive(vcs: Vcs, text: str, out: TextIO) -> int:
    """Record when the server received each commit pre-receive accepted (notes on RECEIVED)."""
    path = pending(vcs, text)
    clean_stale(path.parent)
    if not path.exists():
        return 0
    lines = (line.partition(" ") for line in path.read_text(encoding="ascii").splitlines())
    notes = {sha: stamp for sha, _, stamp in lines if stamp}
    for attempt in range(3):            # another push may have moved the notes ref meanwhile
        try:
            vcs.add_notes(RECEIVED, notes, "qianghui: 服务器收到提交的时间")
            break
        except QianghuiError:
            if attempt == 2:
                raise
            time.sleep(0.2)
    path.unlink()
    return 0


def clean_stale(folder: Path) -> None:
    """Remove the records of pushes refused after pre-receive (post-receive never ran)."""
    if not folder.is_dir():
        return
    for old in folder.glob("received-*.txt"):
        try:
            if time.time() - old.stat().st_mtime > STALE:
                old.unlink()
        except OSError:
            continue


HOOKS = {"pre-receive": pre_receive, "post-receive": post_receive}
