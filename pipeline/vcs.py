"""The only GitPython user: history read in one pass, file contents, commits, identity."""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.errors import QianghuiError

_FIELDS = ["%H", "%P", "%an", "%ae", "%aI", "%cI", "%G?", "%GS", "%s"]
_FORMAT = "%x1e" + "%x1f".join(_FIELDS)
_ZERO = "0" * 40


@dataclass(frozen=True)
class Change:
    """One file changed by a commit: status letter (A/M/D/T), path, blob ids before and after."""

    status: str
    path: str
    old_blob: str
    new_blob: str


@dataclass
class Commit:
    """One commit of the history pass, with its changes."""

    sha: str
    parents: list[str]
    author: str
    email: str
    authored: datetime
    committed: datetime
    signature: str          # %G?: G good, B bad, U good but untrusted, N none, E cannot check …
    signer: str             # %GS: the principal (e-mail) the good signature belongs to
    subject: str
    changes: list[Change] = field(default_factory=list)


class Vcs:
    """A git repository, reached through GitPython."""

    def __init__(self, root: Path) -> None:
        import git

        try:
            self.repo = git.Repo(root)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as e:
            raise QianghuiError(f"{root} 不是 git 仓库：请在申报仓库的目录里运行") from e
        self.root = root
        self._git = git

    def run(self, *args: str) -> str:
        """Run one git command (with Chinese paths unquoted); failures become QianghuiError."""
        try:
            return str(self.repo.git.execute(["git", "-c", "core.quotePath=false", *args],
                                             strip_newline_in_stdout=False))
        except self._git.GitCommandError as e:
            detail = (e.stderr or "").strip().splitlines()
            raise QianghuiError(f"git {args[0]} 失败：{detail[-1] if detail else e}") from e

    def resolve(self, rev: str) -> str | None:
        """The commit id a revision names, or None when it does not exist."""
        try:
            return str(self.repo.rev_parse(f"{rev}^{{commit}}").hexsha)
        except (self._git.BadName, ValueError, self._git.GitCommandError):
            return None

    def log(self, revs: Sequence[str], *, signers: Path | None = None,
            paths: Sequence[str] = ()) -> Iterator[Commit]:
        """Every commit of `revs` (touching `paths`), oldest first, in one pass; a merge lists only
        what differs from all its parents (what the merge itself introduced)."""
        fmt = _FORMAT if signers else _FORMAT.replace("%G?", "N").replace("%GS", "")
        prefix = ["-c", f"gpg.ssh.allowedSignersFile={signers}"] if signers else []
        out = self.run(*prefix, "log", "--reverse", "--raw", "--cc", "--no-renames", "--no-abbrev",
                       f"--format={fmt}", *revs, "--", *paths)
        for record in out.split("\x1e")[1:]:
            yield parse_record(record)

    def tip(self, revs: Sequence[str]) -> str:
        """The newest commit a range names (`A..B` → B; `X ^Y` → X)."""
        for line in self.run("rev-parse", *revs).splitlines():
            if line and not line.startswith("^"):
                return line.strip()
        raise QianghuiError(f"提交范围「{' '.join(revs)}」中没有提交")

    def tree_blobs(self, rev: str) -> dict[str, str]:
        """path → blob id of every file at a revision (one `git ls-tree` call)."""
        out = self.run("ls-tree", "-r", "--full-tree", rev)
        blobs = {}
        for line in out.splitlines():
            meta, _, path = line.partition("\t")
            blobs[_unquote(path)] = meta.split()[2]
        return blobs

    def cache_file(self, name: str) -> Path | None:
        """Where a work tree keeps a cached result (None in a bare repository: the hook's)."""
        from pipeline.cache import schema_version

        if self.repo.bare:
            return None
        return self.root / "build" / ".cache" / f"{name}-{schema_version()}.pickle"

    def blob(self, sha: str) -> bytes:
        """The content of one blob (GitPython keeps one `cat-file --batch` process for these)."""
        return bytes(self.repo.odb.stream(bytes.fromhex(sha)).read())

    def file_at(self, rev: str, path: str) -> bytes | None:
        """A file's content at a revision, or None when it did not exist there."""
        try:
            return bytes(self.repo.commit(rev).tree[path].data_stream.read())
        except (KeyError, ValueError, self._git.BadName):
            return None

    def identity(self) -> tuple[str, str]:
        """Who git will record as the author (config, includes and GIT_AUTHOR_* all count)."""
        try:
            ident = self.run("var", "GIT_AUTHOR_IDENT")
        except QianghuiError as e:
            raise QianghuiError("git 没有设置作者：请运行 git config user.name 你的姓名 和 "
                                "git config user.email 你的邮箱") from e
        name, _, rest = ident.partition(" <")
        return name.strip(), rest.partition(">")[0].strip()

    def commit(self, paths: Sequence[Path], message: str) -> str:
        """Stage exactly `paths` and commit them (hooks and signing as the user configured)."""
        rels = [str(p.resolve().relative_to(self.root.resolve())) for p in paths]
        self.run("add", "--", *rels)
        self.run("commit", "-q", "-m", message, "--", *rels)
        return str(self.repo.head.commit.hexsha)

    def dirty(self, path: Path) -> bool:
        """Whether a file has changes not yet committed."""
        rel = str(path.resolve().relative_to(self.root.resolve()))
        return bool(self.run("status", "--porcelain", "--", rel).strip())


def parse_record(record: str) -> Commit:
    """One `git log --raw` record in our format → Commit."""
    header, _, raw = record.partition("\n")
    sha, parents, author, email, authored, committed, sig, signer, subject = header.split("\x1f")
    commit = Commit(sha, parents.split(), author, email, datetime.fromisoformat(authored),
                    datetime.fromisoformat(committed), sig or "N", signer, subject)
    for line in raw.splitlines():
        if line.startswith(":"):
            meta, _, path = line.partition("\t")
            parts = meta.lstrip(":").split()
            n = (len(parts) - 3) // 2          # modes and blobs: one per parent, plus ours
            blobs = parts[n + 1:2 * n + 2]
            commit.changes.append(Change(parts[-1][0], _unquote(path), blobs[0], blobs[-1]))
    return commit


def _unquote(path: str) -> str:
    if path.startswith('"') and path.endswith('"'):
        raw = codecs.escape_decode(path[1:-1].encode())[0]
        return bytes(raw).decode("utf-8", "replace")
    return path


def is_absent(blob: str) -> bool:
    return blob == _ZERO
