"""Real temporary git repositories with scripted histories, for the review and history tests.

`make_repo` copies the project's config/, templates/ and submissions/ into a fresh repository,
commits them as the maintainer and tags `round-2022` (the program's 规则起始), so the default
range of `qianghui check-history` starts after the setup. Every later commit is made as one
person of config/people.yaml with chosen author and committer dates, optionally signed with a
real SSH key. Git's global and system configuration are kept out (`isolate_git`), so a
developer's own settings (signing, hooks, templates) never leak into a test.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.core.layout import Layout
from pipeline.forms.loading import load_config
from pipeline.history.check import Violation, check_range, default_range
from pipeline.history.vcs import Vcs

ROOT = Path(__file__).resolve().parents[1]
QIANGHUI = Path(sys.executable).with_name("qianghui")

YEAR = 2022
PROGRAM = "config/program-2022.yaml"
PEOPLE = "config/people.yaml"
SETUP_DATE = "2022-05-01T09:00:00+08:00"
BEFORE = "2022-05-10T10:00:00+08:00"          # well before the deadline
LAST_MINUTE = "2022-05-12T23:59:00+08:00"
AFTER = "2022-05-13T00:00:30+08:00"           # just after 2022-05-12 23:59:59+08:00
LATER = "2022-06-01T10:00:00+08:00"           # the review and selection period
TIMEOUT = 300       # seconds any git or engine process of a test may take (a push runs the hook)


@dataclass(frozen=True)
class Who:
    """A git identity: someone from config/people.yaml (or a stranger)."""

    email: str
    name: str
    id: str = ""


MAINTAINER = Who("dev@qianghui.example.org", "系统维护组", "qianghui-dev")
ADMIN = Who("wangqiang@hbkx.example.org", "王强", "wang-admin")
ADMIN2 = Who("zhaomin@hbkx.example.org", "赵敏", "zhao-admin")
HBJX = Who("lihua@hbjx.example.org", "李华", "li-hbjx")
HBNX = Who("chenjing@hbnx.example.org", "陈静", "chen-hbnx")
HBJSJ = Who("sunhao@hbjsj.example.org", "孙浩", "sun-hbjsj")
DISABLED = Who("machao@hbsl.example.org", "马超", "ma-hbsl")
EXPERT_HBNX = Who("lijianguo@whu.example.edu.cn", "李建国", "li-expert")     # member of hbnx
EXPERT_HBJX = Who("zhangweidong@hust.example.edu.cn", "张卫东", "zhang-expert")  # of hbjx
EXPERT = Who("huangliping@ccnu.example.edu.cn", "黄丽萍", "huang-expert")   # no society
STRANGER = Who("someone@example.com", "路人甲")


def isolated_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for git: no global or system configuration, no pager, no prompts."""
    env = dict(os.environ if base is None else base)
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0",
               GIT_PAGER="cat", LC_ALL="C.UTF-8")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_EMAIL",
                "GIT_COMMITTER_EMAIL", "GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        env.pop(key, None)
    return env


def isolate_git(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """The same isolation for the git processes the engine starts itself (HOME and the XDG
    folder move too, so no user configuration can leak in).
    Call it from a fixture with an empty `home` folder.
    """
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for key, value in isolated_env({}).items():
        monkeypatch.setenv(key, value)
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)


