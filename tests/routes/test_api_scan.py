"""POST /api/v1/scan and the scan page, through HTTP, on both databases."""

import io
import time

import cv2
import numpy as np
import pytest
from PIL import Image

from tests.scan.corpus import encode, render

pytestmark = pytest.mark.slow


def post_scan(client, data: bytes, name="photo.jpg", path="/api/v1/scan", fields=None):
    """A multipart upload; we encode it ourselves so that the temporary file werkzeug's
    test client spools a large body into gets closed."""
    from werkzeug.datastructures import FileStorage, MultiDict
    from werkzeug.test import stream_encode_multipart

    values = MultiDict(fields or {})
    values["image"] = FileStorage(io.BytesIO(data), filename=name)
    stream, length, boundary = stream_encode_multipart(values)
    try:
        return client.post(path, input_stream=stream, content_length=length,
                           content_type=f'multipart/form-data; boundary="{boundary}"')  # fmt: skip
    finally:
        stream.close()


def in_scene(image, size=(1600, 1200), at=(300, 420)):
    """A code in a larger, greyish photo, as a JPEG."""
    scene = np.full((size[1], size[0], 3), 170, np.uint8)
    h, w = image.shape[:2]
    scene[at[1] : at[1] + h, at[0] : at[0] + w] = image
    return encode(scene, ".jpg")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ean13", [("gtin", "barcode:EAN13")]),
        ("code128", [("serial", "barcode:CODE128")]),
        ("qr", [("serial", "barcode:QRCODE")]),
        ("datamatrix", [("serial", "barcode:DATAMATRIX")]),
        ("gs1-128", [("serial", "barcode:CODE128"), ("gtin", "barcode:CODE128")]),
    ],
)
def test_barcodes_give_their_candidates(client, name, expected):
    r = post_scan(client, in_scene(render(name)))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["image"] == {"width": 1600, "height": 1200}
    got = [(c["kind"], c["source"]) for c in body["candidates"] if c["source"] != "ocr"]
    assert sorted(got) == sorted(expected)
    for c in body["candidates"]:
        x, y, w, h = c["box"]
        assert 250 <= x <= 420 + w and y >= 380 and w > 0 and h > 0, c["box"]


def test_gs1_serial_is_its_own_candidate(client):
    body = post_scan(client, in_scene(render("gs1-128"))).get_json()
    serial = next(c for c in body["candidates"] if c["kind"] == "serial")
    assert serial["normalized"] == "ABC12345"
    assert serial["check"]["normalized"] == "ABC12345"
    gtin = next(c for c in body["candidates"] if c["kind"] == "gtin")
    assert gtin["check"] is None


def test_photo_of_a_stolen_items_code_gives_a_flagged_candidate(client, add_items):
    add_items({"kind": "serial", "identifier": "C02XK1Q2JG5H", "brand": "Apple"})
    body = post_scan(client, in_scene(render("code128"))).get_json()
    (candidate,) = [c for c in body["candidates"] if c["kind"] == "serial"]
    assert candidate["check"]["flagged"] is True
    assert candidate["check"]["matches"][0]["brand"] == "Apple"


def test_nothing_readable_is_an_empty_list(client):
    blank = encode(np.full((600, 800, 3), 200, np.uint8), ".png")
    r = post_scan(client, blank, "blank.png")
    assert r.status_code == 200 and r.get_json()["candidates"] == []


def _png_declaring(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("1", (width, height)).save(buf, "PNG")
    return buf.getvalue()


def _truncated_jpeg() -> bytes:
    return encode(render("qr"), ".jpg")[:600]


@pytest.mark.parametrize(
    ("make", "status", "code"),
    [
        (lambda: b"", 415, "not_an_image"),
        (lambda: b"this is plain text, not a photo\n" * 20, 415, "not_an_image"),
        (_truncated_jpeg, 422, "broken_image"),
        (lambda: _png_declaring(20000, 20000), 413, "image_too_large"),
        (lambda: b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024), 413, None),
    ],
    ids=["empty", "text-named-jpg", "truncated-jpeg", "png-bomb", "50mb"],
)
def test_bad_uploads_get_their_error_fast_and_the_server_keeps_answering(
    client, make, status, code
):
    data = make()
    start = time.monotonic()
    r = post_scan(client, data)
    assert time.monotonic() - start < 1.0
    assert r.status_code == status
    body = r.get_json()
    assert set(body) == {"error"} and body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    assert client.get("/api/v1/check", query_string={"q": "ABC123456"}).status_code == 200


