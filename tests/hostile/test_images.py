"""Hostile images against POST /api/v1/scan and the /scannen page: decompression bombs,
truncated and malformed files of every accepted type, wrong content types, huge dimensions,
animated images, EXIF abuse and empty files. Each is a clear error in the contract's shape
(or a normal answer for an odd but valid photo), fast, with memory bounded by the
configured pixel limit rather than by what the file claims."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image

from tests.conftest import csrf

ROOT = Path(__file__).resolve().parents[2]
pillow_heif.register_heif_opener()


# --- builders --------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_declaring(width: int, height: int, rows: int = 4) -> bytes:
    """A PNG whose IHDR, written by hand, declares ``width``×``height`` pixels; the image
    data is a few highly compressed rows (a classic decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x00" * 3 * min(width, 100_000)
    idat = zlib.compress(row * rows, 9)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat)
            + _chunk(b"IEND", b""))  # fmt: skip


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small real JPEG with its SOF0 size patched to ``width``×``height``."""
    data = bytearray(image("JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_declaring(width: int, height: int) -> bytes:
    """A WebP (VP8X) whose canvas, written by hand, is ``width``×``height``."""
    vp8x = (
        b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    )
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def image(fmt: str, size: tuple[int, int] = (64, 48), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt, **options)
    return out.getvalue()


def animated(fmt: str, frames: int = 6) -> bytes:
    out = io.BytesIO()
    images = [Image.new("RGB", (64, 48), (n * 40, 0, 0)) for n in range(frames)]
    images[0].save(out, fmt, save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def with_exif(orientation: int | None = None, *, huge: bool = False, size=(64, 48)) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if huge:
        exif[0x010E] = "A" * 60_000  # ImageDescription: nearly the whole 64 kB APP1 segment
    out = io.BytesIO()
    Image.new("RGB", size, (90, 90, 90)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def bogus_exif_offsets() -> bytes:
    """A JPEG with an APP1 Exif segment whose IFD offsets point far outside it."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 0xFFFFFF00)  # first IFD at ~4 GB
    app1 = b"Exif\x00\x00" + tiff
    data = image("JPEG")
    return data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:]


JPEG, PNG, WEBP, HEIC = image("JPEG"), image("PNG"), image("WEBP"), image("HEIF")

