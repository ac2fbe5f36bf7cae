"""Line endings never matter: a Windows checkout (core.autocrlf=true) of the demo round says
exactly what a POSIX one says, whether .gitattributes keeps the YAML as LF or not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import isolated_env, run_git

from pipeline.forms.yamlio import content_hash, load_bytes
from pipeline.history.snapshot import Tree
from pipeline.history.vcs import Vcs

REPO = Path(__file__).resolve().parent.parent
QIANGHUI = Path(sys.executable).with_name("qianghui")
APPLICATION = "submissions/2022/hbjx/application.yaml"


def test_hash_reads_crlf_as_lf() -> None:
    lf = (REPO / APPLICATION).read_bytes()
    crlf = lf.replace(b"\n", b"\r\n")
    assert content_hash(crlf) == content_hash(lf)
    assert load_bytes(crlf, "x").sha256 == load_bytes(lf, "x").sha256
    assert content_hash(lf + b" ") != content_hash(lf)     # content still counts


def origin(root: Path, *, keep_lf: bool) -> Path:
    """A repository holding the demo round; with `keep_lf`, the project's .gitattributes."""
    root.mkdir()
    run_git(root, "init", "-q", "-b", "main")
    for name in ("config", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    if keep_lf:
        shutil.copyfile(REPO / ".gitattributes", root / ".gitattributes")
    run_git(root, "add", "-A")
    run_git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "demo")
    return root


def qianghui(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(QIANGHUI), *args], cwd=root, text=True, capture_output=True,
                          env=isolated_env(), timeout=120)


@pytest.mark.parametrize("keep_lf", [True, False], ids=["gitattributes", "no-gitattributes"])
def test_windows_clone_agrees_with_posix(tmp_path: Path, keep_lf: bool) -> None:
    source = origin(tmp_path / "origin", keep_lf=keep_lf)
    windows = tmp_path / "windows"
    run_git(tmp_path, "-c", "core.autocrlf=true", "clone", "-q", str(source), str(windows))
    run_git(windows, "config", "core.autocrlf", "true")
    checked_out = (windows / APPLICATION).read_bytes()
    assert (b"\r\n" in checked_out) is not keep_lf       # eol=lf keeps YAML as LF on Windows
    assert run_git(windows, "status", "--porcelain").stdout == ""

    posix, crlf = qianghui(source, "validate"), qianghui(windows, "validate")
    assert crlf.returncode == posix.returncode == 0, crlf.stdout + crlf.stderr
    assert crlf.stdout == posix.stdout
    assert qianghui(windows, "list", "--json").stdout == qianghui(source, "list", "--json").stdout

    # the history walk hashes the LF blob; the working file's hash (what review writes) agrees
    tree = Tree(Vcs(windows), {APPLICATION: run_git(windows, "rev-parse", f"HEAD:{APPLICATION}").stdout.strip()})
    assert tree.sha256(APPLICATION) == content_hash(checked_out)


def test_gitattributes_keep_yaml_lf() -> None:
    done = run_git(REPO, "check-attr", "eol", "--", APPLICATION, "config/people.yaml",
                   env=isolated_env())
    assert done.stdout.count("eol: lf") == 2, done.stdout
