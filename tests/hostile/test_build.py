"""build/ and its caches as an attacker or an unlucky user leaves them: planted pickles,
damaged state files and documents, a build/ that cannot be written, two renders at once, a
render killed in the middle. Every case runs the real command in a subprocess (conftest's
`attempt`) on a copy of the demo round."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from tests.hostile.conftest import QIANGHUI, TIMEOUT, assert_refused, attempt, snapshot

DOCUMENTS = 32          # what `render` makes of the demo round


# -- helpers -------------------------------------------------------------------------------------

def settle(root: Path) -> None:
    """Age every input by an hour (a file changed in the last 2 s is never trusted by the replay)."""
    past = time.time() - 3600
    for path in root.rglob("*"):
        os.utime(path, (past, past), follow_symlinks=False)


@pytest.fixture
def keyed(tmp_path: Path) -> dict[str, str]:
    """An environment whose cache key lives in a fresh user cache folder of this test."""
    return {"XDG_CACHE_HOME": str(tmp_path / "user-cache"), "QIANGHUI_CACHE_KEY": ""}


@pytest.fixture
def rendered(demo: Path, keyed: dict[str, str]) -> Path:
    """The demo round rendered once, its inputs settled so the replay stamp is kept."""
    settle(demo)
    done = attempt(demo, "render", env=keyed)
    assert done.returncode == 0, done.stdout + done.stderr
    return demo


def documents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "build").rglob("*")) if p.suffix in (".docx", ".xlsx")}


def read_back(root: Path) -> None:
    """Every .docx in build/ opens with python-docx and has text."""
    found = sorted((root / "build").rglob("*.docx"))
    assert len(found) >= DOCUMENTS - 1
    for path in found:
        assert any(p.text.strip() for p in Document(str(path)).paragraphs), path


def written(output: str) -> int:
    """How many documents a render says it wrote."""
    line = next(line for line in output.splitlines() if line.startswith("生成 "))
    return int(line.split()[1])


class Planted:
    """A pickle that, when loaded, creates its marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[..., object], tuple[str, str]]:
        return open, (str(self.marker), "w")


def planted(marker: Path, how: str, name: str) -> bytes:
    body = pickle.dumps(Planted(marker))
    if how == "bare":                    # what the old cache format would have run at once
        return body
    if how == "forged":                  # a tag of the right size, not made with the key
        return os.urandom(32) + body
    other = hmac.new(b"another user's key, not ours!!", name.encode() + b"\0", hashlib.sha256)
    other.update(body)
    return other.digest() + body         # authentic, for someone else


def plant_everywhere(root: Path, marker: Path, how: str) -> int:
    stores = sorted((root / "build" / ".cache").glob("*.pickle"))
    for store in stores:
        store.write_bytes(planted(marker, how, store.name))
    return len(stores)


# -- 1. a cache format that cannot execute --------------------------------------------------------

HOW = ("bare", "forged", "other-key")


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("command", ["validate", "render", "run"])
def test_a_planted_pickle_never_runs(demo: Path, keyed: dict[str, str], tmp_path: Path,
                                     command: str, how: str) -> None:
    first = attempt(demo, command, env=keyed)
    marker = tmp_path / "pwned"
    assert plant_everywhere(demo, marker, how) >= 3            # program, societies, people
    again = attempt(demo, command, env=keyed)
    assert not marker.exists(), "a planted pickle was executed"
    assert again.returncode == first.returncode == 0, again.stdout + again.stderr
    if command == "validate":
        assert again.stdout == first.stdout
    else:
        assert "Traceback" not in again.stderr
        read_back(demo)


@pytest.mark.parametrize("how", HOW)
def test_a_planted_cache_cannot_hide_a_broken_people_list(demo: Path, keyed: dict[str, str],
                                                          tmp_path: Path, how: str) -> None:
    """The attack of the issue: a cache file named for the broken file, so validation is
    skipped. Its name is computable (content hash + engine fingerprint); it is still a miss."""
    from pipeline.state.engine import fingerprint

    people = demo / "config/people.yaml"
    people.write_text("人员: 不是一个列表\n", encoding="utf-8")
    digest = hashlib.sha256(people.read_bytes()).hexdigest()
    name = f"people-{digest[:40]}-{fingerprint()}.pickle"
    marker = tmp_path / "pwned"
    (demo / "build/.cache").mkdir(parents=True)
    (demo / "build/.cache" / name).write_bytes(planted(marker, how, name))
    text = assert_refused(attempt(demo, "validate", env=keyed), 1, "config/people.yaml")
    assert not marker.exists() and "人员" in text


