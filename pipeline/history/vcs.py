"""The git adapter, the only user of git and of GitPython: history read in one pass, file
contents, commits, identity, the central repository's refs and notes.

GitPython's `Repo` finds the repository (a work tree, or the bare repository a hook runs in);
commands go through its `Git` runner — plain ones whole, and the two streams the history check
lives on with `as_process`: `git diff-tree --stdin` over the listed commits (one process per
core, the first part judged while git still writes it) and one `git cat-file --batch` with
blob requests pipelined (asked ahead, read in order). Every GitCommandError is turned into a
Chinese QianghuiError here, at the boundary. Only commands that need git import this module
(GitPython costs 60 ms to import).

Long because every git command the engine runs is here, each with its parsing.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import git
from git.exc import InvalidGitRepositoryError, NoSuchPathError

from pipeline.errors import QianghuiError
from pipeline.history.streams import ZERO as _ZERO
from pipeline.history.streams import Blobs, _DiffTree, converted

# Every field a user can shape (names, e-mails, subjects: git allows any byte but NUL in them)
# ends in a NUL, and the output is read with -z: a record is parsed by position, never by a
# character that could occur inside a field.
_FIELDS = ["%H", "%P", "%an", "%ae", "%aI", "%cI", "%s"]
_FORMAT = "".join(f"{f}%x00" for f in _FIELDS)
_LIST = ["%H", "%P"]                        # the listing: id and parents ...
_SIGNED = ["%G?", "%GS", "%GF"]             # ... and signature status, signer, key
_GIT = ["git", "-c", "core.quotePath=false"]
# git's delta-base cache (96 MB by default) costs more in page faults than it saves when
# trees are read commit after commit; see docs/PERFORMANCE.md.
_READER = ["core.quotePath=false", "core.deltaBaseCacheLimit=16m"]
RECEIVED = "refs/notes/qianghui-received"     # the central server's receipt of each commit
CHUNK_MIN = 250          # commits; a smaller range is read by one process


class Change(NamedTuple):
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
    key: str = ""           # %GF: the fingerprint of the key that made the signature
    received: datetime | None = None     # when the central server received it (its note)
    unrelated: bool = False     # a first commit of another history, inside a judged range


class Vcs:
    """A git repository (a work tree, or the bare repository a hook runs in)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._blobs: Blobs | None = None
        try:
            self.repo = git.Repo(root, search_parent_directories=True)
        except (InvalidGitRepositoryError, NoSuchPathError) as e:
            raise QianghuiError(f"{root} 不是 git 仓库：请在申报仓库的目录里运行") from e
        self.bare = self.repo.bare
        self.git = git.Git(root)        # commands run where the user's paths are relative to
        # GitPython runs git in the C locale; the user's own hooks (run by `git commit`) keep theirs
        self.git.update_environment(LANGUAGE=os.environ.get("LANGUAGE", ""),
                                    LC_ALL=os.environ.get("LC_ALL", ""))

    def __enter__(self) -> Vcs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, *args: str, stdin: bytes | None = None) -> str:
        """Run one git command (with Chinese paths unquoted); failures become QianghuiError."""
        with tempfile.TemporaryFile() if stdin is not None else _no_file() as source:
            if source is not None and stdin is not None:
                source.write(stdin)
                source.seek(0)
            with converted(args[0]):
                out = self.git.execute([*_GIT, *args], istream=source, stdout_as_string=False,
                                       strip_newline_in_stdout=False)
        return bytes(out).decode("utf-8", "replace")

    def stream(self, command: str, *args: str, istream: Any) -> Any:
        """A git process whose output is read as it comes (GitPython's as_process)."""
        with converted(command):
            return getattr(self.git(c=_READER), command.replace("-", "_"))(
                *args, as_process=True, istream=istream)

    def resolve(self, rev: str) -> str | None:
        """The commit id a revision names, or None when it names no commit. The name reaches
        git after --end-of-options, so one that looks like an option is still only a name."""
        try:
            out = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        except QianghuiError:
            return None
        return out.strip() or None

    def kind_of(self, rev: str) -> str | None:
        """The type of the object a name points at, tags peeled (commit, tree, blob), None if
        nothing."""
        try:
            sha = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{}}").strip()
            return self.run("cat-file", "-t", sha).strip() if sha else None
        except QianghuiError:
            return None

    def merge_bases(self, one: str, other: str) -> list[str]:
        """Every best common ancestor of two commit ids (none for unrelated histories)."""
        try:
            return self.run("merge-base", "--all", one, other).split()
        except QianghuiError:           # exit 1: no common ancestor
            return []

    def log(self, revs: Sequence[str], *, signers: Path | None = None,
            paths: Sequence[str] = (), workers: int = 1) -> Log:
        """Every commit of `revs` (touching `paths`), oldest first, with what each changed; a
        merge lists only what differs from all its parents (what the merge itself introduced).

        The commits are listed once (`git log`, which alone reads SSH signatures with the
        repository's gpg settings), then their changes are read by up to
        `workers` `git diff-tree --stdin` processes running side by side, each over a
        contiguous part; the first part is consumed while it is produced."""
        prefix = ["-c", f"gpg.ssh.allowedSignersFile={signers}"] if signers else []
        fields = _LIST + (_SIGNED if signers else [])
        out = self.run(*prefix, "log", "-z", "--reverse", "--format=" + "%x00".join(fields),
                       "--end-of-options", *revs, "--", *paths)
        listing = grouped(out.split("\0"), len(fields))
        return Log(base_of(listing), self._changes(listing, paths, workers))

    def _changes(self, listing: list[list[str]], paths: Sequence[str],
                 workers: int) -> Iterator[Commit]:
        shas = [entry[0] for entry in listing]
        if not shas:
            return
        signatures = {entry[0]: (entry[2] or "N", entry[3], entry[4])
                      for entry in listing if len(entry) == 5}
        received = self.received(shas)
        command = ["--stdin", "--always", "--root", "-r", "--raw", "--cc", "-z",
                   "--no-renames", "--no-abbrev", f"--format={_FORMAT}", "--", *paths]
        parts = max(1, min(workers, len(shas) // CHUNK_MIN))
        size = -(-len(shas) // parts)
        with tempfile.TemporaryDirectory(prefix="qianghui-log-") as tmp:
            readers: list[_DiffTree] = []
            try:
                for i in range(0, len(shas), size):
                    readers.append(_DiffTree(self, command, shas[i:i + size],
                                             Path(tmp) / str(i), i == 0))
                for reader in readers:
                    for commit in parse_log(reader.tokens()):
                        commit.signature, commit.signer, commit.key = signatures.get(
                            commit.sha, ("N", "", ""))
                        commit.received = received.get(commit.sha)
                        yield commit
            finally:
                for reader in readers:
                    reader.close()

    def shallow_hint(self) -> str:
        """What to do when a revision is missing from a shallow clone (a CI job's default)."""
        try:
            shallow = self.run("rev-parse", "--is-shallow-repository").strip() == "true"
        except QianghuiError:
            return ""
        if not shallow:
            return ""
        return ("：本仓库是浅克隆（只取回了最近几个提交），请先取回完整历史：git fetch --unshallow"
                "（GitLab CI 中设置变量 GIT_DEPTH: 0；GitHub/Gitea Actions 的 checkout 设 fetch-depth: 0）")

    def tip(self, revs: Sequence[str]) -> str:
        """The newest commit a range names (`A..B` → B; `X ^Y` → X)."""
        if any(rev.lstrip("^").startswith("-") for rev in revs):     # never an option to git
            raise QianghuiError(f"提交范围「{' '.join(revs)}」中有以 - 开头的版本名")
        try:
            out = self.run("rev-parse", "--revs-only", "--end-of-options", *revs)
        except QianghuiError as e:
            raise QianghuiError(f"提交范围「{' '.join(revs)}」无效，本仓库中没有这些版本"
                                f"（{e.message.partition('：')[2]}）{self.shallow_hint()}") from e
        for line in out.splitlines():
            if line and not line.startswith("^"):
                return line.strip()
        raise QianghuiError(f"提交范围「{' '.join(revs)}」中没有提交")

    def changes_of(self, path: str, rev: str, excluded: Sequence[str]) -> list[tuple[str, str, str]]:
        """The commits up to `rev` (minus `excluded`) that changed one file, newest first, as
        (blob before, blob after, author e-mail)."""
        out = self.run("log", "-z", f"--format={_FORMAT}", "--raw", "--no-abbrev", "--no-renames",
                       "--end-of-options", rev, *excluded, "--", path)
        return [(change.old_blob, change.new_blob, commit.email)
                for commit in parse_log(iter(out.split("\0"))) for change in commit.changes]

    def tree_blobs(self, rev: str, paths: Sequence[str] = ()) -> dict[str, str]:
        """path → blob id of every file at a revision (or of `paths` only), one `ls-tree`."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev, *paths)
        blobs = {}
        for entry in out.split("\0"):
            meta, _, path = entry.partition("\t")
            if path:
                blobs[path] = meta.split()[2]
        return blobs

    def last_changes(self, rev: str) -> dict[str, tuple[str, datetime]]:
        """path → (id, committer date) of the latest commit up to `rev` that changed it."""
        out = self.run("log", "-z", "--no-renames", "--raw", "--no-abbrev", f"--format={_FORMAT}",
                       "--end-of-options", rev, "--")
        found: dict[str, tuple[str, datetime]] = {}
        for commit in parse_log(iter(out.split("\0"))):
            for change in commit.changes:
                found.setdefault(change.path, (commit.sha, commit.committed))
        return found

    @property
    def cache_root(self) -> Path:
        """The folder caches go under: build/ in a work tree, qianghui/cache in a bare
        repository's own folder (the hook's: it may write files there, never refs)."""
        return self.root / "qianghui" / "cache" if self.bare else self.root / "build"

    def cache_file(self, name: str) -> Path:
        """Where a cached result is kept."""
        from pipeline.state.engine import fingerprint

        return self.cache_root / ".cache" / f"{name}-{fingerprint()}.pickle"

    @property
    def blobs(self) -> Blobs:
        if self._blobs is None:
            self._blobs = Blobs(self)
        return self._blobs

    def blob(self, sha: str) -> bytes:
        """The content of one blob (read through the shared `cat-file --batch` process)."""
        return self.blobs.get(sha)

    def prefetch(self, shas: Iterable[str]) -> None:
        """Ask for blobs that will be read soon, so git reads them while we work."""
        self.blobs.ask(shas)

    def close(self) -> None:
        if self._blobs is not None:
            self._blobs.close()
            self._blobs = None

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
        rels = self._relative(paths)
        self.run("add", "--", *rels)
        self.run("commit", "-q", "-m", message, "--", *rels)
        return self.run("rev-parse", "HEAD").strip()

    def index_entries(self, paths: Sequence[Path]) -> dict[str, str]:
        """path → its index entry ("mode blob stage"), for every file staged under `paths`."""
        out = self.run("ls-files", "--stage", "-z", "--", *self._relative(paths))
        pairs = [entry.partition("\t") for entry in out.split("\0") if entry]
        conflicted = sorted({path for meta, _, path in pairs if meta.split()[2] != "0"})
        if conflicted:
            raise QianghuiError(f"{'、'.join(conflicted)} 有未解决的合并冲突：请先解决冲突（git status 查看），"
                                "再运行本命令")
        return {path: meta for meta, _, path in pairs}

    def restage(self, before: dict[str, str], paths: Sequence[Path]) -> None:
        """Put the index under `paths` back to `before` (index_entries' answer): entries that
        changed get their old value, entries that were not there are removed (mode 0)."""
        now = self.index_entries(paths)
        if now == before:
            return              # nothing was staged (a locked index refused `git add`)
        lines = [f"{meta}\t{path}" for path, meta in before.items() if now.get(path) != meta]
        lines += [f"0 {_ZERO}\t{path}" for path in now if path not in before]
        self.run("update-index", "-z", "--index-info", stdin="\0".join(lines).encode() + b"\0")

    def _relative(self, paths: Sequence[Path]) -> list[str]:
        return [str(p.resolve().relative_to(self.root.resolve())) for p in paths]

    def dirty(self, path: Path) -> bool:
        """Whether a file has changes not yet committed."""
        rel = str(path.resolve().relative_to(self.root.resolve()))
        return bool(self.run("status", "--porcelain", "--", rel).strip())

    # -- the central repository: its refs, its record of receipt, files at a revision --------
    def refs(self) -> dict[str, str]:
        """Every ref and the object it points at (one `for-each-ref`)."""
        out = self.run("for-each-ref", "--format=%(objectname)%00%(refname)")
        pairs = (line.partition("\0") for line in out.split("\n") if line)
        return {name: sha for sha, _, name in pairs}

    def head_ref(self) -> str | None:
        """The branch HEAD names (a bare repository's default branch), None when detached."""
        try:
            return self.run("symbolic-ref", "-q", "HEAD").strip() or None
        except QianghuiError:
            return None

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether `older` is `newer` or one of its ancestors."""
        with converted("merge-base"):
            # any revision does (it is handed to `git merge-base --is-ancestor`)
            return bool(self.repo.is_ancestor(older, newer))  # type: ignore[arg-type]

    def commits(self, tips: Iterable[str], exclude: Iterable[str]) -> list[str]:
        """The commits reachable from `tips` but from none of `exclude` (revisions on stdin: a
        server may hold thousands of refs)."""
        revs = [*tips, *(f"^{sha}" for sha in exclude)]
        out = self.run("rev-list", "--stdin", stdin=("\n".join(revs) + "\n").encode())
        return out.split()

    def received(self, shas: Iterable[str]) -> dict[str, datetime]:
        """commit → when the central server received it, for those of `shas` it has a note of
        (RECEIVED): one `git notes list` (empty without the ref), the notes of `shas` alone
        read through the shared cat-file."""
        wanted = set(shas)
        listing = [line.split() for line in self.run("notes", f"--ref={RECEIVED}", "list").splitlines()]
        pairs = [(commit, note) for note, commit in (entry for entry in listing if len(entry) == 2)
                 if commit in wanted]
        self.prefetch(note for _, note in pairs)
        found = {}
        for commit, note in pairs:
            try:
                found[commit] = datetime.fromisoformat(self.blob(note).decode("ascii").strip())
            except (UnicodeDecodeError, ValueError):
                continue            # not written by the hook: the committer date decides
        return found

    def add_notes(self, ref: str, notes: dict[str, str], message: str) -> None:
        """Add one note per commit on `ref` in a single commit (`git fast-import`, which picks
        the fan-out itself); a commit that already has a note keeps it (the first one wins)."""
        parent = self.resolve(ref)
        have = {line.split()[1] for line in self.run("notes", f"--ref={ref}", "list").splitlines()
                if len(line.split()) == 2}
        todo = {commit: text for commit, text in notes.items() if commit not in have}
        if not todo:
            return
        body = message.encode()
        stream = [b"commit " + ref.encode(), b"committer qianghui <qianghui@localhost> now",
                  b"data %d" % len(body), body]
        if parent:
            stream.append(b"from " + parent.encode())
        for commit, text in todo.items():
            data = text.encode()
            stream += [b"N inline " + commit.encode(), b"data %d" % len(data), data]
        self.run("fast-import", "--quiet", "--date-format=now", stdin=b"\n".join(stream) + b"\n\n")

    def extract(self, rev: str, paths: Sequence[str], dest: Path) -> list[str]:
        """Write the regular files under `paths` (files or folders) as they are at `rev` into
        `dest`, and return their paths; works in a bare repository, which has no work tree.

        Written by hand from one `ls-tree` and the shared cat-file rather than `git archive`
        and tarfile: archive walks the whole tree whatever the pathspecs (ten times slower at
        5,000 projects). Only plain files are written, so no link can lead out of `dest`; a
        symlink or submodule is left out (a form naming it then finds no file), and a path git
        would not check out (`..`, `.git`, empty parts) is refused."""
        out = (self.run("ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev, *paths)
               if paths else "")
        files = []
        for entry in out.split("\0"):
            meta, _, path = entry.partition("\t")
            if not path or meta.split()[0] not in ("100644", "100755"):
                continue
            if any(part in ("", ".", "..", ".git") for part in path.split("/")):
                raise QianghuiError(f"{rev[:10]} 中有不允许的路径「{path}」")
            files.append((path, meta.split()[2]))
        self.prefetch(blob for _, blob in files)
        for path, blob in files:
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.blob(blob))
        return [path for path, _ in files]

class Log:
    """The commits of a range, oldest first (iterate once), and `base`: the commit the range
    grows from — the first parent outside the range of its oldest commit that has one — or
    None when the range reaches back to a first commit of the repository."""

    def __init__(self, base: str | None, commits: Iterator[Commit]) -> None:
        self.base = base
        self._commits = commits

    def __iter__(self) -> Iterator[Commit]:
        return self._commits


def grouped(tokens: list[str], size: int) -> list[list[str]]:
    """NUL-separated fields of `git log -z` in records of `size` (the last NUL ends nothing)."""
    if tokens and tokens[-1] == "" and len(tokens) % size == 1:
        tokens = tokens[:-1]
    if len(tokens) % size:
        raise QianghuiError("无法读取 git log 的输出（字段数不对）：git 版本或仓库可能有问题")
    return [tokens[i:i + size] for i in range(0, len(tokens), size)]


def base_of(listing: list[list[str]]) -> str | None:
    """The first parent outside the listed commits, in listing order (oldest first)."""
    listed = {entry[0] for entry in listing}
    for entry in listing:
        for parent in entry[1].split():
            if parent not in listed:
                return parent
    return None


_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)      # a date no deadline can be after
_ISO = re.compile(r"^(\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)([+-])(\d\d):(\d\d)$")


def parse_log(tokens: Iterator[str]) -> Iterator[Commit]:
    """Commits from the NUL-separated output of `git log`/`git diff-tree -z --raw` in our
    format: the header's fields by position, then each raw entry (":modes blobs status") and
    its path. Every field may hold any character but NUL, so nothing a user wrote can shift
    a field; output that does not parse is a clear error, never a wrong commit."""
    commit: Commit | None = None
    header: list[str] = []
    meta: str | None = None
    for token in tokens:
        if meta is not None:
            assert commit is not None
            commit.changes.append(_change(meta, token))
            meta = None
        elif header:
            header.append(token)
            if len(header) == len(_FIELDS):
                commit, header = _commit(header), []
        elif commit is not None and token.lstrip("\n").startswith(":"):
            meta = token.lstrip("\n")
        elif token.strip():
            if commit is not None:
                yield commit
            commit, header = None, [token]
    if header or meta is not None:
        raise QianghuiError("git 的输出不完整（读取提交历史时中断）")
    if commit is not None:
        yield commit


def _commit(header: list[str]) -> Commit:
    sha, parents, author, email, authored, committed, subject = header
    if not _SHA.match(sha) or not all(_SHA.match(p) for p in parents.split()):
        raise QianghuiError(f"无法读取 git 的输出：「{sha[:40]}」不是提交 id（提交信息中可能有 NUL 字符）")
    return Commit(sha, parents.split(), author, email, parse_date(authored),
                  parse_date(committed), "N", "", subject)


def _change(meta: str, path: str) -> Change:
    parts = meta.lstrip(":").split()
    n = (len(parts) - 3) // 2          # modes and blobs: one per parent, plus ours
    blobs = parts[n + 1:2 * n + 2]
    return Change(parts[-1][0], path, blobs[0], blobs[-1])


def parse_date(text: str) -> datetime:
    """git's strict ISO date; one Python cannot hold (a year past 9998, an offset of 24 hours
    or more: git records whatever it is given) is still read exactly when it can be, else it
    is FAR_FUTURE — a commit whose date cannot be read is never on time."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    found = _ISO.match(text)
    if found is None or int(found[1]) > 9998:
        return FAR_FUTURE
    y, mo, d, h, mi, sec = (int(found[i]) for i in range(1, 7))
    try:
        local = datetime(y, mo, d, h, mi, sec, tzinfo=UTC)
    except ValueError:
        return FAR_FUTURE
    offset = timedelta(hours=int(found[8]), minutes=int(found[9]))
    return local - offset if found[7] == "+" else local + offset


class _no_file:
    """No standard input (a stand-in for the temporary file that holds one)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def is_absent(blob: str) -> bool:
    return blob == _ZERO
