"""Whose rights are in force for a commit of the history walk: nobody acts on rights they gave
themselves (DESIGN §6).

A person's entry in config/people.yaml (role, society, 启用, e-mails, keys) takes effect once
someone else has made it: a commit is judged on the newest version of the people list that its
author did not make himself. An admin who makes himself 专家, in one commit or in the commit
before his score sheet, still has the rights of the version before; when a second admin then
changes anything in the list, the whole list as it stands is his version and counts for
everyone but him. The versions of the setup (before a program's 规则起始) are trusted as a whole.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from schemas.registry import People, Person

PEOPLE = "config/people.yaml"


@dataclass(frozen=True)
class Version:
    """One version of the people list, and the person who made it (None: trusted setup)."""

    blob: str
    author: str | None


class Rights:
    """The people-list versions that matter at one point of the walk: the newest, and the newest
    made by someone other than the newest's author."""

    def __init__(self, load: Callable[[str], People | None], versions: Sequence[Version]) -> None:
        self._load = load
        self._versions = list(versions[:2])

    def person(self, email: str) -> tuple[Person | None, str]:
        """The author's entry in force, and why none is when it is None."""
        if not self._versions:
            return None, "作者邮箱未在 config/people.yaml 中登记（以提交前的版本为准）"
        top = self._versions[0]
        people = self._load(top.blob)
        found = people.by_email(email) if people else None
        if found is None:
            return None, "作者邮箱未在 config/people.yaml 中登记（以提交前的版本为准）"
        if top.author is None or top.author != found.id:
            return found, ""
        below = self._load(self._versions[1].blob) if len(self._versions) > 1 else None
        before = below.by_email(email) if below else None
        if before is None:
            return None, (f"{found.name}在 config/people.yaml 中的登记是本人所加，"
                          "须由另一位管理员确认（由他人再提交一次人员名单）后才生效")
        return before, ""

    def record(self, blob: str | None, email: str) -> None:
        """A commit by `email` left the people list at `blob` (None: deleted)."""
        if blob is None:
            self._versions = []
            return
        people = self._load(blob)
        before = self._load(self._versions[0].blob) if self._versions else None
        made_by = next((found for p in (people, before) if p
                        for found in [p.by_email(email)] if found), None)
        author = made_by.id if made_by else "?" + email.strip().lower()
        if self._versions and self._versions[0].author == author:
            self._versions[0] = Version(blob, author)
        else:
            self._versions.insert(0, Version(blob, author))
        del self._versions[2:]


def start(current: str | None, changes: Sequence[tuple[str, str, str]],
          load: Callable[[str], People | None]) -> list[Version]:
    """The versions in force at the start of a walk. `current` is the people list's blob there;
    `changes` are the commits that changed it since the setup, newest first, as (blob before,
    blob after, author e-mail): the setup's own version is trusted as a whole."""
    if current is None:
        return []
    found: list[Version] = []
    setup = current
    for old, new, email in changes:
        setup = old
        people = load(new)
        person = people.by_email(email) if people else None
        author = person.id if person else "?" + email.strip().lower()
        if found and found[-1].author == author:
            continue
        found.append(Version(new, author))
        if len(found) == 2:
            return found
    found.append(Version(setup, None))
    return found


def fingerprint(public_key: str) -> str:
    """OpenSSH's SHA256 fingerprint of a public key line (what git's %GF shows), or ""."""
    parts = public_key.split()
    if len(parts) < 2:
        return ""
    try:
        raw = base64.b64decode(parts[1], validate=True)
    except ValueError:
        return ""
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")