def test_a_planted_pickle_never_runs_in_check_history(tmp_path: Path, keyed: dict[str, str]) -> None:
    from tests.gitrepo import STRANGER, isolated_env, make_repo

    repo = make_repo(tmp_path / "repo")
    repo.replace("submissions/2022/hbjx/application.yaml", "项目联系人: 李华", "项目联系人: 李四")
    repo.commit(STRANGER, "陌生人的修改")
    env = {**isolated_env(), **keyed}
    first = attempt(repo.root, "check-history", env=env)
    assert first.returncode == 1 and "someone@example.com" in first.stdout + first.stderr
    marker = tmp_path / "pwned"
    assert plant_everywhere(repo.root, marker, "bare") >= 1      # the parsed people list
    again = attempt(repo.root, "check-history", env=env)
    assert not marker.exists()
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)


def test_the_key_lives_outside_the_repository(demo: Path, keyed: dict[str, str]) -> None:
    assert attempt(demo, "validate", env=keyed).returncode == 0
    key = Path(keyed["XDG_CACHE_HOME"]) / "qianghui" / "cache-key"
    assert key.is_file() and len(key.read_bytes()) == 32
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not [p for p in demo.rglob("*") if "key" in p.name]
    stores = list((demo / "build/.cache").glob("*.pickle"))
    assert stores and all(b"cache-key" not in p.read_bytes() for p in stores)


