"""Checks of the files a form references: inside its folder, allowed type by content, size."""

from __future__ import annotations

import io
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import os_reason

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

    One `lstat` of the file (and of each folder between), one read: a round of thousands of
    stamps is checked at the speed of reading them."""
    parts = ref.replace("\\", "/").split("/")
    if (ref.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts       # C:\…, ..\…
            or _through_link(folder, parts[:-1])):
        return f"文件「{ref}」指向申报文件夹之外（符号链接或 ..），请把文件复制到本文件夹内"
    target = locate(folder, ref)
    try:
        info = target.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return f"找不到文件「{ref}」（路径相对于本表单所在的文件夹）"
    except OSError as e:
        return f"无法读取文件「{ref}」：{os_reason(e)}"
    if stat.S_ISLNK(info.st_mode):
        return f"文件「{ref}」指向申报文件夹之外（符号链接或 ..），请把文件复制到本文件夹内"
    if not stat.S_ISREG(info.st_mode):
        return f"「{ref}」不是文件"
    if info.st_size == 0:
        return f"文件「{ref}」是空文件"
    if info.st_size > rule.max_bytes:
        return (f"文件「{ref}」过大（{info.st_size / MB:.1f} MB），{rule.label}不能超过 "
                f"{rule.max_bytes // MB} MB")
    return _check_content(target, ref, rule)


def _through_link(folder: Path, between: list[str]) -> bool:
    """Whether a folder between `folder` and the file is a symbolic link (or not a folder)."""
    path = folder
    for name in between:
        if name in ("", "."):
            continue
        path = path / name
        try:
            if stat.S_ISLNK(path.lstat().st_mode):
                return True
        except OSError:
            return False            # missing or not a folder: reported as not found
    return False


def _check_content(target: Path, ref: str, rule: FileRule) -> str | None:
    whole = rule.max_bytes <= _READ_WHOLE           # images: read once, sniff and decode
    try:
        with target.open("rb") as handle:
            content = handle.read(rule.max_bytes + 1 if whole else 8192)
    except OSError as e:
        return f"无法读取文件「{ref}」：{os_reason(e)}"
    head = content[:8192]
    if head.startswith(_LFS_POINTER):
        return f"文件「{ref}」只是 Git LFS 指针，内容没有下载：请先运行 git lfs pull"
    kind = sniff(head)
    allowed = "、".join(_TYPE_NAMES[t] for t in sorted(rule.types))
    if kind not in rule.types:
        found = f"实际内容是 {kind}" if kind else "无法识别的内容"
        return f"文件「{ref}」的类型不对（{found}）：{rule.label}只能是 {allowed}"
    if kind in _PIL_FORMATS and not _image_opens(content if whole else target, kind):
        return f"图片「{ref}」已损坏或不是真正的图片，无法打开"
    return None


def sniff(head: bytes) -> str | None:
    """The file type judged by content (magic bytes), as an extension, or None."""
    import filetype

    guess = filetype.guess(head)
    return guess.extension if guess else None


def _image_opens(source: bytes | Path, kind: str) -> bool:
    """Pillow can read the image's structure (PNG chunks and their checksums, JPEG markers).

    The format's own plugin is used directly: `Image.open` would first load every plugin."""
    from PIL import UnidentifiedImageError

    if kind == "png":
        from PIL.PngImagePlugin import PngImageFile as reader
    else:
        from PIL.JpegImagePlugin import JpegImageFile as reader  # type: ignore[assignment]
    try:
        with reader(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, IndexError, EOFError,
            TypeError, struct.error):          # what Image.open turns into "not an image"
        return False
    return True
