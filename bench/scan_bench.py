"""POST /api/v1/scan per image kind at 12 megapixels, against the raw decoders.

The photos are drawn by the test corpora (tests/scan/corpus.py for the barcode,
tests/scan/ocr_corpus.py for the plate and the label) on a 4032x3024 scene and sent
as JPEG. The raw time is the decoders alone on the already decoded working image
(what ``load_image`` gives the pipeline): zxing-cpp for barcodes plus RapidOCR's
detection and recognition for text, the two a photo of unknown content needs.
"""

from __future__ import annotations

import json
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from bench.http_load import HOST

SIZE = (4032, 3024)


def photos() -> dict[str, bytes]:
    from tests.scan.corpus import render
    from tests.scan.ocr_corpus import label_sample, plate_sample

    rng = random.Random(12)
    scene = np.full((SIZE[1], SIZE[0], 3), (150, 140, 130), np.uint8)
    scene = cv2.GaussianBlur(
        np.random.default_rng(3).integers(90, 200, scene.shape, np.uint8), (0, 0), 6
    )
    code = render("code128", module_px=8)
    h, w = code.shape[:2]
    y, x = (SIZE[1] - h) // 2, (SIZE[0] - w) // 2
    scene[y : y + h, x : x + w] = code
    images = {
        "barcode": scene,
        "plate": plate_sample(0, rng, SIZE).image,
        "label": label_sample(0, rng, SIZE).image,
    }
    return {k: _jpeg(v) for k, v in images.items()}


def _jpeg(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 88])
    assert ok
    return buf.tobytes()


def post_scan(port: int, data: bytes) -> tuple[int, bytes]:
    import http.client

    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="p.jpg"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        conn.request("POST", "/api/v1/scan", body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _texts(status: int, body: bytes) -> list[str]:
    if status != 200:
        return []
    return [c["text"] for c in json.loads(body)["candidates"]]


def _median_ms(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def raw_decoders(data: bytes, repeats: int) -> dict[str, float]:
    import zxingcpp

    from stopheling.scan.loader import load_image
    from stopheling.scan.ocr import get_recognizer

    bgr = load_image(data).bgr
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    ocr = get_recognizer("rapidocr")
    ocr.detect_and_recognize(bgr)  # load the models before timing
    barcode_ms = _median_ms(lambda: zxingcpp.read_barcodes(gray), repeats)
    ocr_ms = _median_ms(lambda: ocr.detect_and_recognize(bgr), repeats)
    return {"zxing_ms": barcode_ms, "rapidocr_ms": ocr_ms, "raw_ms": barcode_ms + ocr_ms}


def measure_scans(port: int, repeats: int) -> dict[str, Any]:
    images = photos()
    for _ in range(4):  # every worker loads its OCR models on its first scan
        post_scan(port, images["label"])
    results: dict[str, Any] = {}
    for kind, data in images.items():
        status, body = post_scan(port, data)
        endpoint_ms = _median_ms(lambda data=data: post_scan(port, data), repeats)
        raw = raw_decoders(data, repeats)
        results[kind] = {
            "bytes": len(data), "status": status, "found": _texts(status, body),
            "endpoint_ms": endpoint_ms, **raw, "ratio": round(endpoint_ms / raw["raw_ms"], 2),
        }  # fmt: skip
    return results