def test_one_key_given_to_ci_jobs_shares_their_caches(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.state import pickles, secret

    store = tmp_path / "build/.cache/x-1.pickle"
    try:
        monkeypatch.setenv(secret.ENV, "one key for the whole pipeline")
        secret.key.cache_clear()
        pickles.save_pickle(store, {"cached": 1})
        secret.key.cache_clear()
        assert pickles.load_pickle(store) == {"cached": 1}
        monkeypatch.setenv(secret.ENV, "another pipeline's own key")
        secret.key.cache_clear()
        assert pickles.load_pickle(store) is None
        copy = store.with_name("y-1.pickle")            # a valid file under another name
        shutil.copyfile(store, copy)
        monkeypatch.setenv(secret.ENV, "one key for the whole pipeline")
        secret.key.cache_clear()
        assert pickles.load_pickle(copy) is None
    finally:
        secret.key.cache_clear()


def test_a_pdf_planted_in_the_cache_is_never_placed(rendered: Path, keyed: dict[str, str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDF cache is named by the .docx's hash (reproducible, so computable): a forged PDF
    there must not become the 申报表.pdf beside the real document."""
    from pipeline.documents import pdf
    from pipeline.state import secret

    monkeypatch.setenv("XDG_CACHE_HOME", keyed["XDG_CACHE_HOME"])
    monkeypatch.delenv(secret.ENV, raising=False)
    secret.key.cache_clear()
    docx = rendered / "build/2022/hbjx/申报表.docx"
    office = shutil.which("false") or "/bin/false"          # a converter that always fails
    cache = rendered / "build/.cache/pdf"
    cache.mkdir(parents=True)
    forged = b"%PDF-1.4 forged"
    name = f"{pdf.cache_key(docx.read_bytes(), office)}.pdf"
    for body in (forged, os.urandom(32) + forged):
        (cache / name).write_bytes(body)
        try:
            result = pdf.convert([docx], cache, program=office)
        finally:
            secret.key.cache_clear()
        assert not docx.with_suffix(".pdf").exists() and list(result.failed) == [docx]


# -- 2. every state file read defensively --------------------------------------------------------

STATE = {"manifest": "build/2022/hbjx/.manifest.json", "stamp": "build/.stamp-render.json",
         "status": "build/status.json", "site-rows": "build/.cache/site-rows.json"}


def damage_state(path: Path, how: str, outside: Path) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    if how == "truncated":
        path.write_text('{"projects": {"2022/hbjx": [1, ', encoding="utf-8")
    elif how == "wrong-types":
        path.write_text(json.dumps({"key": 7, "outputs": "all", "rows": [], "registry": {},
                                    "申报表.docx": {"a": None}, "projects": {"x": 1}}),
                        encoding="utf-8")
    elif how == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    elif how == "binary":
        path.write_bytes(b"\xff\xfe\x00garbage\x80" * 1000)
    elif how == "folder":
        path.mkdir()
        (path / "inside").write_text("{}", encoding="utf-8")
    elif how == "fifo":
        os.mkfifo(path)
    elif how == "link-out":
        path.symlink_to(outside)


DAMAGE = ("truncated", "wrong-types", "deep", "binary", "folder", "fifo", "link-out")


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_state_file_is_a_miss(rendered: Path, keyed: dict[str, str], tmp_path: Path,
                                        how: str) -> None:
    """Every state file damaged the same way at once: `render` reads the stamp, the manifests
    and status.json, `site` the kept rows; each is a miss, and the documents come out the same."""
    assert attempt(rendered, "site", env=keyed).returncode == 0
    before = documents(rendered)
    outside = tmp_path / "outside.json"
    outside.write_text('{"projects": {}, "rows": {}, "registry": []}', encoding="utf-8")
    kept = outside.read_bytes()
    for rel in STATE.values():
        damage_state(rendered / rel, how, outside)
    for command in ("render", "site"):
        done = attempt(rendered, command, env=keyed, timeout=60)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert documents(rendered) == before             # the same documents, byte for byte
    assert outside.read_bytes() == kept              # a link out is never written through
    for rel in STATE.values():                       # each rewritten as a file of ours
        assert stat.S_ISREG(os.lstat(rendered / rel).st_mode), rel
    read_back(rendered)


# -- 3. damage always recovered ------------------------------------------------------------------

def same_size_damage(path: Path) -> None:
    """Flip bytes in the middle, keeping the size and the modification time."""
    info = path.stat()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    path.write_bytes(bytes(data))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def truncate(path: Path) -> None:
    info = path.stat()
    with path.open("r+b") as stream:
        stream.truncate(info.st_size // 3)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


@pytest.mark.parametrize("damage", [same_size_damage, truncate], ids=["altered", "truncated"])
@pytest.mark.parametrize("target", ["build/2022/hbjx/申报表.docx", "build/2022/立项名单.docx",
                                    "build/2022/登记表.xlsx"])
def test_a_damaged_document_is_rebuilt(rendered: Path, keyed: dict[str, str], target: str,
                                       damage: Callable[[Path], None]) -> None:
    assert "沿用上次的结果" in attempt(rendered, "render", env=keyed).stdout    # the replay is kept
    before = documents(rendered)
    damage(rendered / target)
    done = attempt(rendered, "render", env=keyed)
    assert done.returncode == 0 and written(done.stdout) == 1, done.stdout + done.stderr
    assert documents(rendered) == before
    assert "沿用上次的结果" in attempt(rendered, "render", env=keyed).stdout


def test_build_restored_from_a_copy_is_not_rebuilt(rendered: Path, keyed: dict[str, str]) -> None:
    """New inodes and times, the same bytes (a CI cache, a shared folder): nothing to redo."""
    build = rendered / "build"
    shutil.copytree(build, rendered / "copy", symlinks=True)
    shutil.rmtree(build)
    (rendered / "copy").rename(build)
    done = attempt(rendered, "render", env=keyed)
    assert done.returncode == 0 and "沿用上次的结果" in done.stdout, done.stdout + done.stderr


# -- 4. build/ that cannot be written ------------------------------------------------------------

def test_build_that_is_a_file(demo: Path) -> None:
    (demo / "build").write_text("not a folder", encoding="utf-8")
    before = snapshot(demo)
    for command in ("render", "run"):
        assert_refused(attempt(demo, command), 1, "build")
    assert snapshot(demo) == before and (demo / "build").read_text(encoding="utf-8") == "not a folder"


def test_a_year_folder_linked_out_of_the_repository(demo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "zz").mkdir(parents=True)
    (outside / "zz" / "别人的.docx").write_bytes(b"someone else's")
    (demo / "build").mkdir()
    (demo / "build/2022").symlink_to(outside, target_is_directory=True)
    before = snapshot(demo)
    assert_refused(attempt(demo, "render"), 1, "build/2022", "链接")
    assert sorted(p.name for p in outside.rglob("*")) == ["zz", "别人的.docx"]
    assert snapshot(demo) == before


@pytest.mark.parametrize("target", ["/dev/full", "outside"])
def test_a_document_that_is_a_link_is_replaced_not_followed(rendered: Path, keyed: dict[str, str],
                                                           tmp_path: Path, target: str) -> None:
    document = rendered / "build/2022/hbjx/申报表.docx"
    before = document.read_bytes()
    pointed = Path(target) if target.startswith("/") else tmp_path / target
    if not pointed.exists():
        pointed.write_bytes(b"not yours to overwrite")
    kept = None if target.startswith("/") else pointed.read_bytes()
    document.unlink()
    document.symlink_to(pointed)
    done = attempt(rendered, "render", env=keyed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not document.is_symlink() and document.read_bytes() == before
    if kept is not None:
        assert pointed.read_bytes() == kept


def namespace() -> list[str]:
    """The command prefix that gives a private mount namespace (root, or a user namespace)."""
    prefix = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-Urm"]
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not available")
    probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30, check=False)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.decode(errors='replace')}")
    return prefix


def mounted(root: Path, mount: str, *args: str, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    """`qianghui -C root ARGS…` with build/ replaced by ``mount`` (a shell snippet that mounts
    on "$B") in a private mount namespace: the machine's mounts are never touched."""
    script = f'B="$1"; shift; {mount} && exec "$@"'
    proc = subprocess.run([*namespace(), "sh", "-c", script, "sh", str(root / "build"),
                           str(QIANGHUI), "-C", str(root), *args], capture_output=True,
                          timeout=TIMEOUT, env={**os.environ, **(env or {})}, check=False)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


def test_a_full_disk(demo: Path) -> None:
    (demo / "build").mkdir()
    before = snapshot(demo)
    done = mounted(demo, 'mount -t tmpfs -o size=96k tmpfs "$B"', "render")
    text = assert_refused(done, 1, "build/", "磁盘空间已满")
    assert "OSError" not in text and snapshot(demo) == before


def test_a_read_only_build(rendered: Path, keyed: dict[str, str]) -> None:
    (rendered / "submissions/2022/hbjx/application.yaml").write_text(
        (rendered / "submissions/2022/hbjx/application.yaml").read_text(encoding="utf-8")
        .replace("项目联系人: 李华", "项目联系人: 李四"), encoding="utf-8")
    before = snapshot(rendered, skip=(".git",))
    done = mounted(rendered, 'mount --bind "$B" "$B" && mount -o remount,ro,bind "$B"',
                   "render", env=keyed)
    assert_refused(done, 1, "build/", "只读")
    assert snapshot(rendered, skip=(".git",)) == before


def test_the_site_never_writes_through_a_link(rendered: Path, keyed: dict[str, str],
                                             tmp_path: Path) -> None:
    assert attempt(rendered, "site", env=keyed).returncode == 0
    site = rendered / "build/site"
    index = site / "index.html"
    index.unlink()
    os.mkfifo(index)                                   # reading it would block for ever
    done = attempt(rendered, "site", env=keyed, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert stat.S_ISREG(os.lstat(index).st_mode)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(site / "2022")
    (site / "2022").symlink_to(outside, target_is_directory=True)
    assert_refused(attempt(rendered, "site", env=keyed), 1, "build/site/2022", "链接")
    assert list(outside.iterdir()) == []


# -- 5. concurrent renders -----------------------------------------------------------------------

def start(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([str(QIANGHUI), "-C", str(root), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


def test_two_renders_at_once(demo: Path, keyed: dict[str, str]) -> None:
    settle(demo)
    both = [start(demo, "render", env=keyed) for _ in range(2)]
    outputs = [proc.communicate(timeout=TIMEOUT) for proc in both]
    texts = [(out + err).decode("utf-8", "replace") for out, err in outputs]
    assert [proc.returncode for proc in both] == [0, 0], texts
    assert any("另一个生成正在进行" in text for text in texts), texts
    assert all("Traceback" not in text for text in texts)
    read_back(demo)
    after = attempt(demo, "render", env=keyed)
    assert "生成 0 个文档" in after.stdout or "沿用上次的结果" in after.stdout, after.stdout
    assert not list((demo / "build").rglob("*.tmp"))


def test_render_while_watch_runs(demo: Path, keyed: dict[str, str]) -> None:
    watcher = start(demo, "watch", env=keyed)
    try:
        deadline = time.monotonic() + TIMEOUT
        while not (demo / "build/status.json").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        application = demo / "submissions/2022/hbjx/application.yaml"
        text = application.read_text(encoding="utf-8")
        renders = []
        for _ in range(3):                  # saves (the watcher reruns) while renders run
            renders.append(start(demo, "render", env=keyed))
            application.write_text(text, encoding="utf-8")
            time.sleep(0.5)
        for proc in renders:
            out, err = proc.communicate(timeout=TIMEOUT)
            assert proc.returncode == 0 and b"Traceback" not in err, (out + err).decode()
    finally:
        watcher.send_signal(signal.SIGINT)
        try:
            watcher.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.communicate()
    read_back(demo)
    final = attempt(demo, "render", env=keyed)
    assert final.returncode == 0, final.stdout + final.stderr
    read_back(demo)


# -- 6. killing the render's parent leaves no workers ---------------------------------------------

def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_parent_leaves_no_worker(tmp_path: Path, keyed: dict[str, str]) -> None:
    from bench.generate import generate

    root = tmp_path / "round"
    generate(root, 60, commits=0)
    proc = subprocess.Popen([str(QIANGHUI), "-C", str(root), "render"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, **keyed})
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and proc.poll() is None:
            workers = {pid for pid in children(proc.pid) if alive(pid)}
            if len(workers) >= 2 and any((root / "build").rglob("*.docx")):
                break
            time.sleep(0.05)
        assert workers and proc.poll() is None, "the render never started its workers"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if alive(pid)], "workers outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        for pid in workers:             # a failing run leaves no orphan behind either
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    done = attempt(root, "render", env=keyed)           # and the next render repairs build/
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
