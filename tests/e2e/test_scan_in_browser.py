"""A citizen uploads a photo on the scan page in a real browser (JavaScript on, so the
photo is downscaled in the browser first) and sees the candidate, its box and result."""

import numpy as np
import pytest

from tests.scan.corpus import encode, render

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_upload_photo_and_see_candidate_box_and_result(live_server, page, add_items, tmp_path):
    add_items({"kind": "serial", "identifier": "C02XK1Q2JG5H", "brand": "Apple",
               "police_unit": "OB"})  # fmt: skip
    scene = np.random.default_rng(1).integers(90, 200, (3000, 4000, 3), dtype=np.uint8)
    code = np.repeat(np.repeat(render("code128"), 4, axis=0), 4, axis=1)
    scene[1200 : 1200 + code.shape[0], 800 : 800 + code.shape[1]] = code
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(encode(scene, ".jpg"))  # a noisy 12-megapixel JPEG of several MB

    page.goto(live_server + "/scannen")
    page.get_by_label("Foto").set_input_files(str(photo))
    with page.expect_request(lambda r: r.method == "POST") as upload:
        page.get_by_role("button", name="Lezen en controleren").click()
    sent = int(upload.value.all_headers().get("content-length", 0))
    assert 0 < sent < photo.stat().st_size / 2  # downscaled in the browser before upload
    page.wait_for_url("**/scannen")
    page.wait_for_selector("ol.candidates")

    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Let op: op deze foto staat iets dat als gestolen is geregistreerd"
    candidate = page.locator("li.candidate.flagged")
    assert "C02XK1Q2JG5H" in candidate.inner_text()
    assert "Eenheid Oost-Brabant" in candidate.inner_text()
    box = page.locator(".scan-preview rect.box.flagged").bounding_box()
    photo_box = page.locator(".scan-preview img").bounding_box()
    assert box and photo_box and box["width"] > 0.25 * photo_box["width"]
    page.screenshot(path=str(tmp_path / "scan.png"), full_page=True)
    candidate.get_by_role("link", name="Bekijk wat u moet doen").click()
    page.wait_for_url("**/controleren?**")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Let op: dit staat geregistreerd als gestolen"
    )
