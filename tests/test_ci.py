"""The office's pipeline, run for real: .gitlab-ci.yml through gitlab-ci-local (shell executor,
no docker) on a temporary repository, and ci/pipeline.sh (what the Actions workflows call)
step by step."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from tests.gitrepo import (
    HBJX,
    LATER,
    MAINTAINER,
    QIANGHUI,
    ROOT,
    Repo,
    isolate_git,
    isolated_env,
    run_git,
)

TOOLS = ROOT / "tools" / "ci"
RUNNER = TOOLS / "node_modules" / ".bin" / "gitlab-ci-local"
PIPELINE_TIMEOUT = 900
DEMO = ("config", "templates", "submissions", "reviews", "ci")
APPLICATION = "submissions/2022/hbjx/application.yaml"


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """The office repository: the demo round, the pipeline files, tagged round-2022 on main,
    a merge-request branch `mr` checked out."""
    isolate_git(monkeypatch, tmp_path / "home")
    root = tmp_path / "office"
    for name in DEMO:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (".gitignore", ".gitlab-ci.yml"):
        shutil.copyfile(ROOT / name, root / name)
    (root / ".ci").mkdir()
    shutil.copyfile(ROOT / ".ci" / "install-libreoffice", root / ".ci" / "install-libreoffice")
    run_git(root, "init", "-q", "-b", "main")
    repo = Repo(root)
    repo.commit(MAINTAINER, "建立申报仓库", when=LATER)
    repo.git("tag", "round-2022")
    repo.git("remote", "add", "origin", str(root))
    repo.git("checkout", "-q", "-b", "mr")
    return repo


def environment(**extra: str) -> dict[str, str]:
    env = isolated_env()
    env.update(QIANGHUI=str(QIANGHUI), **extra)
    env.pop("CI_MERGE_REQUEST_DIFF_BASE_SHA", None)
    return env


def step(repo: Repo, name: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ci/pipeline.sh", name], cwd=repo.root, capture_output=True, text=True,
                          timeout=PIPELINE_TIMEOUT, env=environment(**extra))


def break_application(repo: Repo) -> None:
    """李华 empties the project name of hbjx's approved application."""
    text = repo.read(APPLICATION)
    line = next(ln for ln in text.splitlines() if ln.startswith("项目名称:"))
    repo.replace(APPLICATION, line, '项目名称: ""')
    repo.commit(HBJX, "改项目名称", when=LATER)


# -- the script, step by step (what the Gitea and GitHub workflows run) ----------------------

