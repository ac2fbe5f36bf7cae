"""Any console: output never fails on a console encoding (cp936, ASCII, LANG=C), status
filters take only real status words, CSV for Excel is UTF-8 with a BOM on every console."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
QIANGHUI = Path(sys.executable).with_name("qianghui")
EMOJI = "😀"


@pytest.fixture(scope="module")
def emoji_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo round with an emoji in one 项目名称 (and in an error message's quote)."""
    root = tmp_path_factory.mktemp("console") / "demo"
    for name in ("config", "submissions", "reviews"):
        shutil.copytree(REPO / name, root / name)
    app = root / "submissions/2022/hbjsj/application.yaml"
    text = app.read_text(encoding="utf-8").replace("项目名称: ", f"项目名称: {EMOJI}", 1)
    app.write_text(text.replace("联系电话: ", f"联系电话: {EMOJI}", 1), encoding="utf-8")
    return root


def qianghui(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    full.update(env)
    return subprocess.run([str(QIANGHUI), "-C", str(root), *args], capture_output=True,
                          env=full, timeout=120)


CONSOLES = {"cp936": {"PYTHONIOENCODING": "gbk"}, "ascii": {"PYTHONIOENCODING": "ascii"},
            "LANG=C": {"LANG": "C", "LC_ALL": "C"}}
COMMANDS = [["list"], ["list", "--json"], ["show", "hbjsj"], ["validate"],
            ["validate", "submissions/2022/hbjsj/application.yaml"], ["history", "hbjsj"]]


@pytest.mark.parametrize("console", sorted(CONSOLES))
@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_no_console_makes_a_command_fail(emoji_demo: Path, console: str, argv: list[str]) -> None:
    done = qianghui(emoji_demo, CONSOLES[console], *argv)
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr and "内部错误".encode() not in done.stderr
    assert b"UnicodeEncodeError" not in done.stderr


def test_gbk_console_still_shows_the_chinese(emoji_demo: Path) -> None:
    done = qianghui(emoji_demo, CONSOLES["cp936"], "show", "hbjsj")
    text = done.stdout.decode("gbk")
    assert "项目名称" in text and "?" in text and EMOJI not in text


def test_csv_is_utf8_with_bom_on_a_gbk_console(emoji_demo: Path) -> None:
    done = qianghui(emoji_demo, CONSOLES["cp936"], "list", "--csv")
    assert done.returncode == 0
    assert done.stdout.startswith(b"\xef\xbb\xbf")
    assert EMOJI in done.stdout.decode("utf-8-sig")


def test_status_synonym_and_unknown_words(emoji_demo: Path) -> None:
    funded = qianghui(emoji_demo, {}, "list", "--json", "--状态", "已立项")
    synonym = qianghui(emoji_demo, {}, "list", "--json", "--状态", "审核通过")
    assert json.loads(synonym.stdout) == json.loads(funded.stdout) != []
    wrong = qianghui(emoji_demo, {}, "list", "--状态", "通过")
    assert wrong.returncode == 2 and wrong.stdout == b""
    said = wrong.stderr.decode()
    assert "「通过」" in said and "已立项" in said and "验收不通过" in said


def test_list_into_a_file_for_excel(emoji_demo: Path, tmp_path: Path) -> None:
    target = tmp_path / "名单.csv"
    done = qianghui(emoji_demo, CONSOLES["cp936"], "list", "--csv", "--输出", str(target))
    assert done.returncode == 0 and done.stdout == b""
    assert target.read_bytes().startswith(b"\xef\xbb\xbf") and EMOJI in target.read_text("utf-8")
    refused = qianghui(emoji_demo, {}, "list", "--状态", "通过", "--输出", str(tmp_path / "x.csv"))
    assert refused.returncode == 2 and not (tmp_path / "x.csv").exists()
