"""The only module that runs git: history read in one pass, file contents, commits, identity.

git is run directly (no wrapper library): the history check streams `git diff-tree` output
from one process per core and pipelines blob requests to one `git cat-file --batch`, which
no wrapper offers, and every other call is one git command whose output we parse anyway.
"""

from __future__ import annotations

import codecs
import subprocess
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, NamedTuple

from pipeline.errors import QianghuiError

_FORMAT = "%x1e" + "%x1f".join(["%H", "%P", "%an", "%ae", "%aI", "%cI", "%s"])
_LIST = "%H%x1f%G?%x1f%GS%x1f%GF"   # one line per commit: id, signature status, signer, key
_ZERO = "0" * 40
_GIT = ["git", "-c", "core.quotePath=false"]
# git's delta-base cache (96 MB by default) costs more in page faults than it saves when
# trees are read commit after commit; see docs/PERFORMANCE.md.
_READER = [*_GIT, "-c", "core.deltaBaseCacheLimit=16m"]
RECEIVED = "refs/notes/qianghui-received"     # the central server's receipt of each commit
CHUNK_MIN = 250          # commits; a smaller range is read by one process
WINDOW = 1000            # blob requests in flight (41 bytes each: far below a pipe's 64 KB)


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


class Vcs:
    """A git repository (a work tree, or the bare repository a hook runs in)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._blobs: Blobs | None = None
        try:
            bare = self.run("rev-parse", "--is-bare-repository").strip() if root.is_dir() else ""
        except QianghuiError:
            bare = ""
        if bare not in ("true", "false"):
            raise QianghuiError(f"{root} 不是 git 仓库：请在申报仓库的目录里运行")
        self.bare = bare == "true"

    def __enter__(self) -> Vcs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, *args: str, stdin: bytes | None = None) -> str:
        """Run one git command (with Chinese paths unquoted); failures become QianghuiError."""
        try:
            done = subprocess.run([*_GIT, *args], cwd=self.root, capture_output=True, input=stdin)
        except OSError as e:
            raise QianghuiError(f"无法运行 git：{e.strerror}（请先安装 git）") from e
        if done.returncode != 0:
            raise QianghuiError(f"git {args[0]} 失败：{_git_message(done.stderr)}")
        return done.stdout.decode("utf-8", "replace")

    def resolve(self, rev: str) -> str | None:
        """The commit id a revision names, or None when it does not exist."""
        try:
            return self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip() or None
        except QianghuiError:
            return None

    def log(self, revs: Sequence[str], *, signers: Path | None = None,
            paths: Sequence[str] = (), workers: int = 1) -> Iterator[Commit]:
        """Every commit of `revs` (touching `paths`), oldest first, with what each changed; a
        merge lists only what differs from all its parents (what the merge itself introduced).

        The commits are listed once (`git log`, which alone reads SSH signatures with the
        repository's gpg settings), then their changes are read by up to
        `workers` `git diff-tree --stdin` processes running side by side, each over a
        contiguous part; the first part is consumed while it is produced."""
        prefix = ["-c", f"gpg.ssh.allowedSignersFile={signers}"] if signers else []
        listing = self.run(*prefix, "log", "--reverse", f"--format={_LIST if signers else '%H'}",
                           *revs, "--", *paths).split("\n")
        listing = [line for line in listing if line]
        shas = [line.split("\x1f")[0] for line in listing]
        if not shas:
            return
        signatures = dict(_signature(line) for line in listing) if signers else {}
        received = self.received(shas)
        command = [*_READER, "diff-tree", "--stdin", "--always", "--root", "-r", "--raw", "--cc",
                   "--no-renames", "--no-abbrev", f"--format={_FORMAT}", "--", *paths]
        parts = max(1, min(workers, len(shas) // CHUNK_MIN))
        size = -(-len(shas) // parts)
        with tempfile.TemporaryDirectory(prefix="qianghui-log-") as tmp:
            readers: list[_DiffTree] = []
            try:
                for i in range(0, len(shas), size):
                    readers.append(_DiffTree(command, self.root, shas[i:i + size],
                                             Path(tmp) / str(i), i == 0))
                for reader in readers:
                    for record in reader.records():
                        commit = parse_record(record)
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
        try:
            out = self.run("rev-parse", *revs)
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
        out = self.run("log", "--format=%x1e%ae", "--raw", "--no-abbrev", "--no-renames", rev,
                       *excluded, "--", path)
        found = []
        for record in out.split("\x1e")[1:]:
            email, _, raw = record.partition("\n")
            for line in raw.splitlines():
                if line.startswith(":"):
                    parts = line.partition("\t")[0].split()
                    found.append((parts[2], parts[3], email.strip()))
        return found

    def tree_blobs(self, rev: str, paths: Sequence[str] = ()) -> dict[str, str]:
        """path → blob id of every file at a revision (or of `paths` only), one `ls-tree`."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", rev, "--", *paths)
        blobs = {}
        for entry in out.split("\0"):
            meta, _, path = entry.partition("\t")
            if path:
                blobs[path] = meta.split()[2]
        return blobs

    def last_changes(self, rev: str) -> dict[str, tuple[str, datetime]]:
        """path → (id, committer date) of the latest commit up to `rev` that changed it."""
        out = self.run("log", "--no-renames", "--format=%x1e%H%x1f%cI", "--name-only", rev)
        found: dict[str, tuple[str, datetime]] = {}
        for block in out.split("\x1e")[1:]:
            head, *paths = block.split("\n")
            sha, _, when = head.partition("\x1f")
            stamp = datetime.fromisoformat(when.strip())
            for path in paths:
                if path and path not in found:
                    found[path] = (sha, stamp)
        return found

    @property
    def cache_root(self) -> Path:
        """The folder caches go under: build/ in a work tree, qianghui/cache in a bare
        repository's own folder (the hook's: it may write files there, never refs)."""
        return self.root / "qianghui" / "cache" if self.bare else self.root / "build"

    def cache_file(self, name: str) -> Path:
        """Where a cached result is kept."""
        from pipeline.cache import schema_version

        return self.cache_root / ".cache" / f"{name}-{schema_version()}.pickle"

    @property
    def blobs(self) -> Blobs:
        if self._blobs is None:
            self._blobs = Blobs(self.root)
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
        rels = [str(p.resolve().relative_to(self.root.resolve())) for p in paths]
        self.run("add", "--", *rels)
        self.run("commit", "-q", "-m", message, "--", *rels)
        return self.run("rev-parse", "HEAD").strip()

    def dirty(self, path: Path) -> bool:
        """Whether a file has changes not yet committed."""
        rel = str(path.resolve().relative_to(self.root.resolve()))
        return bool(self.run("status", "--porcelain", "--", rel).strip())

    # -- the central repository: its refs, its record of receipt, files at a revision --------
    def refs(self) -> dict[str, str]:
        """Every ref and the object it points at (one `for-each-ref`)."""
        out = self.run("for-each-ref", "--format=%(refname) %(objectname)")
        pairs = (line.partition(" ") for line in out.splitlines() if line)
        return {name: sha for name, _, sha in pairs}

    def head_ref(self) -> str | None:
        """The branch HEAD names (a bare repository's default branch), None when detached."""
        try:
            return self.run("symbolic-ref", "-q", "HEAD").strip() or None
        except QianghuiError:
            return None

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether `older` is `newer` or one of its ancestors."""
        done = subprocess.run([*_GIT, "merge-base", "--is-ancestor", older, newer], cwd=self.root,
                              capture_output=True)
        if done.returncode > 1:
            raise QianghuiError(f"git merge-base 失败：{_git_message(done.stderr)}")
        return done.returncode == 0

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
        out = self.run("ls-tree", "-r", "-z", "--full-tree", rev, "--", *paths) if paths else ""
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

class _DiffTree:
    """One `git diff-tree --stdin` over a list of commits: streamed, or written to a file."""

    def __init__(self, command: list[str], cwd: Path, shas: list[str], base: Path,
                 stream: bool) -> None:
        Path(f"{base}.in").write_text("\n".join(shas) + "\n", encoding="ascii")
        self.out_path, self.err_path = Path(f"{base}.out"), Path(f"{base}.err")
        with open(f"{base}.in", "rb") as stdin, open(self.err_path, "wb") as stderr:
            out: IO[bytes] | int = subprocess.PIPE if stream else open(self.out_path, "wb")
            try:
                self.proc = subprocess.Popen(command, cwd=cwd, stdin=stdin, stdout=out,
                                             stderr=stderr)
            except OSError as e:
                raise QianghuiError(f"无法运行 git：{e.strerror}（请先安装 git）") from e
            finally:
                if not isinstance(out, int):
                    out.close()

    def records(self) -> Iterator[str]:
        """The records of the output in order (each starts after a \\x1e)."""
        stream = self.proc.stdout
        if stream is not None:
            yield from _split_records(iter(lambda: stream.read1(1 << 16), b""))  # type: ignore[attr-defined]
        self.proc.wait()
        if self.proc.returncode != 0:
            message = _git_message(self.err_path.read_bytes())
            raise QianghuiError(f"git diff-tree 失败：{message}")
        if self.proc.stdout is None:
            with open(self.out_path, "rb") as handle:
                yield from _split_records(iter(lambda: handle.read(1 << 16), b""))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _split_records(blocks: Iterator[bytes]) -> Iterator[str]:
    pending = b""
    for block in blocks:
        *done, pending = (pending + block).split(b"\x1e")
        for record in done:
            if record:
                yield record.decode("utf-8", "replace")
    if pending:
        yield pending.decode("utf-8", "replace")


class Blobs:
    """Blob contents from one `git cat-file --batch` process, with requests pipelined: ask for
    what will be needed, and git reads it while the caller works on what it already has."""

    def __init__(self, root: Path) -> None:
        try:
            self.proc = subprocess.Popen([*_READER, "cat-file", "--batch"], cwd=root,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
        except OSError as e:
            raise QianghuiError(f"无法运行 git：{e.strerror}（请先安装 git）") from e
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.store: dict[str, bytes | None] = {}
        self.asked: deque[str] = deque()          # requested, answers not read yet, in order
        self.pending: set[str] = set()

    def ask(self, shas: Iterable[str]) -> None:
        for sha in shas:
            if sha in self.store or sha in self.pending or sha == _ZERO:
                continue
            if len(self.asked) >= WINDOW:
                self._answer()
            self.stdin.write(sha.encode("ascii") + b"\n")
            self.asked.append(sha)
            self.pending.add(sha)

    def get(self, sha: str) -> bytes:
        if sha not in self.store:
            self.ask([sha])
            while sha not in self.store:
                self._answer()
        content = self.store[sha]
        if content is None:
            raise QianghuiError(f"git 仓库中缺少对象 {sha}（仓库可能不完整）")
        return content

    def _answer(self) -> None:
        """Read the answer to the oldest request."""
        self.stdin.flush()
        sha = self.asked.popleft()
        self.pending.discard(sha)
        header = self.stdout.readline().split()
        if len(header) != 3:        # "<sha> missing", or the process died
            self.store[sha] = None
            if not header:
                raise QianghuiError("git cat-file 意外退出")
            return
        size = int(header[2])
        self.store[sha] = self.stdout.read(size + 1)[:size]

    def close(self) -> None:
        try:
            self.stdin.close()
        except OSError:
            pass
        self.proc.kill()
        self.proc.wait()
        self.stdout.close()


def parse_record(record: str) -> Commit:
    """One `--raw` record in our format → Commit."""
    header, _, raw = record.partition("\n")
    sha, parents, author, email, authored, committed, subject = header.split("\x1f")
    commit = Commit(sha, parents.split(), author, email, datetime.fromisoformat(authored),
                    datetime.fromisoformat(committed), "N", "", subject)
    for line in raw.splitlines():
        if line.startswith(":"):
            meta, _, path = line.partition("\t")
            parts = meta.lstrip(":").split()
            n = (len(parts) - 3) // 2          # modes and blobs: one per parent, plus ours
            blobs = parts[n + 1:2 * n + 2]
            commit.changes.append(Change(parts[-1][0], _unquote(path), blobs[0], blobs[-1]))
    return commit


def _signature(line: str) -> tuple[str, tuple[str, str, str]]:
    sha, status, signer, key = (line.split("\x1f") + ["", "", ""])[:4]
    return sha, (status or "N", signer, key)


def _unquote(path: str) -> str:
    if path.startswith('"') and path.endswith('"'):
        raw = codecs.escape_decode(path[1:-1].encode())[0]
        return bytes(raw).decode("utf-8", "replace")
    return path


def _git_message(stderr: bytes) -> str:
    """What git said went wrong: its fatal/error line (hints and usage lines are not the
    reason), else its last line."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return lines[-1] if lines else "未知错误"


def is_absent(blob: str) -> bool:
    return blob == _ZERO
