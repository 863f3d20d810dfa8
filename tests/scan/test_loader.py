"""The loader refuses unsafe uploads fast and hands over an upright working image."""

from __future__ import annotations

import io
import struct
import time
import zlib
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, JpegImagePlugin

from stopheling.errors import ImageError, ImageTooLarge, NotAnImage
from stopheling.scan.loader import load_image, sniff_format


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))  # fmt: skip


def _encoded(im: Image.Image, fmt: str, **params: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **params)
    return buf.getvalue()


def _halves(width: int = 200, height: int = 100) -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    im = Image.new("RGB", (width, height), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, width // 2, height))
    return im


def _truncated_jpeg() -> bytes:
    data = _encoded(Image.effect_noise((400, 300), 60).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


BAD_UPLOADS: list[tuple[str, Callable[[], bytes], type[Exception]]] = [
    ("empty", lambda: b"", NotAnImage),
    ("text named .jpg", lambda: b"this is not a photo, just text\n" * 20, NotAnImage),
    ("truncated jpeg", _truncated_jpeg, ImageError),
    ("png declaring 20000x20000", lambda: _png_declaring(20000, 20000), ImageTooLarge),
    ("png declaring 7000x7000", lambda: _png_declaring(7000, 7000), ImageTooLarge),
    ("50 MB upload", lambda: b"\xff\xd8\xff\xe0" + bytes(50 * 1024 * 1024), ImageTooLarge),
    ("gif", lambda: _encoded(Image.new("RGB", (8, 8)), "GIF"), NotAnImage),
]


@pytest.mark.parametrize(("name", "make", "error"), BAD_UPLOADS, ids=[b[0] for b in BAD_UPLOADS])
def test_bad_upload_is_refused_fast(
    name: str, make: Callable[[], bytes], error: type[Exception]
) -> None:
    data = make()
    start = time.perf_counter()
    with pytest.raises(error):
        load_image(data)
    assert time.perf_counter() - start < 1.0, name


def test_max_pixels_is_checked_before_decoding() -> None:
    data = _encoded(Image.new("RGB", (1000, 1000)), "PNG")
    with pytest.raises(ImageTooLarge):
        load_image(data, max_pixels=999_999)
    assert load_image(data, max_pixels=1_000_000).width == 1000


def test_error_statuses_follow_the_api() -> None:
    assert (NotAnImage.status, ImageTooLarge.status, ImageError.status) == (415, 413, 422)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_formats_load_as_bgr(fmt: str) -> None:
    loaded = load_image(_encoded(_halves(), fmt))
    assert (loaded.width, loaded.height, loaded.format, loaded.scale) == (200, 100, fmt, 1.0)
    assert loaded.bgr.shape == (100, 200, 3)
    assert loaded.bgr[50, 20, 2] > 200 and loaded.bgr[50, 20, 0] < 60  # left is red (BGR)


def test_sniffing_ignores_what_the_client_claims() -> None:
    png = _encoded(_halves(), "PNG")
    assert sniff_format(png) == "PNG"
    assert sniff_format(b"GIF89a") is None


def test_exif_orientation_is_honoured() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90° clockwise
    loaded = load_image(_encoded(_halves(), "JPEG", exif=exif))
    assert (loaded.width, loaded.height) == (100, 200)
    assert loaded.bgr.shape == (200, 100, 3)
    assert loaded.bgr[20, 50, 2] > 200  # the red left half is now on top


def test_large_jpeg_is_decoded_reduced(monkeypatch: pytest.MonkeyPatch) -> None:
    requested: list[tuple[int, int]] = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: tuple[int, int] | None):  # type: ignore[no-untyped-def]
        requested.append(size or (0, 0))
        return original(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    exif = Image.Exif()
    exif[0x0112] = 8
    loaded = load_image(_encoded(_halves(4000, 3000), "JPEG", exif=exif), max_side=1000)
    assert requested == [(1000, 750)]
    assert (loaded.width, loaded.height) == (3000, 4000)
    assert max(loaded.bgr.shape[:2]) == 1000
    assert loaded.scale == pytest.approx(4.0)


def test_transparency_becomes_white() -> None:
    im = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    im.paste((0, 0, 0, 255), (10, 10, 30, 30))
    bgr = load_image(_encoded(im, "PNG")).bgr
    assert bgr[0, 0].tolist() == [255, 255, 255] and bgr[20, 20].tolist() == [0, 0, 0]


def test_animated_image_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 0, 255))]
    data = _encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    bgr = load_image(data).bgr
    assert bgr[16, 16].tolist() == [0, 0, 255]


def test_heic_loads() -> None:
    try:
        data = _encoded(_halves(), "HEIF", quality=90)
    except (KeyError, OSError, ValueError) as exc:
        pytest.skip(f"pillow-heif cannot write HEIC here: {exc}")
    loaded = load_image(data)
    assert (loaded.format, loaded.width, loaded.height) == ("HEIF", 200, 100)
    assert np.abs(loaded.bgr[50, 20].astype(int) - [0, 0, 255]).max() < 40
