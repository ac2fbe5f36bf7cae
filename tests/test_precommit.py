"""pre-commit, for real (pre-commit from PyPI, real temporary repositories): this repository's
.pre-commit-config.yaml blocks a bad commit with the Chinese message and lets a good one (with
attachments) through; .pre-commit-hooks.yaml works for a repository that uses the engine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import isolated_env, run_git

REPO = Path(__file__).resolve().parent.parent
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
APP = "submissions/2022/hbjx/application.yaml"

pytestmark = [pytest.mark.slow,     # pre-commit installs its environment
              pytest.mark.skipif(not PRE_COMMIT.exists(),
                                reason="pre-commit is not installed (pip install -e '.[dev]')")]


def env(home: Path) -> dict[str, str]:
    found = isolated_env()
    found.update(PRE_COMMIT_HOME=str(home), GIT_AUTHOR_NAME="李华", GIT_AUTHOR_EMAIL="lihua@hbjx.example.org",
                 GIT_COMMITTER_NAME="李华", GIT_COMMITTER_EMAIL="lihua@hbjx.example.org")
    return found


def run(root: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*args], cwd=root, env=env(home), text=True, capture_output=True,
                          timeout=600)


def demo(root: Path) -> Path:
    """The demo round in a fresh repository, nothing committed yet."""
    root.mkdir(parents=True)
    run_git(root, "init", "-q", "-b", "main")
    for name in ("config", "submissions", "reviews", "schemas"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (".gitattributes", ".gitignore"):
        shutil.copyfile(REPO / name, root / name)
    return root


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def test_this_repositorys_hook_blocks_bad_commits_and_passes_good_ones(
        tmp_path: Path, home: Path) -> None:
    root = demo(tmp_path / "round")
    shutil.copyfile(REPO / ".pre-commit-config.yaml", root / ".pre-commit-config.yaml")
    (root / "hooks").mkdir()
    shutil.copyfile(REPO / "hooks" / "pre-commit-validate", root / "hooks" / "pre-commit-validate")
    (root / ".venv").symlink_to(REPO / ".venv")
    assert run(root, home, str(PRE_COMMIT), "install").returncode == 0

    run_git(root, "add", "-A", env=env(home))
    first = run(root, home, "git", "commit", "-q", "-m", "演示年度")        # every file, in batches
    assert first.returncode == 0, first.stdout + first.stderr
    assert "qianghui" in first.stdout + first.stderr or first.stdout == ""

    every = run(root, home, str(PRE_COMMIT), "run", "--all-files", "--verbose")
    assert every.returncode == 0, every.stdout + every.stderr
    batches = every.stdout.count("个文件，0 个错误")
    assert batches >= min(os.cpu_count() or 1, 2), every.stdout     # parallel batches, all clean

    head = run_git(root, "rev-parse", "HEAD", env=env(home)).stdout
    text = (root / APP).read_text(encoding="utf-8")
    (root / APP).write_text(text.replace("联系电话: 027-87654321", "联系电话: 12345"), encoding="utf-8")
    run_git(root, "add", APP, env=env(home))
    bad = run(root, home, "git", "commit", "-q", "-m", "改电话")
    assert bad.returncode != 0
    assert "「12345」不是有效的手机号或固定电话" in bad.stdout + bad.stderr
    assert f"{APP}:10:7:" in bad.stdout + bad.stderr
    assert run_git(root, "rev-parse", "HEAD", env=env(home)).stdout == head

    (root / APP).write_text(text, encoding="utf-8")
    files = root / "submissions/2022/hbjx/files"
    (files / "会议记录.yaml").write_text("不是表单: [\n", encoding="utf-8")     # an attachment
    shutil.copyfile(files / "盖章页.png", files / "活动9.png")
    run_git(root, "add", "-A", env=env(home))
    good = run(root, home, "git", "commit", "-q", "-m", "改回电话，加附件")
    assert good.returncode == 0, good.stdout + good.stderr
    assert run_git(root, "rev-parse", "HEAD", env=env(home)).stdout != head


def engine_repository(root: Path) -> Path:
    """The engine as another repository would pin it: its package, schemas and hook list."""
    root.mkdir()
    run_git(root, "init", "-q", "-b", "main")
    for name in ("pipeline", "schemas"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml"):
        shutil.copyfile(REPO / name, root / name)
    run_git(root, "add", "-A")
    run_git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "engine")
    return root


@pytest.mark.skipif(os.environ.get("QIANGHUI_OFFLINE") == "1", reason="QIANGHUI_OFFLINE=1: no PyPI")
def test_published_hook_for_other_repositories(tmp_path: Path, home: Path) -> None:
    engine = engine_repository(tmp_path / "engine")
    root = demo(tmp_path / "round")
    run_git(root, "add", "-A")
    ok = run(root, home, str(PRE_COMMIT), "try-repo", str(engine), "qianghui-validate", "--all-files")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    text = (root / APP).read_text(encoding="utf-8")
    (root / APP).write_text(text.replace("申报资助金额: 20000", "申报资助金额: 30000"), encoding="utf-8")
    run_git(root, "add", APP)
    bad = run(root, home, str(PRE_COMMIT), "try-repo", str(engine), "qianghui-validate", "--files", APP)
    assert bad.returncode == 1
    assert "超过每个项目的资助上限" in bad.stdout
