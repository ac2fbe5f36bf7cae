"""The central repository's hook on a one-commit push, ready to be timed again and again.

A bare clone of a generated round gets the shipped hooks/pre-receive; one new commit (an
administrator's decision on an unreviewed application: accepted by the rules, validated at the
gate) is put into its object store without moving any ref, and the hook is run on the update
line git would give it for `git push origin main`. Nothing is changed by a run (pre-receive
only writes its note of what to record, the same file each time), so every run does the same
work: the refs, the rights of the new commit and the content it brings.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench import forms
from bench.generate import REPO, Generated, git_env

SERVER_TIME = "2022-06-01T10:00:00+08:00"       # the review period: after the deadline


@dataclass(frozen=True)
class HookPush:
    """A bare repository and the command that runs its pre-receive hook on one push."""

    git_dir: Path
    command: list[str]


def git(cwd: Path, *args: str, who: tuple[str, str] | None = None) -> str:
    env = git_env()
    if who:
        env.update(GIT_AUTHOR_NAME=who[0], GIT_AUTHOR_EMAIL=who[1], GIT_COMMITTER_NAME=who[0],
                   GIT_COMMITTER_EMAIL=who[1], GIT_AUTHOR_DATE=SERVER_TIME,
                   GIT_COMMITTER_DATE=SERVER_TIME)
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, check=True,
                          timeout=600)
    return done.stdout.decode("utf-8").strip()


def admin(root: Path) -> tuple[str, str, str]:
    """(id, name, e-mail) of an enabled administrator of the generated people list."""
    people = yaml.safe_load((root / "config" / "people.yaml").read_text(encoding="utf-8"))["人员"]
    person = next(p for p in people if p["角色"] == "管理员" and p.get("启用", "是") in ("是", True))
    email = person["邮箱"][0] if isinstance(person["邮箱"], list) else person["邮箱"]
    return person["id"], person["姓名"], email


def unreviewed(root: Path) -> str:
    """A submitted society without a decision yet."""
    for app in sorted(root.glob("submissions/2022/*/application.yaml")):
        society = app.parent.name
        if (not (root / "reviews/2022" / society / "decision.yaml").exists()
                and "状态: 已提交" in app.read_text(encoding="utf-8")):
            return society
    raise RuntimeError(f"{root}: no unreviewed submitted application to decide on")


def prepare(gen: Generated, qianghui: str) -> HookPush:
    """The bare repository of `gen` with its hook and one pending pushed commit."""
    root = gen.root
    central = root.parent / f"{root.name}-central.git"
    work = root.parent / f"{root.name}-pusher"
    for old in (central, work):
        shutil.rmtree(old, ignore_errors=True)
    git(root.parent, "clone", "-q", "--bare", str(root), str(central))
    git(root.parent, "clone", "-q", str(central), str(work))
    society = unreviewed(work)
    person_id, name, email = admin(work)
    app = (work / "submissions/2022" / society / "application.yaml").read_bytes()
    target = work / "reviews/2022" / society / "decision.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(forms.decision(forms.verdict(
        "申报", "通过", "材料齐全，同意提交专家评审。", person_id, "2022-06-01",
        hashlib.sha256(app).hexdigest())), encoding="utf-8")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", f"申报审核：{society} 通过", who=(name, email))
    old, new = git(central, "rev-parse", "refs/heads/main"), git(work, "rev-parse", "HEAD")
    git(work, "push", "-q", "origin", "HEAD:refs/bench/pushed")      # the objects, no hook yet
    git(central, "update-ref", "-d", "refs/bench/pushed")
    shutil.rmtree(work)
    hook = central / "hooks" / "pre-receive"
    shutil.copyfile(REPO / "hooks" / "pre-receive", hook)
    hook.chmod(0o755)
    (central / "bench-push.txt").write_text(f"{old} {new} refs/heads/main\n", encoding="ascii")
    script = (f"QIANGHUI='{qianghui}' QIANGHUI_SERVER_TIME='{SERVER_TIME}' "
              "exec ./hooks/pre-receive < bench-push.txt")
    return HookPush(central, ["sh", "-c", script])