def test_validate_step_writes_code_quality_and_junit(office: Repo) -> None:
    break_application(office)
    done = step(office, "validate")
    assert done.returncode == 1
    assert f"{APPLICATION}:" in done.stdout and "不能为空 (项目名称)" in done.stdout
    assert "检查未通过" in done.stdout
    issues = json.loads((office.root / "ci-out/gl-code-quality-report.json").read_text("utf-8"))
    empty = next(i for i in issues if i["description"] == "不能为空（项目名称）")
    assert empty["location"]["path"] == APPLICATION and empty["location"]["lines"]["begin"] > 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    suite = ET.parse(office.root / "ci-out/junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    office.git("checkout", "-q", "main")
    done = step(office, "validate")
    assert done.returncode == 0 and "检查通过" in done.stdout
    suite = ET.parse(office.root / "ci-out/junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"


def test_history_and_diff_steps_on_a_merge_request(office: Repo) -> None:
    base = office.head()
    break_application(office)
    done = step(office, "history", BASE=base)
    assert done.returncode == 1
    assert "hbjx" in done.stdout and "违反权限规则" in done.stdout
    done = step(office, "diff", CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    assert done.returncode == 0, done.stderr
    assert "hbjx（湖北省机械工程学会）：错误 0 → " in done.stdout
    assert (office.root / "ci-out/impact.md").read_text("utf-8") == done.stdout
    data = json.loads((office.root / "ci-out/impact.json").read_text("utf-8"))
    assert data["base"] == base and data["changes"][0]["学会"] == "hbjx"


class NoteServer:
    """A stand-in for GitLab's notes API on 127.0.0.1: records each request, answers ``status``."""

    def __init__(self, status: int) -> None:
        import http.server
        import threading

        received = self.received = []          # type: list[tuple[str, str, dict[str, str], bytes]]

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server interface
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received.append((self.command, self.path, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/v4"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the diff step posts its note with curl")
@pytest.mark.parametrize("status", [201, 403])
def test_diff_step_posts_the_preview_as_a_merge_request_note(office: Repo, status: int) -> None:
    """With QIANGHUI_NOTE_TOKEN on a merge request, the preview is posted to the notes API as
    the note's body; a refusal by the host is said in Chinese and does not fail the job."""
    base = office.head()
    break_application(office)
    server = NoteServer(status)
    try:
        done = step(office, "diff", CI_MERGE_REQUEST_DIFF_BASE_SHA=base,
                    QIANGHUI_NOTE_TOKEN="glpat-test", CI_MERGE_REQUEST_IID="7",
                    CI_PROJECT_ID="42", CI_API_V4_URL=server.url)
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    [(method, path, headers, body)] = server.received
    assert (method, path) == ("POST", "/api/v4/projects/42/merge_requests/7/notes")
    assert headers["PRIVATE-TOKEN"] == "glpat-test"
    posted = unquote(body.decode("ascii").removeprefix("body=").replace("+", " "))
    assert posted == (office.root / "ci-out/impact.md").read_text("utf-8")
    assert "hbjx（湖北省机械工程学会）" in posted
    warned = "无法在合并请求中发表评论" in done.stderr
    assert warned == (status != 201), done.stderr


def test_history_step_deepens_a_shallow_clone(office: Repo, tmp_path: Path) -> None:
    base = office.head()
    office.write("README-office.txt", "说明\n")
    office.commit(MAINTAINER, "说明", when=LATER)
    shallow = tmp_path / "shallow"
    run_git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "mr",
            f"file://{office.root}", str(shallow))
    done = subprocess.run(["ci/pipeline.sh", "history"], cwd=shallow, capture_output=True,
                          text=True, timeout=PIPELINE_TIMEOUT, env=environment(BASE=base))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "浅克隆：取回完整历史" in done.stderr and "历史检查通过" in done.stdout


def test_render_shards_and_pages(office: Repo) -> None:
    for k in (1, 2):
        done = step(office, "render", SHARD=f"{k}/2")
        assert done.returncode == 0, done.stdout + done.stderr
    done = step(office, "site")          # qianghui site where the engine has it, else a note
    assert done.returncode == 0, done.stdout + done.stderr
    done = step(office, "pages")
    assert done.returncode == 0, done.stderr
    public = office.root / "public"
    assert (public / "2022/hbjx/申报表.docx").is_file()
    assert (public / "2022/立项名单.docx").is_file()
    assert "site/index.html" in (public / "index.html").read_text("utf-8")
    page = public / "site/2022/hbjx.html"                # the site's links resolve inside public/
    hrefs = re.findall(r'href="([^"#]+\.docx)"', page.read_text("utf-8"))
    assert hrefs and all((page.parent / unquote(h)).resolve().is_file() for h in hrefs)
    assert not list(public.rglob(".cache"))


def test_an_unknown_step_is_a_usage_error(office: Repo) -> None:
    done = step(office, "deploy")
    assert done.returncode == 2 and "用法：ci/pipeline.sh" in done.stderr


# -- .gitlab-ci.yml through gitlab-ci-local ---------------------------------------------------

@pytest.fixture(scope="module")
def runner() -> Path:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: gitlab-ci-local cannot be installed")
    subprocess.run([str(TOOLS / "install")], check=True, timeout=PIPELINE_TIMEOUT)
    return RUNNER


def gitlab(repo: Repo, runner: Path, base: str) -> subprocess.CompletedProcess[str]:
    """A merge-request pipeline, every job in its own copy of the repository."""
    env = environment()
    env["HOME"] = str(repo.root.parent / "home")
    return subprocess.run(
        [str(runner), "--force-shell-executor", "--shell-isolation", "--no-color",
         "--ignore-predefined-vars", "CI_PIPELINE_SOURCE",
         "--variable", f"QIANGHUI={QIANGHUI}",
         "--variable", "CI_PIPELINE_SOURCE=merge_request_event",
         "--variable", f"CI_MERGE_REQUEST_DIFF_BASE_SHA={base}"],
        cwd=repo.root, capture_output=True, text=True, timeout=PIPELINE_TIMEOUT, env=env)


def test_gitlab_pipeline_is_green_on_the_demo(office: Repo, runner: Path) -> None:
    base = office.head()
    office.write("README-office.txt", "说明\n")
    office.commit(MAINTAINER, "说明", when=LATER)
    done = gitlab(office, runner, base)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    for job in ("validate", "history", "impact", "render: [1/4]", "render: [4/4]"):
        assert f"PASS  {job}" in out
    assert "此变更不影响任何项目" in out


def test_gitlab_pipeline_is_red_on_a_broken_submission(office: Repo, runner: Path) -> None:
    base = office.head()
    break_application(office)
    done = gitlab(office, runner, base)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "FAIL  validate" in out and "FAIL  history" in out
    assert "不能为空 (项目名称)" in out
    assert "render: [1/4] starting" not in out        # documents wait for a valid round


@pytest.mark.parametrize("workflow", [".github/workflows/qianghui.yml",
                                      ".gitea/workflows/qianghui.yml"])
def test_the_actions_workflows_run_only_the_tested_script(workflow: str) -> None:
    """Every `run:` of the Actions workflows calls ci/pipeline.sh steps that the tests above run
    (or shell glue around them), with the full history the history check needs."""
    import yaml

    flow = yaml.safe_load((ROOT / workflow).read_text("utf-8"))
    steps = [s for job in flow["jobs"].values() for s in job["steps"]]
    runs = [line.strip() for s in steps if "run" in s for line in s["run"].splitlines()]
    called = {line.split()[1] for line in runs if line.startswith("ci/pipeline.sh")}
    assert called >= {"validate", "history", "diff", "site", "pages"}
    assert all(s["with"]["fetch-depth"] == 0 for s in steps
               if str(s.get("uses", "")).startswith("actions/checkout"))
    tested = {"validate", "history", "diff", "render", "pdf", "site", "pages",
              "${{"}  # ${{ … }}: render or pdf by event
    assert called <= tested


def test_gitlab_main_pipeline_publishes_documents_and_pdfs(office: Repo, runner: Path) -> None:
    """On main: validate, history, the PDFs in 4 shards, and pages with every document."""
    from pipeline.documents.pdf import find_office

    if find_office() is None:
        pytest.skip("LibreOffice is not installed (tests/test_pdf.py installs it with .ci/install-libreoffice)")
    office.git("checkout", "-q", "main")
    env = environment()
    env["HOME"] = str(office.root.parent / "home")
    done = subprocess.run(
        [str(runner), "--force-shell-executor", "--shell-isolation", "--no-color",
         "--variable", f"QIANGHUI={QIANGHUI}"],
        cwd=office.root, capture_output=True, text=True, timeout=PIPELINE_TIMEOUT, env=env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    for job in ("validate", "history", "pdf: [1/4]", "pdf: [4/4]", "pages"):
        assert f"PASS  {job}" in out
    assert "impact" not in out and "render: [" not in out       # merge-request jobs only
    public = office.root / ".gitlab-ci-local" / "artifacts" / "pages" / "public"
    documents = sorted((public / "2022").rglob("*.docx"))
    assert len(documents) > 20
    assert all(d.with_suffix(".pdf").is_file() for d in documents)
    assert (public / "2022" / "登记表.xlsx").is_file()
    assert "site/index.html" in (public / "index.html").read_text("utf-8")
    page = public / "site" / "2022" / "hbjx.html"          # the site links the PDFs it publishes
    assert quote("申报表.pdf") in page.read_text("utf-8")