def run_git(cwd: Path, *args: str, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run git in `cwd`; a failure shows git's own message."""
    done = subprocess.run(["git", *args], cwd=cwd, env=env or isolated_env(), text=True,
                          capture_output=True, timeout=TIMEOUT)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done


class Repo:
    """A working repository under test, with helpers to script its history."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.layout = Layout(root)

    # -- files ---------------------------------------------------------------------------
    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str | bytes) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")

    def replace(self, rel: str, old: str, new: str) -> None:
        """Replace the one occurrence of `old` in a file (the test fails if it is not there)."""
        text = self.read(rel)
        assert text.count(old) == 1, f"{rel}: expected exactly one {old!r}"
        self.write(rel, text.replace(old, new))

    def remove(self, rel: str) -> None:
        self.path(rel).unlink()

    def sha256(self, rel: str) -> str:
        return hashlib.sha256(self.path(rel).read_bytes()).hexdigest()

    # -- git -----------------------------------------------------------------------------
    def git(self, *args: str, who: Who = MAINTAINER, when: str = SETUP_DATE,
            committed: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = isolated_env()
        env.update(GIT_AUTHOR_NAME=who.name, GIT_AUTHOR_EMAIL=who.email,
                   GIT_COMMITTER_NAME=who.name, GIT_COMMITTER_EMAIL=who.email,
                   GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=committed or when)
        return run_git(self.root, *args, env=env, check=check)

    def commit(self, who: Who, message: str = "修改", *, when: str = BEFORE,
               committed: str | None = None, key: Path | None = None,
               paths: tuple[str, ...] = ()) -> str:
        """Stage everything (or `paths`) and commit as `who`; with `key`, SSH-signed by it."""
        self.git("add", "-A", "--", *paths) if paths else self.git("add", "-A")
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"] if key else []
        self.git(*signing, "commit", "-q", "--allow-empty", *(["-S"] if key else []),
                 "-m", message, who=who, when=when, committed=committed)
        return self.head()

    def head(self, rev: str = "HEAD") -> str:
        return self.git("rev-parse", rev).stdout.strip()

    def act_as(self, who: Who) -> None:
        """Who the CLI's submit and review commit as (`git config user.email`)."""
        self.git("config", "user.email", who.email)
        self.git("config", "user.name", who.name)

    def tracked(self, rel: str, rev: str = "HEAD") -> bytes:
        return run_git(self.root, "show", f"{rev}:{rel}").stdout.encode()

    # -- the history check ---------------------------------------------------------------
    def violations(self, rev_range: str | None = None) -> list[Violation]:
        """What check-history finds: in `rev_range`, or (default) after the setup tag."""
        vcs = Vcs(self.root)
        revs = (rev_range.split() if rev_range
                else default_range(vcs, load_config(self.layout).programs.values()))
        return check_range(vcs, revs)

    def last(self) -> list[tuple[str, str]]:
        """(path, rule) of every violation of the last commit, judged on its parent."""
        head = self.head()
        return [(v.path, v.rule) for v in self.violations() if v.commit == head]


# The demo societies the tests script (hbjsj is a draft, the others are submitted), and the
# program settings they assume whatever the shipped demo round currently says.
SOCIETIES = ("hbdz", "hbhk", "hbjsj", "hbjx", "hbnx", "hbqx", "hbyx")
ROUND = {"截止时间": "2022-05-12 23:59:59+08:00", "延期": "[]", "需要签名": "否",
         "规则起始": "round-2022", "已结束": "否"}


def copy_project(root: Path) -> None:
    """The shipped config and templates and the demo applications of SOCIETIES, with the
    program set to an open round (no build output, caches or review files)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("config", "templates"):
        shutil.copytree(ROOT / name, root / name, ignore=ignore)
    shutil.copyfile(ROOT / ".gitignore", root / ".gitignore")     # build/ and caches stay out
    for society in SOCIETIES:
        copy_application(root, society)
    draft = root / application("hbjsj")
    draft.write_text(re.sub(r"(?m)^状态: .*$", "状态: 草稿", draft.read_text(encoding="utf-8")),
                     encoding="utf-8")
    program = root / PROGRAM
    text = program.read_text(encoding="utf-8")
    for key, value in ROUND.items():
        text, found = re.subn(rf"(?m)^{key}: .*$", f"{key}: {value}", text)
        assert found == 1, f"{PROGRAM}: no line {key}:"
    program.write_text(text, encoding="utf-8")


def copy_application(root: Path, society: str) -> None:
    """One demo application.yaml and the files it references (盖章页, 附件) — nothing else."""
    source = ROOT / application(society)
    text = source.read_text(encoding="utf-8")
    refs = re.findall(r"(?m)^(?:盖章页|附件): *([^#\s]+)", text)
    for rel in ["application.yaml", *refs]:
        target = root / application(society).replace("application.yaml", rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.parent / rel, target)


def make_repo(root: Path, setup: Callable[[Repo], None] | None = None) -> Repo:
    """A repository holding the demo round, committed by the maintainer and tagged round-2022.

    `setup` may change files first (sign-off rules, keys, extensions): they are part of the
    setup commit, which the history check does not judge.
    """
    root.mkdir(parents=True, exist_ok=True)
    run_git(root, "init", "-q", "-b", "main")
    copy_project(root)
    repo = Repo(root)
    repo.act_as(MAINTAINER)
    if setup is not None:
        setup(repo)
    repo.commit(MAINTAINER, "建立 2022 年度申报仓库", when=SETUP_DATE)
    repo.git("tag", "round-2022")
    return repo


# -- setup edits -------------------------------------------------------------------------------

def require_signatures(repo: Repo) -> None:
    repo.replace(PROGRAM, "需要签名: 否", "需要签名: 是")


def grant_extension(repo: Repo, society: str, until: str) -> None:
    repo.replace(PROGRAM, "延期: []",
                 f"延期:\n  - {{学会: {society}, 截止时间: {until}, 理由: 测试延期}}")


def add_key(repo: Repo, person_id: str, public_key: str) -> None:
    """Give one person of people.yaml an SSH public key (公钥)."""
    line = next(ln for ln in repo.read(PEOPLE).splitlines() if ln.startswith(f"  - {{id: {person_id},"))
    repo.replace(PEOPLE, line, line.replace("启用:", f'公钥: ["{public_key}"], 启用:'))


def enable(repo: Repo, person_id: str, enabled: bool) -> None:
    line = next(ln for ln in repo.read(PEOPLE).splitlines() if ln.startswith(f"  - {{id: {person_id},"))
    new = line.replace("启用: 是", "启用: 否") if not enabled else line.replace("启用: 否", "启用: 是")
    repo.replace(PEOPLE, line, new)


# -- files the scripted histories write -------------------------------------------------------

def application(society: str) -> str:
    return f"submissions/{YEAR}/{society}/application.yaml"


def completion_path(society: str) -> str:
    return f"submissions/{YEAR}/{society}/completion.yaml"


def decision_path(society: str) -> str:
    return f"reviews/{YEAR}/{society}/decision.yaml"


SELECTION = f"reviews/{YEAR}/selection.yaml"
SPOT_CHECK = f"reviews/{YEAR}/spot-check.yaml"


def verdict(stage: str, outcome: str, version: str, opinion: str = "同意",
            reviewer: str = "wang-admin", day: str = "2022-05-20") -> str:
    return (f"{stage}:\n  结论: {outcome}\n  意见: {opinion}\n  审核人: {reviewer}\n"
            f"  日期: {day}\n  版本: sha256:{version}\n")


def decide(repo: Repo, society: str, outcome: str, *, stage: str = "申报",
           keep: str = "") -> str:
    """Write decision.yaml judging the current application (or report); `keep` is prepended."""
    target = application(society) if stage == "申报" else completion_path(society)
    text = keep + verdict(stage, outcome, repo.sha256(target))
    repo.write(decision_path(society), text)
    return text


def select(repo: Repo, *societies: str, approved: bool = True) -> None:
    """selection.yaml listing `societies`, with (or without) the 党组 approval."""
    lines = ["立项:"] + [f"  - 学会: {s}\n    资助金额: 20000" for s in societies]
    if approved:
        lines += ["审批:", "  审批人: wang-admin", "  日期: 2022-06-01", "  意见: 经省科协党组审批同意"]
    repo.write(SELECTION, "\n".join(lines) + "\n")


def score_sheet(expert_id: str) -> str:
    return (f"评审专家: {expert_id}\n评分:\n  意义: {{得分: 18}}\n  思路: {{得分: 17}}\n"
            f"  措施: {{得分: 20}}\n  预期目标: {{得分: 12}}\n  实施计划: {{得分: 16}}\n"
            f"总体意见: 同意立项\n日期: 2022-05-25\n")


def panel_path(society: str, expert_id: str) -> str:
    return f"reviews/{YEAR}/{society}/panel/{expert_id}.yaml"


def acceptance_path(society: str, expert_id: str) -> str:
    return f"reviews/{YEAR}/{society}/acceptance/{expert_id}.yaml"


COMPLETION_HBJX = """\
# 结题报告（测试用）
年度: 2022
学会: hbjx
状态: 草稿          # 写完后改为 已提交
项目实施情况: 学会党支部按计划在武汉、十堰、襄阳、宜昌举办四期青年学术沙龙。
活动记录:
  - 日期: 2022-07-01
    地点: 武汉
    名称: 第一期青年学术沙龙
    参加人数: 120
    党员人数: 15
目标完成情况:
  - 目标: 举办“红心向党 智造强省”青年学术沙龙不少于4期
    完成: 是
  - 目标: 参与青年科技工作者不少于300人次，党员专家主讲不少于8人次
    完成: 是
  - 目标: 形成《智能制造技术问题与对策建议汇编》1册，收录对策建议不少于20条
    完成: 部分
    说明: 收录对策建议18条
  - 目标: 在省科协官网、湖北学会服务网等平台发布活动简讯不少于3篇
    完成: 是
宣传报道:
  - 平台: 省科协官网
    标题: 机械工程学会举办青年学术沙龙
    链接: https://www.hbkx.example.org/news/1
    日期: 2022-07-05
党建元素:
  党旗: 是
  党徽: 是
  统一标识: 是
活动照片: [files/活动1.png]
财务总结:
  - {项目: 专家劳务费, 预算: 6000, 实际: 6000}
  - {项目: 会议场地及设备租赁, 预算: 5000, 实际: 5000}
  - {项目: 资料印制, 预算: 3500, 实际: 3500}
  - {项目: 差旅费, 预算: 4000, 实际: 4000}
  - {项目: 宣传费, 预算: 1500, 实际: 1500}
"""


def write_completion(repo: Repo, society: str = "hbjx", state: str = "草稿") -> None:
    """A complete, valid report for hbjx (goals and budget lines as in its application)."""
    folder = f"submissions/{YEAR}/{society}"
    repo.write(completion_path(society),
               COMPLETION_HBJX.replace("学会: hbjx", f"学会: {society}")
               .replace("状态: 草稿", f"状态: {state}"))
    shutil.copyfile(repo.path(f"{folder}/files/盖章页.png"), repo.path(f"{folder}/files/活动1.png"))


def fund(repo: Repo, society: str = "hbjx") -> None:
    """Admin commits: 申报 通过 then the approved selection — the project is 已立项."""
    decide(repo, society, "通过")
    repo.commit(ADMIN, "审核通过", when=LATER)
    select(repo, society)
    repo.commit(ADMIN, "立项名单经党组审批", when=LATER)


# -- SSH keys ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Key:
    """An SSH key pair made by ssh-keygen: the private key file and the public key line."""

    private: Path
    public: str


def make_key(folder: Path, name: str) -> Key:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)],
                   check=True, capture_output=True)
    return Key(path, path.with_suffix(".pub").read_text(encoding="utf-8").strip())


def ssh_keygen_available() -> bool:
    return shutil.which("ssh-keygen") is not None


# -- bare repositories for the hook ------------------------------------------------------------

def make_remote(root: Path) -> Path:
    """A bare repository (the central 申报仓库), without any hook yet."""
    run_git(root.parent, "init", "-q", "--bare", "-b", "main", str(root))
    return root


def install_hook(remote: Path) -> None:
    """The shipped pre-receive and post-receive hooks, as the README installs them."""
    for name in ("pre-receive", "post-receive"):
        hook = remote / "hooks" / name
        shutil.copyfile(ROOT / "hooks" / name, hook)
        hook.chmod(0o755)


def push_env(server_time: str = BEFORE) -> dict[str, str]:
    """The environment of a push: the hook finds `qianghui` through QIANGHUI, and the server's
    clock reads `server_time` (QIANGHUI_SERVER_TIME, which only a hook's installer can set)."""
    env = isolated_env()
    env["QIANGHUI"] = str(QIANGHUI)
    env["QIANGHUI_SERVER_TIME"] = server_time
    return env


def push(repo: Repo, *refspec: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`git push origin …` from a working repository, the remote's hooks running for real."""
    return subprocess.run(["git", "push", "origin", *refspec], cwd=repo.root, env=env or push_env(),
                          text=True, capture_output=True, timeout=TIMEOUT)


def make_central(folder: Path) -> tuple[Repo, Path]:
    """A working repository and the central one under `folder`, the shipped hooks installed
    before the first push (`git push origin main round-2022`, as the README says)."""
    repo = make_repo(folder / "work")
    remote = make_remote(folder / "central.git")
    install_hook(remote)
    repo.git("remote", "add", "origin", str(remote))
    first = push(repo, "main", "round-2022")
    assert first.returncode == 0, first.stderr
    return repo, remote


def remote_ref(remote: Path, ref: str) -> str:
    """What a ref of the central repository points at ("" when it does not exist)."""
    return run_git(remote, "rev-parse", "--verify", "-q", ref, check=False).stdout.strip()


DEMO = ("config", "templates", "submissions", "reviews")


def demo_repo(root: Path, when: str = BEFORE) -> Repo:
    """The shipped demo round with all its reviews, committed as the maintainer in a fresh
    repository (for what reads history: provenance, diff, shards)."""
    for name in DEMO:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / ".gitignore", root / ".gitignore")
    run_git(root, "init", "-q", "-b", "main")
    repo = Repo(root)
    repo.commit(MAINTAINER, "演示年度", when=when)
    return repo
