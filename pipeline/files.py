"""Checks of the files a form references: inside its folder, allowed type by content, size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"


@dataclass(frozen=True)
class FileRule:
    """What one kind of referenced file may be."""

    label: str
    types: frozenset[str]
    max_bytes: int


IMAGE = FileRule("图片", frozenset({"jpg", "png"}), 3 * MB)
ATTACHMENT = FileRule("附件", frozenset({"zip", "rar", "doc", "docx", "jpg", "png"}), 100 * MB)
_TYPE_NAMES = {"jpg": "jpg/jpeg", "png": "png", "zip": "zip", "rar": "rar", "doc": "doc",
               "docx": "docx"}


def locate(folder: Path, ref: str) -> Path:
    """The path a form's file reference names (relative to the form's folder, / or \\)."""
    return folder / ref.replace("\\", "/")


def check_reference(folder: Path, ref: str, rule: FileRule) -> str | None:
    """A Chinese message when `folder/ref` is not an acceptable file for `rule`, else None."""
    target = locate(folder, ref)
    message = _check_place(folder, target, ref)
    if message:
        return message
    size = target.stat().st_size
    if size == 0:
        return f"文件「{ref}」是空文件"
    if size > rule.max_bytes:
        return (f"文件「{ref}」过大（{size / MB:.1f} MB），{rule.label}不能超过 "
                f"{rule.max_bytes // MB} MB")
    return _check_content(target, ref, rule)


def _check_place(folder: Path, target: Path, ref: str) -> str | None:
    if _through_link(folder, target) or not _inside(folder, target):
        return f"文件「{ref}」指向申报文件夹之外（符号链接或 ..），请把文件复制到本文件夹内"
    if not target.exists():
        return f"找不到文件「{ref}」（路径相对于本表单所在的文件夹）"
    if not target.is_file():
        return f"「{ref}」不是文件"
    return None


def _through_link(folder: Path, target: Path) -> bool:
    """Whether the target or any folder between it and `folder` is a symbolic link."""
    path = target
    while path != folder and path != path.parent:
        if path.is_symlink():
            return True
        path = path.parent
    return False


def _inside(folder: Path, target: Path) -> bool:
    """No `..` and not absolute (the schema refuses both; checked again here for safety)."""
    try:
        target.relative_to(folder)
    except ValueError:
        return False
    return ".." not in target.relative_to(folder).parts


def _check_content(target: Path, ref: str, rule: FileRule) -> str | None:
    with target.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(_LFS_POINTER):
        return f"文件「{ref}」只是 Git LFS 指针，内容没有下载：请先运行 git lfs pull"
    kind = sniff(head)
    allowed = "、".join(_TYPE_NAMES[t] for t in sorted(rule.types))
    if kind not in rule.types:
        found = f"实际内容是 {kind}" if kind else "无法识别的内容"
        return f"文件「{ref}」的类型不对（{found}）：{rule.label}只能是 {allowed}"
    if kind in ("jpg", "png") and not _image_opens(target):
        return f"图片「{ref}」已损坏或不是真正的图片，无法打开"
    return None


def sniff(head: bytes) -> str | None:
    """The file type judged by content (magic bytes), as an extension, or None."""
    import filetype

    guess = filetype.guess(head)
    return guess.extension if guess else None


def _image_opens(target: Path) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(target) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True
