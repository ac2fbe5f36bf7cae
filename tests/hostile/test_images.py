"""Hostile images (盖章页, 活动照片, an image 附件): a picture is judged by its header's pixel
count before anything is decoded (at most 40 megapixels), then verified and decoded in full, so
a decompression bomb, a truncated JPEG or PNG and a damaged checksum are refused with a Chinese
message naming the file — and never embedded in a document."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from hostile.conftest import assert_refused, attempt
from pipeline.forms import files, images

APP = "submissions/2022/hbjx/application.yaml"
REPORT = "submissions/2022/hbjx/completion.yaml"
FOLDER = "submissions/2022/hbjx"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 50_000, height: int = 50_000, rows: int = 6_000) -> bytes:
    """A real PNG declaring width×height grey pixels; only ``rows`` rows of zeros are stored
    (compressed to a few hundred KB), so decoding it would first allocate the whole image."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (1 + width) * rows, 9)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels)
            + _chunk(b"IEND", b""))


def photo(kind: str, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A real photo-like image (noise, so it does not compress to nothing)."""
    image = Image.merge("RGB", [Image.effect_noise(size, 50 + 10 * i) for i in range(3)])
    out = io.BytesIO()
    image.save(out, "JPEG" if kind == "jpg" else "PNG", **({"quality": 85} if kind == "jpg" else {}))
    return out.getvalue()


def put(root: Path, rel: str, data: bytes) -> None:
    (root / FOLDER / rel).write_bytes(data)


def test_a_png_declaring_50000_by_50000_pixels_is_refused_as_stamp(demo: Path) -> None:
    data = bomb_png()
    assert len(data) < 3 * 1024 * 1024            # small enough to pass the size limit
    put(demo, "files/盖章页.png", data)
    assert_refused(attempt(demo, "validate", APP, timeout=60), 1, "files/盖章页.png",
                   "50000×50000", "4000 万像素")


def test_a_bomb_among_the_activity_photos_is_refused_and_not_embedded(demo: Path) -> None:
    (demo / FOLDER / "files/活动1.jpg").unlink()
    put(demo, "files/活动1.png", bomb_png())
    form = demo / REPORT
    form.write_text(form.read_text(encoding="utf-8").replace("files/活动1.jpg", "files/活动1.png"),
                    encoding="utf-8")
    assert_refused(attempt(demo, "run", timeout=120), 1, REPORT, "files/活动1.png", "50000×50000")
    assert not (demo / "build/2022/hbjx/结题报告.docx").exists()


def test_a_bomb_as_an_image_attachment_is_refused(demo: Path) -> None:
    put(demo, "files/附件.png", bomb_png())
    form = demo / APP
    form.write_text(form.read_text(encoding="utf-8").replace("files/附件.zip", "files/附件.png"),
                    encoding="utf-8")
    assert_refused(attempt(demo, "validate", APP, timeout=60), 1, "files/附件.png", "50000×50000")


@pytest.mark.parametrize("cut", [0.5, 0.99])
def test_a_truncated_jpeg_stamp_is_refused(demo: Path, cut: float) -> None:
    (demo / FOLDER / "files/盖章页.png").unlink()
    data = photo("jpg")
    put(demo, "files/盖章页.jpg", data[:int(len(data) * cut)])
    form = demo / APP
    form.write_text(form.read_text(encoding="utf-8").replace("files/盖章页.png", "files/盖章页.jpg"),
                    encoding="utf-8")
    assert_refused(attempt(demo, "validate", APP), 1, "files/盖章页.jpg", "不完整")


def test_a_truncated_png_stamp_is_refused(demo: Path) -> None:
    data = photo("png", (800, 600))
    put(demo, "files/盖章页.png", data[: len(data) * 2 // 3])
    assert_refused(attempt(demo, "validate", APP), 1, "files/盖章页.png", "不完整")


def test_a_png_whose_pixels_do_not_match_their_checksum_is_refused(demo: Path) -> None:
    data = bytearray(photo("png", (400, 300)))
    data[len(data) // 2] ^= 0xFF                  # one byte inside the compressed pixels
    put(demo, "files/盖章页.png", bytes(data))
    assert_refused(attempt(demo, "validate", APP), 1, "files/盖章页.png", "损坏")


@pytest.mark.parametrize("kind,size", [("png", (1000, 800)), ("jpg", (2400, 1800))])
def test_a_real_photo_of_several_megabytes_is_accepted(tmp_path: Path, kind: str,
                                                       size: tuple[int, int]) -> None:
    data = photo(kind, size)
    assert 1024 * 1024 < len(data) < 3 * 1024 * 1024
    (tmp_path / f"photo.{kind}").write_bytes(data)
    assert files.check_reference(tmp_path, f"photo.{kind}", files.IMAGE) is None
    assert files.check_reference(tmp_path, f"photo.{kind}", files.ATTACHMENT) is None


def test_the_demo_stamps_and_photos_pass(demo: Path) -> None:
    result = attempt(demo, "validate", FOLDER)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("size,refused", [((6_000, 6_000), False), ((8_000, 5_001), True)])
def test_the_pixel_limit_is_forty_megapixels(tmp_path: Path, size: tuple[int, int],
                                             refused: bool) -> None:
    """Judged from the header alone (the pixels stored are a few rows)."""
    (tmp_path / "big.png").write_bytes(bomb_png(*size, rows=10))
    message = files.check_reference(tmp_path, "big.png", files.IMAGE) or ""
    assert ("万像素" in message) is refused, message
    assert (f"{size[0]}×{size[1]}" in message) is refused


def test_pillows_own_bomb_guard_becomes_our_message(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Should Pillow's guard fire first (a lower MAX_IMAGE_PIXELS), it is our message too."""
    monkeypatch.setattr(images, "MAX_PIXELS", 10 ** 12)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    data = photo("png", (100, 100))
    verdict = images.judge(lambda: io.BytesIO(data), "png")
    assert verdict is not None and "尺寸过大" in verdict
