"""Revisions and ranges a user types (check-history's range, diff's BASE and HEAD), parsed here
and verified one name at a time, so that no word reaches git as an option.

A range is split into words (`A..B`, `A...B`, `^A B`, as git reads them); every name in it is
looked up alone with `rev-parse --verify --end-of-options <name>^{commit}`, and git is given
only the commit ids that come back. A name that looks like an option (`--output=FILE`) or is
empty is refused before git sees it: a usage error (exit 2) naming it.
"""

from __future__ import annotations

from pipeline.errors import QianghuiError, UsageError
from pipeline.history.vcs import Vcs

EXAMPLES = "如 origin/main..HEAD、HEAD~3..HEAD、round-2022..main"


def checked_name(name: str, where: str) -> str:
    """A revision name as typed, refused when it cannot be one (option-like, blank, control
    characters): git would read `-…` as an option, and no ref or revision starts with `-`."""
    if not name.strip():
        raise UsageError(f"{where}中有空的版本名（{EXAMPLES}）")
    if name.startswith("-"):
        raise UsageError(f"{where}中的「{name}」像是一个选项，不是版本名：版本名不能以 - 开头（{EXAMPLES}）")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise UsageError(f"{where}中的版本名「{name!r}」含有控制字符")
    return name


def commit_of(vcs: Vcs, name: str, where: str) -> str | None:
    """The commit id one typed name points at, None when this repository has none."""
    return vcs.resolve(checked_name(name, where))


def range_revs(vcs: Vcs, text: str) -> list[str]:
    """The commit ids (`^id` for the excluded) of a range as typed, each side verified."""
    where = f"提交范围「{text}」"
    words = text.split()
    if not words:
        raise UsageError(f"提交范围是空的：请给出范围（{EXAMPLES}），或不给参数检查规则起始之后的全部")
    revs = [rev for word in words for rev in _word(vcs, word, where, text)]
    if all(rev.startswith("^") for rev in revs):
        raise UsageError(f"{where}只排除了提交，没有给出要检查的版本（{EXAMPLES}）")
    return revs


def _word(vcs: Vcs, word: str, where: str, text: str) -> list[str]:
    def side(name: str) -> str:
        found = commit_of(vcs, name or "HEAD", where)
        if found is None:
            raise QianghuiError(absent(vcs, name or "HEAD", where))
        return found

    if "..." in word:
        one, _, other = word.partition("...")
        left, right = side(one), side(other)
        return [left, right, *(f"^{base}" for base in vcs.merge_bases(left, right))]
    if ".." in word:
        older, _, newer = word.partition("..")
        return [side(newer), f"^{side(older)}"]
    if word.startswith("^"):
        return [f"^{side(checked_name(word[1:], where))}"]
    return [side(word)]


def absent(vcs: Vcs, name: str, where: str) -> str:
    """Why a well-formed name names no commit here: nothing by that name, or not a commit (a
    tag on a tree or a blob), or a shallow clone that lacks it."""
    kind = vcs.kind_of(name)
    if kind is not None:
        return f"{where}无效：「{name}」指向的是 {kind}，不是提交"
    return f"{where}无效：本仓库中没有版本「{name}」{vcs.shallow_hint()}"