def test_missing_field_is_400(client):
    r = client.post("/api/v1/scan", data={"photo": (io.BytesIO(b"x"), "a.jpg")},
                    content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "missing_image"


def test_exif_orientation_is_honoured(client):
    image = Image.fromarray(cv2.cvtColor(render("code128"), cv2.COLOR_BGR2RGB)).rotate(
        90, expand=True
    )
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=exif, quality=95)
    body = post_scan(client, buf.getvalue()).get_json()
    assert body["image"]["width"] > body["image"]["height"]  # as the user sees it
    assert [c["kind"] for c in body["candidates"]] == ["serial"]


def test_scan_capacity_full_is_503_with_retry_after(app_with):
    from stopheling.stolen import scanning

    app = app_with(SCAN_CONCURRENCY=1)
    slot = scanning._semaphore(1)
    slot.acquire()
    try:
        r = post_scan(app.test_client(), in_scene(render("qr")))
    finally:
        slot.release()
    assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
    assert r.get_json()["error"]["code"] == "busy"


def test_scan_page_shows_candidate_box_and_result(client, add_items):
    add_items({"kind": "serial", "identifier": "5CG7301XYZ", "police_unit": "LB"})
    form = client.get("/scannen").get_data(as_text=True)
    assert 'accept="image/*"' in form and 'capture="environment"' in form
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    r = post_scan(client, in_scene(render("datamatrix")), path="/scannen",
                  fields={"csrf_token": token})  # fmt: skip
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "5CG7301XYZ" in page and "Eenheid Limburg" in page
    assert 'class="box flagged"' in page and "data:image/jpeg;base64," in page


def test_scan_page_needs_the_csrf_token(client):
    r = client.post("/scannen", data={"image": (io.BytesIO(b"x"), "p.jpg")},
                    content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 400


# --- text: plates, labels, the *#06# screen (OCR) -------------------------------------


def _plate_photo(text: str) -> bytes:
    import random

    from tests.scan.ocr_corpus import car_scene, render_plate

    scene = car_scene(random.Random(3), (1600, 1200))
    plate = render_plate(text, "yellow", height=95)
    h, w = plate.shape[:2]
    scene[760 : 760 + h, 560 : 560 + w] = plate
    return encode(scene, ".jpg")


def _sticker_photo(lines: list[str]) -> bytes:
    import random

    from tests.scan.ocr_corpus import on_surface, render_sticker

    sticker, _ = render_sticker(lines, "DejaVuSans.ttf", 40)
    scene, _ = on_surface(random.Random(5), sticker, (1600, 1200))
    return encode(scene, ".jpg")


@pytest.mark.parametrize("plate", ["TF-83-PD", "52-HZK-7", "GB-123-K", "G-001-BB", "ZLR-07-X"])
def test_photo_of_a_dutch_plate_gives_the_plate(client, plate):
    body = post_scan(client, _plate_photo(plate)).get_json()
    plates = [c for c in body["candidates"] if c["kind"] == "plate"]
    assert plates and plates[0]["text"] == plate, body["candidates"]
    assert plates[0]["normalized"] == plate.replace("-", "") and plates[0]["source"] == "ocr"
    assert plates[0]["check"]["kind"] == "plate"


def test_serial_label_gives_the_serial_and_a_stolen_one_is_flagged(client, add_items):
    add_items({"kind": "serial", "identifier": "C02XK1Q2JG5H", "category": "computer"})
    label = ["Apple Inc.", "Model: A2338", "S/N: C02XK1Q2JG5H", "Made in China"]
    body = post_scan(client, _sticker_photo(label)).get_json()
    serials = [c for c in body["candidates"] if c["kind"] == "serial"]
    assert [c["normalized"] for c in serials] == ["C02XK1Q2JG5H"], body["candidates"]
    assert serials[0]["check"]["flagged"] is True


def test_imei_screen_gives_both_imeis(client):
    import random

    from tests.scan.ocr_corpus import screen_sample

    sample = screen_sample(1, random.Random(21), (1280, 960))
    body = post_scan(client, encode(sample.image, ".png"), "screenshot.png").get_json()
    imeis = {c["normalized"] for c in body["candidates"] if c["kind"] == "imei" and c["valid"]}
    assert imeis == {text for kind, text in sample.truths}
