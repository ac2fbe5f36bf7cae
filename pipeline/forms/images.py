"""Is a referenced picture (盖章页, 活动照片, an image 附件) a real, whole, reasonably sized image?

Three checks, cheapest first, so a hostile file costs almost nothing:

1. the pixel count, read from the header before anything is decoded: at most ``MAX_PIXELS``
   (40 megapixels — any camera or scanner's page; a 300 KB PNG declaring 50000×50000 pixels
   would need 7.5 GB to decode and is refused with its size);
2. ``verify()``: the structure (PNG chunks and their checksums, JPEG markers);
3. a full decode (``load()``, opened again through ``Image.open`` so Pillow's own guard runs
   too): a truncated JPEG or PNG, or a damaged compressed stream, is refused here — Word would
   show it broken, or not at all.

Pillow's own guard (``DecompressionBombWarning`` / ``Error``) is turned into the same message.
Each image is judged once per process by its content hash (a watcher re-checks a report's
photos on every save; decoding a 2.4 MB 10-megapixel JPEG takes 30-65 ms, hashing it ~2 ms).
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from pipeline import reading

MAX_PIXELS = 40_000_000
_FORMATS = {"png": "PNG", "jpg": "JPEG"}
_SEEN: dict[tuple[str, str], str | None] = {}      # (sha256, kind) → the verdict
_SEEN_LIMIT = 4096


def check(content: bytes, ref: str, kind: str) -> str | None:
    """A Chinese message when the image in ``content`` (of type ``kind``: jpg or png) is not
    acceptable, else None."""
    key = (hashlib.sha256(content).hexdigest(), kind)
    if key not in _SEEN:
        if len(_SEEN) >= _SEEN_LIMIT:
            _SEEN.clear()
        _SEEN[key] = judge(lambda: io.BytesIO(content), kind)
    verdict = _SEEN[key]
    return None if verdict is None else verdict.format(ref=ref)


def check_file(path: Path, inside: int, ref: str, kind: str, limit: int) -> str | None:
    """The same for a large file (an image 附件 up to 100 MB), streamed instead of held."""
    def opener() -> IO[bytes]:
        return reading.open_checked(path, inside)

    try:
        verdict = judge(opener, kind)
    except reading.ReadError as e:
        return f"文件「{ref}」：{e.message}"
    return None if verdict is None else verdict.format(ref=ref)


# What a damaged image makes Pillow raise (Image.open turns the same into "not an image").
_BROKEN = (OSError, SyntaxError, ValueError, IndexError, EOFError, TypeError, struct.error,
           KeyError, ZeroDivisionError)


def judge(opener: Callable[[], IO[bytes]], kind: str) -> str | None:
    """The verdict on one image, with ``{ref}`` left for its name (None: acceptable)."""
    from PIL import Image

    reader = _reader(kind)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with opener() as stream, reader(stream) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return _too_many(width, height)
                image.verify()
            with opener() as stream, Image.open(stream, formats=[_FORMATS[kind]]) as opened:
                if kind == "jpg":            # libjpeg's DCT scaling: every coded byte is still
                    opened.draft(opened.mode, (width // 8, height // 8))   # decoded (damage
                opened.load()                # found), 2-3x faster; Pillow's own guard applies
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return _too_many(0, 0)
    except _BROKEN:
        return "图片「{ref}」已损坏、不完整或不是真正的图片，无法打开：请重新导出或扫描后再保存"
    return None


def _reader(kind: str) -> Any:
    """The format's own Pillow plugin (``Image.open`` would first load every plugin)."""
    if kind == "png":
        from PIL.PngImagePlugin import PngImageFile
        return PngImageFile
    from PIL.JpegImagePlugin import JpegImageFile
    return JpegImageFile


def _too_many(width: int, height: int) -> str:
    size = f"{width}×{height}，约 {width * height / 10_000:,.0f} 万像素" if width else "像素过多"
    return (f"图片「{{ref}}」的尺寸过大（{size}）：图片不能超过 {MAX_PIXELS // 10_000} 万像素，"
            "请缩小后再保存")
