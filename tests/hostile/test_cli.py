"""The hostile command line: values no option should take, consoles that cannot show Chinese,
and output that cannot be delivered (stdout closed, a reader gone, a full device), each run as a
real `qianghui` process: exit 2 naming the option (or 1 when the output was lost), a Chinese
message on stderr, never a traceback, never a user file changed."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from hostile.conftest import QIANGHUI, TIMEOUT, assert_refused, attempt, snapshot
from pipeline import cli

# --- numbers -------------------------------------------------------------------------------------

NOT_NUMBERS = ["nan", "NaN", "inf", "-inf", "-0", "-1", "1e999", "1e3", "9" * 40, "abc", "",
               "1_000", "٣", "0x10", "20000.001", "+5"]
NUMBER_OPTIONS = ["--最低金额", "--最高金额", "--最低评分", "--最高评分"]


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_a_number_option_refuses_what_is_not_a_plain_number(demo: Path, value: str) -> None:
    option = NUMBER_OPTIONS[NOT_NUMBERS.index(value) % len(NUMBER_OPTIONS)]
    before = snapshot(demo)
    assert_refused(attempt(demo, "list", f"{option}={value}"), 2, f"参数 {option}", f"「{value}」不是")
    assert snapshot(demo) == before


@pytest.mark.parametrize("argv", [["show", "hbjx", "--年度"], ["rank", "--年度"], ["list", "--年度"],
                                  ["export", "--年度"], ["new", "--学会", "hbjx", "--年度"]])
@pytest.mark.parametrize("value", ["0000", "20222", "-2022", "nan", "2022.5", "1e3"])
def test_a_year_option_takes_a_year(demo: Path, argv: list[str], value: str) -> None:
    assert_refused(attempt(demo, *argv, value), 2, "参数 --年度", "需要年度（四位数字")


def test_full_width_digits_are_read_as_numbers(demo: Path) -> None:
    typed = attempt(demo, "list", "--年度", "２０２２", "--最低金额", "２００００", "--json")
    plain = attempt(demo, "list", "--年度", "2022", "--最低金额", "20000", "--json")
    assert typed.returncode == plain.returncode == 0, typed.stderr
    assert typed.stdout == plain.stdout and '"hbjx"' in plain.stdout
    assert '"hbdz"' not in plain.stdout            # its 18000 is below the bound


# --- where the output goes: -o, consoles ---------------------------------------------------------

def test_output_is_never_a_device_a_pipe_a_folder_or_a_link(demo: Path, tmp_path: Path) -> None:
    fifo, link = tmp_path / "pipe", tmp_path / "link"
    os.mkfifo(fifo)
    link.symlink_to(tmp_path / "elsewhere.csv")
    for target, kind in ((fifo, "特殊文件"), (tmp_path, "文件夹"), (link, "符号链接")):
        for argv in (["list", "--csv"], ["codeowners"]):
            assert_refused(attempt(demo, *argv, "-o", str(target)), 2, "参数 -o/--输出", kind)
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink()    # neither replaced
    assert not (tmp_path / "elsewhere.csv").exists()


def test_an_ascii_locale_without_utf8_mode_still_speaks_chinese(demo: Path) -> None:
    c_locale = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    done = attempt(demo, "validate", env=c_locale)
    assert done.returncode == 0 and "64 个文件，0 个错误" in done.stdout, done.stderr
    app = demo / "submissions/2022/hbjx/application.yaml"
    app.write_text(app.read_text(encoding="utf-8").replace("党员人数: 23", "党员人数: 二十三"),
                   encoding="utf-8")
    assert_refused(attempt(demo, "validate", env=c_locale), 1, "应为整数", "(党员人数)")
    shown = attempt(demo, "show", "hbjx", env={**c_locale, "PYTHONIOENCODING": "ascii"})
    assert shown.returncode == 0 and "湖北省机械工程学会" in shown.stdout, shown.stderr


def test_a_gbk_console_shows_chinese_and_degrades_the_rest(demo: Path) -> None:
    app = demo / "submissions/2022/hbjx/application.yaml"
    app.write_text(app.read_text(encoding="utf-8").replace("联系电话: 027-87654321",
                                                           "联系电话: 电话😀"), encoding="utf-8")
    done = subprocess.run([str(QIANGHUI), "-C", str(demo), "validate"], capture_output=True,
                          timeout=TIMEOUT, env={**os.environ, "PYTHONIOENCODING": "gbk"})
    out = done.stdout.decode("gbk")                     # strictly GBK: nothing else was written
    assert done.returncode == 1 and "「电话?」不是有效的手机号" in out
    assert b"Traceback" not in done.stderr


# --- output that cannot be delivered -----------------------------------------------------------

def shell(demo: Path, command: str) -> subprocess.CompletedProcess[str]:
    """`qianghui -C demo …` inside bash (`$Q` is the script), for redirections and pipes."""
    done = subprocess.run(["bash", "-c", command], capture_output=True, timeout=TIMEOUT,
                          env={**os.environ, "Q": f"{QIANGHUI} -C {demo}"})
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def test_a_closed_stdout_is_refused_before_anything_is_done(demo: Path) -> None:
    before = snapshot(demo)
    for command in ("$Q validate >&-", "$Q spot-check --种子 abc >&-", "$Q new --学会 hbjx >&-"):
        done = shell(demo, command)
        assert_refused(done, 2, "标准输出已关闭")
    assert snapshot(demo) == before and not (demo / "build").exists()


def test_closed_stderr_and_stdin_are_no_crash(demo: Path) -> None:
    assert shell(demo, "$Q list --年度 abc 2>&-").returncode == 2
    done = shell(demo, "$Q validate <&- 2>&-")
    assert done.returncode == 0 and "0 个错误" in done.stdout


def test_a_reader_that_left_ends_the_command_quietly(demo: Path) -> None:
    done = shell(demo, "set -o pipefail; $Q list | true")
    assert (done.returncode, done.stderr) == (cli.console.READER_LEFT, "")
    done = shell(demo, "set -o pipefail; $Q validate | head -c 0")
    assert done.returncode in (0, cli.console.READER_LEFT) and "Traceback" not in done.stderr


FULL = Path("/dev/full")


@pytest.mark.skipif(not (FULL.exists() and stat.S_ISCHR(FULL.stat().st_mode)),
                    reason="needs the /dev/full device (Linux)")
@pytest.mark.parametrize("argv", [["validate"], ["list", "--csv"], ["show", "hbjx"],
                                  ["validate", "--format", "json"]])
def test_output_to_a_full_device_is_an_error_not_a_silent_success(demo: Path,
                                                                   argv: list[str]) -> None:
    with FULL.open("w") as full:
        done = subprocess.run([str(QIANGHUI), "-C", str(demo), *argv], stdout=full,
                              stderr=subprocess.PIPE, timeout=TIMEOUT)
    error = done.stderr.decode("utf-8")
    assert done.returncode == 1 and "无法写出结果（标准输出）：磁盘已满" in error, error
    assert "Traceback" not in error and "内部错误" not in error


# --- odd words, and the one line a bug gets ----------------------------------------------------

ODD = [os.fsdecode(b"\xff\xfe"), "", " ", "--", "-x", "../x", "/etc", "a" * 5000, "\u202e",
       "HBJX"]


@pytest.mark.parametrize("word", ODD, ids=range(len(ODD)))
def test_odd_words_get_a_message_not_a_bug(demo: Path, word: str) -> None:
    for argv in (["show", "--", word], ["list", "--状态", word], ["list", "--学会", word],
                 ["new", "--学会", word, "--年度", "2022"], ["show", "hbjx", "--年度", word],
                 ["history", "--", word]):
        done = attempt(demo, *argv)
        text = done.stdout + done.stderr
        assert done.returncode in (0, 1, 2), (argv, text)
        assert "Traceback" not in text and "内部错误" not in text, (argv, text)


def test_words_for_a_form_must_be_utf8(demo: Path) -> None:
    message = os.fsdecode(b"\xe5\xae\xa1\xff")          # 审 and a byte that is no UTF-8
    before = snapshot(demo)
    assert_refused(attempt(demo, "review", "hbjx", "--通过", "-m", message), 2,
                   "参数 -m", "第 2 个字符处不是有效的 UTF-8 文字")
    assert snapshot(demo) == before


def test_a_bug_is_one_chinese_line_naming_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.internal_error("validate", KeyError("x")) == cli.INTERNAL
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("qianghui validate: 内部错误（KeyError")
    assert "qianghui --debug validate" in err and "Traceback" not in err


def test_a_year_without_a_call_is_a_usage_error(demo: Path) -> None:
    """`export --年度 2030` wrote an empty register of a year that does not exist."""
    for args in (("export", "--年度", "2030"), ("rank", "--年度", "2030"),
                 ("show", "hbjx", "--年度", "2030")):
        assert_refused(attempt(demo, *args), 2, "没有 2030 年度", "program-2030.yaml")
    assert not (demo / "build/2030").exists()