# name: (bytes, the status it must get, the error code)
REFUSED = {
    "zero_bytes": (b"", 415, "not_an_image"),
    "png_bomb_50000x50000": (png_declaring(50_000, 50_000), 413, "image_too_large"),
    "png_bomb_2^31": (png_declaring(2**31 - 1, 2**31 - 1), 413, "image_too_large"),
    "png_bomb_one_huge_row": (png_declaring(100_000_000, 1), 413, "image_too_large"),
    "jpeg_declaring_65500x65500": (jpeg_declaring(65_500, 65_500), 413, "image_too_large"),
    "webp_canvas_16384x16384": (webp_declaring(16_384, 16_384), 413, "image_too_large"),
    "pdf_named_jpg": (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF",
        415,
        "not_an_image",
    ),  # fmt: skip
    "zip_named_jpg": (b"PK\x03\x04\x14\x00" + b"\x00" * 200, 415, "not_an_image"),
    "html_named_jpg": (b"<!doctype html><script>alert(1)</script>", 415, "not_an_image"),
    "svg_named_jpg": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        415,
        "not_an_image",
    ),  # fmt: skip
    "elf_named_jpg": (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, 415, "not_an_image"),
    "gif_animated": (animated("GIF"), 415, "not_an_image"),
    "tiff": (image("TIFF"), 415, "not_an_image"),
    "bmp": (image("BMP"), 415, "not_an_image"),
    "only_jpeg_magic": (b"\xff\xd8\xff", 422, "broken_image"),
    "only_png_magic": (b"\x89PNG\r\n\x1a\n", 422, "broken_image"),
}
for name, data in {"jpeg": JPEG, "png": PNG, "webp": WEBP, "heic": HEIC}.items():
    REFUSED[f"{name}_truncated_header"] = (data[:24], 422, "broken_image")
    REFUSED[f"{name}_truncated_half"] = (data[: len(data) // 2], 422, "broken_image")
    REFUSED[f"{name}_magic_then_garbage"] = (data[:16] + os.urandom(3000), 422, "broken_image")

# Odd but valid photos: scanned like any other (200), at the size the user sees.
ACCEPTED = {
    "webp_animated": (animated("WEBP"), (64, 48)),
    "apng": (animated("PNG"), (64, 48)),
    "exif_orientation_6_turns": (with_exif(6), (48, 64)),
    "exif_orientation_0": (with_exif(0), (64, 48)),
    "exif_orientation_9": (with_exif(9), (64, 48)),
    "exif_orientation_65535": (with_exif(65535), (64, 48)),
    "exif_huge": (with_exif(8, huge=True), (48, 64)),
    "exif_bogus_offsets": (bogus_exif_offsets(), (64, 48)),
    "extreme_aspect_30000x2": (image("PNG", (30_000, 2)), (30_000, 2)),
    "extreme_aspect_3x30000": (image("PNG", (3, 30_000)), (3, 30_000)),
    "one_pixel": (image("PNG", (1, 1)), (1, 1)),
}


def post(client, data: bytes, path: str = "/api/v1/scan", name: str = "photo.jpg",
         content_type: str = "image/jpeg"):  # fmt: skip
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import stream_encode_multipart

    values = MultiDict({"image": FileStorage(io.BytesIO(data), filename=name,
                                             content_type=content_type)})  # fmt: skip
    if not path.startswith("/api/"):
        values["csrf_token"] = csrf(client, path)
    stream, length, boundary = stream_encode_multipart(values)
    try:
        return client.post(path, input_stream=stream, content_length=length,
                           content_type=f'multipart/form-data; boundary="{boundary}"')  # fmt: skip
    finally:
        stream.close()


# --- the API and the page ----------------------------------------------------------------


@pytest.mark.parametrize("name", REFUSED)
def test_a_hostile_image_is_a_clear_error_in_the_contract_shape(client, name):
    data, status, code = REFUSED[name]
    started = time.monotonic()
    r = post(client, data)
    elapsed = time.monotonic() - started
    assert (r.status_code, r.get_json()) == (status, r.get_json()) and r.status_code == status, (
        name, r.status_code, r.get_json())  # fmt: skip
    body = r.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"].strip()
    assert elapsed < 5, f"{name} took {elapsed:.1f} s"  # a sanity bound, not a benchmark


@pytest.mark.parametrize("name", REFUSED)
def test_the_scan_page_shows_the_same_refusals_as_a_page(client, name):
    data, status, _ = REFUSED[name]
    r = post(client, data, path="/scannen", name="foto.jpg")
    assert r.status_code == status
    assert r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert 'role="alert"' in page or 'class="error' in page, page[-800:]
    assert "<script>alert" not in page


@pytest.mark.parametrize("name", ACCEPTED)
def test_odd_but_valid_images_are_scanned(client, name):
    data, (width, height) = ACCEPTED[name]
    r = post(client, data)
    assert r.status_code == 200, (name, r.get_json())
    body = r.get_json()
    assert body["image"] == {"width": width, "height": height}
    assert isinstance(body["candidates"], list)


@pytest.mark.parametrize(
    "name", ["webp_animated", "exif_huge", "extreme_aspect_30000x2", "extreme_aspect_3x30000"]
)
def test_odd_images_on_the_page_give_a_page(client, name):
    r = post(client, ACCEPTED[name][0], path="/scannen")
    assert r.status_code == 200 and r.mimetype == "text/html"


def test_the_file_name_and_declared_type_are_ignored(client):
    for name, content_type in (("x.svg", "image/svg+xml"), ("x.html", "text/html"),
                               ("../../etc/passwd", "application/pdf"), ("", "")):  # fmt: skip
        r = post(client, PNG, name=name or "x", content_type=content_type)
        assert r.status_code == 200, (name, r.get_json())
    html_as_png = post(client, REFUSED["html_named_jpg"][0], name="x.png",
                       content_type="image/png")  # fmt: skip
    assert html_as_png.status_code == 415


def test_an_upload_over_the_byte_limit_is_413_without_reading_it_all(app_with):
    client = app_with(SCAN_MAX_BYTES=50_000).test_client()
    r = post(client, JPEG + b"\x00" * 60_000)
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "image_too_large"
    page = post(client, JPEG + b"\x00" * 60_000, path="/scannen")
    assert page.status_code == 413


def test_a_request_without_the_image_field_is_a_clear_400(client):
    r = client.post("/api/v1/scan", data={"photo": "not a file"},
                    content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "missing_image"
    r = client.post("/api/v1/scan", data=JPEG, content_type="image/jpeg")
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "missing_image"
    page = client.post("/scannen", data={"csrf_token": csrf(client, "/scannen")},
                       content_type="multipart/form-data")  # fmt: skip
    assert page.status_code == 400


# --- memory ------------------------------------------------------------------------------

MEMORY_PROBE = """
import io, json, resource, sys
from PIL import Image
from stopheling.app import create_app

def post(client, data):
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import stream_encode_multipart
    stream, length, boundary = stream_encode_multipart(
        MultiDict({"image": FileStorage(io.BytesIO(data), filename="p.jpg")}))
    return client.post("/api/v1/scan", input_stream=stream, content_length=length,
                       content_type=f'multipart/form-data; boundary="{boundary}"').status_code

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "TESTING": True,
                  "SCAN_RATE_LIMIT": "10000/minute", "SCAN_MAX_PIXELS": int(sys.argv[2]),
                  "OCR_ENGINE": "tesseract"})
client = app.test_client()
warm = io.BytesIO(); Image.new("RGB", (1200, 900), (200, 200, 200)).save(warm, "JPEG")
post(client, warm.getvalue())  # loads the decoders once, outside the measurement
upload = open(sys.argv[3], "rb").read()
before = peak()
status = post(client, upload)
print(json.dumps({"status": status, "growth": peak() - before}))
"""


def peak_growth(database_url: str, data: bytes, max_pixels: int, tmp_path) -> dict:
    """Peak RSS growth of one scan, measured in a fresh interpreter (ru_maxrss)."""
    upload = tmp_path / "upload.bin"
    upload.write_bytes(data)
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, database_url, str(max_pixels), str(upload)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


MB = 1024 * 1024


@pytest.mark.slow
def test_bombs_cost_no_memory_and_big_photos_memory_bounded_by_the_pixel_limit(
    database_url, tmp_path
):
    max_pixels = 16_000_000
    for bomb in ("png_bomb_50000x50000", "jpeg_declaring_65500x65500", "webp_canvas_16384x16384"):
        result = peak_growth(database_url, REFUSED[bomb][0], max_pixels, tmp_path)
        assert result["status"] == 413 and result["growth"] < 20 * MB, (bomb, result)
    # Just under the limit, a real (compressible) 4000×4000 photo is decoded: at most about
    # one full-size RGB(A) buffer and change, i.e. bounded by the setting, not the file.
    for fmt in ("PNG", "JPEG", "WEBP"):
        data = image(fmt, (4000, 4000))
        result = peak_growth(database_url, data, max_pixels, tmp_path)
        assert result["status"] == 200, (fmt, result)
        assert result["growth"] < 8 * max_pixels + 40 * MB, (fmt, result["growth"] / MB)
