"""What the git hosts read from the repository: CODEOWNERS and the LFS rules."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.core.layout import Layout
from pipeline.forms.loading import read_model
from pipeline.history.codeowners import codeowners
from schemas.registry import People
from tests.gitrepo import QIANGHUI, ROOT, TIMEOUT, run_git

ATTACHMENT_TYPES = ("zip", "rar", "doc", "docx", "png", "jpg", "jpeg")


def people() -> People:
    lay = Layout(ROOT)
    return read_model(lay, lay.people, "people", People)


def rules(text: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split()[1:] for line in text.splitlines()
            if line and not line.startswith("#")}


def test_society_folders_go_to_their_users_and_reviews_to_admins_and_experts() -> None:
    found = rules(codeowners(people()))
    admins = ["wangqiang@hbkx.example.org", "zhaomin@hbkx.example.org"]
    assert found["/submissions/*/hbjx/"] == ["lihua@hbjx.example.org"]
    assert "/submissions/*/hbsl/" not in found           # 马超 is disabled: the admins' default
    assert found["*"] == admins
    assert found["/reviews/*/*/"][:2] == admins and "huangliping@ccnu.example.edu.cn" in \
        found["/reviews/*/*/"]
    assert found["/reviews/*/*/decision.yaml"] == admins
    assert found["/pipeline/"] == ["dev@qianghui.example.org"]
    by_name = rules(codeowners(people(), usernames=True))
    assert by_name["/submissions/*/hbjx/"] == ["@li-hbjx"]


def test_the_command_writes_checks_and_keeps_the_file(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "config").mkdir(parents=True)
    (root / "config" / "people.yaml").write_bytes((ROOT / "config" / "people.yaml").read_bytes())

    def qh(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(QIANGHUI), "-C", str(root), "codeowners", *args],
                              capture_output=True, text=True, timeout=TIMEOUT)

    assert qh("--check").returncode == 1
    done = qh()
    assert done.returncode == 0 and "已写入 CODEOWNERS" in done.stdout
    assert qh("--check").returncode == 0
    assert "已是最新" in qh().stdout
    (root / "config" / "people.yaml").write_text("人员: [", encoding="utf-8")
    before = (root / "CODEOWNERS").read_bytes()
    done = qh()
    assert done.returncode == 1 and "config/people.yaml" in done.stderr
    assert "Traceback" not in done.stderr
    assert (root / "CODEOWNERS").read_bytes() == before


@pytest.mark.parametrize("ext", [*ATTACHMENT_TYPES, *(e.upper() for e in ATTACHMENT_TYPES)])
def test_every_attachment_type_goes_through_lfs(ext: str, tmp_path: Path) -> None:
    run_git(tmp_path, "init", "-q")
    (tmp_path / ".gitattributes").write_bytes((ROOT / ".gitattributes").read_bytes())
    for path in (f"submissions/2022/hbjx/files/附件.{ext}", f"submissions/2022/hbjx/盖章页.{ext}"):
        done = run_git(tmp_path, "check-attr", "filter", "--", path)
        assert done.stdout.strip().endswith("filter: lfs"), done.stdout
    assert run_git(tmp_path, "check-attr", "filter", "--",
                   "submissions/2022/hbjx/application.yaml").stdout.strip().endswith("unspecified")


def test_hosts_documentation_names_what_it_must() -> None:
    text = (ROOT / "docs" / "HOSTS.md").read_text(encoding="utf-8")
    for needle in ("gitaly hooks set", "custom_hooks/pre-receive", "GL-HOOK-ERR:",
                   "DISABLE_GIT_HOOKS", "git lfs install", "LFS_START_SERVER", "CODEOWNERS",
                   "GIT_DEPTH: 0", "qianghui diff", "--shard"):
        assert needle in text, needle
