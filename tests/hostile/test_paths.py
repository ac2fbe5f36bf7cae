"""Hostile paths: nothing outside the repository is read, listed or written — not through an
absolute path or `..` on the command line, not through a symbolic link at any level (a society
folder, a form, files/, a file in files/, a review folder), and not by `new` into a folder that
is a link or a file. Every symbolic link in the round's folders is refused, even one that stays
inside the repository (git stores links as they are; the checks and documents would read
whatever the link points at)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hostile.conftest import assert_refused, attempt, snapshot

APP = "submissions/2022/hbjx/application.yaml"
MARK = "外部机密文本"           # typed only in the folder outside the repository


def outside_society(root: Path) -> Path:
    """A copy of hbjx outside the repository (as the society evil), carrying MARK."""
    outside = root.parent / "outside" / "evil"
    shutil.copytree(root / "submissions/2022/hbjx", outside)
    form = outside / "application.yaml"
    text = form.read_text(encoding="utf-8").replace("学会: hbjx", "学会: evil")
    form.write_text(text.replace("支部书记: ", f"支部书记: {MARK}", 1), encoding="utf-8")
    return outside


@pytest.mark.parametrize("argument", ["/etc", "/", "..", "../..", "submissions/../../.."])
def test_validate_refuses_a_path_outside_the_repository_without_walking_it(
        demo: Path, argument: str) -> None:
    result = attempt(demo, "validate", argument, timeout=30)
    assert_refused(result, 2, f"「{argument}」", "仓库")


def test_validate_accepts_a_path_that_only_passes_through_dotdot(demo: Path) -> None:
    result = attempt(demo, "validate", "submissions/../config")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_society_folder_linked_outside_is_refused_and_never_rendered(demo: Path) -> None:
    (demo / "submissions/2022/evil").symlink_to(outside_society(demo), target_is_directory=True)
    before = snapshot(demo)
    text = assert_refused(attempt(demo, "run"), 1, "submissions/2022/evil", "仓库之外的链接")
    assert MARK not in text
    assert not (demo / "build/2022/evil").exists()
    rendered = [p for p in (demo / "build").rglob("*") if p.is_file()]
    assert rendered and all(MARK.encode() not in p.read_bytes() for p in rendered)
    assert snapshot(demo) == before


def test_a_form_linked_to_a_system_file_is_never_parsed(demo: Path) -> None:
    (demo / "submissions/2022/hbjx/plan.yaml").symlink_to("/etc/passwd")
    text = assert_refused(attempt(demo, "validate"), 1, "submissions/2022/hbjx/plan.yaml",
                          "仓库之外的链接")
    assert "root" not in text


def test_a_link_that_stays_inside_the_repository_is_refused_too(demo: Path) -> None:
    people = demo / "config/people.yaml"
    people.rename(demo / "people-real.yaml")
    people.symlink_to("../people-real.yaml")
    assert_refused(attempt(demo, "validate"), 1, "config/people.yaml", "符号链接")


def test_a_linked_files_folder_is_refused(demo: Path) -> None:
    files = demo / "submissions/2022/hbjx/files"
    shutil.move(files, demo.parent / "files-outside")
    files.symlink_to(demo.parent / "files-outside", target_is_directory=True)
    assert_refused(attempt(demo, "validate", APP), 1, APP, "盖章页", "申报文件夹之外")


def test_a_link_inside_files_is_refused(demo: Path) -> None:
    stamp = demo / "submissions/2022/hbjx/files/盖章页.png"
    shutil.move(stamp, demo.parent / "stamp.png")
    stamp.symlink_to(demo.parent / "stamp.png")
    assert_refused(attempt(demo, "validate", APP), 1, "files/盖章页.png", "申报文件夹之外")


def test_a_review_folder_linked_to_the_root_is_not_walked(demo: Path) -> None:
    (demo / "reviews/2022/hbjx/panel").rename(demo.parent / "panel")
    (demo / "reviews/2022/hbjx/panel").symlink_to("/", target_is_directory=True)
    assert_refused(attempt(demo, "validate", timeout=60), 1, "reviews/2022/hbjx/panel",
                   "仓库之外的链接")


def test_a_linked_folder_named_on_the_command_line_is_refused(demo: Path) -> None:
    (demo / "submissions/2022/evil").symlink_to(outside_society(demo), target_is_directory=True)
    for argument in ("submissions/2022/evil", "submissions/2022/evil/application.yaml"):
        text = assert_refused(attempt(demo, "validate", argument), 1, "submissions/2022/evil",
                              "仓库之外的链接")
        assert MARK not in text
    text = assert_refused(attempt(demo, "validate", "submissions"), 1, "submissions/2022/evil")
    assert MARK not in text


@pytest.mark.parametrize("society", ["../../etc", "/etc/passwd", "submissions/2022/hbjx",
                                     "hbjx/../hbnx", "HBJX"])
@pytest.mark.parametrize("command", ["show", "history", "submit"])
def test_a_society_argument_is_an_id_never_a_path(demo: Path, command: str,
                                                  society: str) -> None:
    result = attempt(demo, command, "--", society, timeout=30)
    assert_refused(result, 2, f"「{society}」", "学会 id")


def test_a_society_path_gets_the_id_to_type(demo: Path) -> None:
    text = assert_refused(attempt(demo, "show", "submissions/2022/hbjx"), 2)
    assert "hbjx --年度 2022" in text


def test_new_refuses_a_society_path(demo: Path) -> None:
    before = snapshot(demo)
    assert_refused(attempt(demo, "new", "--学会", "../../x", "--年度", "2022"), 2, "学会 id")
    assert snapshot(demo) == before


def test_new_where_files_is_a_file_writes_nothing(demo: Path) -> None:
    folder = demo / "submissions/2022/hbsl"
    folder.mkdir()
    (folder / "files").write_text("不是文件夹", encoding="utf-8")
    before = snapshot(demo)
    assert_refused(attempt(demo, "new", "--学会", "hbsl", "--年度", "2022"), 1,
                   "submissions/2022/hbsl/files", "不是文件夹")
    assert snapshot(demo) == before


def test_new_where_the_society_folder_is_a_file_writes_nothing(demo: Path) -> None:
    (demo / "submissions/2022/hbsl").write_text("", encoding="utf-8")
    before = snapshot(demo)
    assert_refused(attempt(demo, "new", "--学会", "hbsl", "--年度", "2022"), 1,
                   "submissions/2022/hbsl", "不是文件夹")
    assert snapshot(demo) == before


@pytest.mark.parametrize("linked", ["submissions/2022/hbsl", "submissions/2022/hbsl/files"])
def test_new_never_writes_through_a_link(demo: Path, linked: str) -> None:
    outside = demo.parent / "elsewhere"
    outside.mkdir()
    (demo / linked).parent.mkdir(parents=True, exist_ok=True)
    (demo / linked).symlink_to(outside, target_is_directory=True)
    assert_refused(attempt(demo, "new", "--学会", "hbsl", "--年度", "2022"), 1, linked,
                   "符号链接")
    assert list(outside.iterdir()) == []
    assert not (demo / "submissions/2022/hbsl/application.yaml").exists()


def test_new_still_creates_a_fresh_application(demo: Path) -> None:
    result = attempt(demo, "new", "--学会", "hbsl", "--年度", "2022")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (demo / "submissions/2022/hbsl/application.yaml").is_file()
    assert (demo / "submissions/2022/hbsl/files").is_dir()


@pytest.mark.parametrize("command", ["validate", "run", "render"])
def test_a_root_that_is_not_a_repository_gets_nothing_written(tmp_path: Path,
                                                               command: str) -> None:
    empty = tmp_path / "not-a-round"
    empty.mkdir()
    assert_refused(attempt(empty, command, timeout=30), 2, "不是申报仓库")
    assert list(empty.iterdir()) == []


@pytest.mark.parametrize("target", ["plan.yaml", "nowhere.yaml"], ids=["loop", "dangling"])
def test_a_looping_or_dangling_link_is_named(demo: Path, target: str) -> None:
    (demo / "submissions/2022/hbjx/plan.yaml").symlink_to(target)
    assert_refused(attempt(demo, "validate", timeout=30), 1, "submissions/2022/hbjx/plan.yaml",
                   "链接")
