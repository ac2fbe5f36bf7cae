"""Checks of the files a form references: inside its folder, allowed type by content, size."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline import reading
from pipeline.forms import images

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
_PIL_FORMATS = ("jpg", "png")
_READ_WHOLE = 3 * MB              # a file this small is read once for sniffing and decoding
_TYPE_NAMES = {"jpg": "jpg/jpeg", "png": "png", "zip": "zip", "rar": "rar", "doc": "doc",
               "docx": "docx"}


def locate(folder: Path, ref: str) -> Path:
    """The path a form's file reference names (relative to the form's folder, / or \\)."""
    return folder / ref.replace("\\", "/")


def check_reference(folder: Path, ref: str, rule: FileRule) -> str | None:
    """A Chinese message when `folder/ref` is not an acceptable file for `rule`, else None.

    One `lstat` of the file (and of each folder between), one bounded read (pipeline.reading):
    a round of thousands of stamps is checked at the speed of reading them."""
    parts = [part for part in ref.replace("\\", "/").split("/") if part not in ("", ".")]
    if ref.startswith(("/", "\\")) or not parts or ":" in parts[0] or ".." in parts:  # C:\…, ..\…
        return _OUTSIDE.format(ref=ref)
    target = locate(folder, ref)
    try:
        info = reading.check_regular(target, len(parts))
    except reading.ReadError as e:
        return _refusal(ref, e)
    if info.st_size == 0:
        return f"文件「{ref}」是空文件"
    if info.st_size > rule.max_bytes:
        return (f"文件「{ref}」过大（{info.st_size / MB:.1f} MB），{rule.label}不能超过 "
                f"{rule.max_bytes // MB} MB")
    return _check_content(target, len(parts), ref, rule)


_OUTSIDE = "文件「{ref}」指向申报文件夹之外（符号链接或 ..），请把文件复制到本文件夹内"


def _refusal(ref: str, error: reading.ReadError) -> str:
    if error.code == reading.LINK:
        return _OUTSIDE.format(ref=ref)
    if error.code == reading.MISSING:
        return f"找不到文件「{ref}」（路径相对于本表单所在的文件夹）"
    if error.code == reading.FOLDER:
        return f"「{ref}」不是文件，是文件夹"
    return f"文件「{ref}」：{error.message}"


def _check_content(target: Path, inside: int, ref: str, rule: FileRule) -> str | None:
    whole = rule.max_bytes <= _READ_WHOLE           # images: read once, sniff and decode
    try:
        content = reading.read_bounded(target, rule.max_bytes if whole else 8191, inside)
    except reading.ReadError as e:
        return _refusal(ref, e)
    head = content[:8192]
    if head.startswith(_LFS_POINTER):
        return f"文件「{ref}」只是 Git LFS 指针，内容没有下载：请先运行 git lfs pull"
    kind = sniff(head)
    allowed = "、".join(_TYPE_NAMES[t] for t in sorted(rule.types))
    if kind not in rule.types:
        found = f"实际内容是 {kind}" if kind else "无法识别的内容"
        return f"文件「{ref}」的类型不对（{found}）：{rule.label}只能是 {allowed}"
    if kind in _PIL_FORMATS:
        if not whole:
            return images.check_file(target, inside, ref, kind, rule.max_bytes)
        return images.check(content, ref, kind)
    return None


def sniff(head: bytes) -> str | None:
    """The file type judged by content (magic bytes), as an extension, or None."""
    import filetype

    guess = filetype.guess(head)
    return guess.extension if guess else None
