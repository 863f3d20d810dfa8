"""Barcode reading: every symbology, GS1 serials, doubt marking, degraded and real photos."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from stopheling.scan import barcodes
from stopheling.scan.barcodes import BarcodeRead, decode, deskew, dominant_angle, read_barcodes
from stopheling.scan.loader import load_image

from .corpus import BY_NAME, SPECS, Spec, render
from .degrade import DEGRADATIONS, rotate

SEEDS = (0, 1)
# Measured share of the degraded corpus read per code (2 seeds x 9 degradations = 18
# images each), floors set one image below: small 1D codes in a big frame and
# horizontal motion blur across EAN bars are the misses.
CORPUS_FLOORS = {
    "ean13": 16 / 18, "upca": 16 / 18, "code128": 15 / 18, "code39": 15 / 18, "itf": 17 / 18,
    "qr": 17 / 18, "datamatrix": 17 / 18, "pdf417": 17 / 18, "gs1-128": 15 / 18,
    "gs1-datamatrix": 17 / 18,
}  # fmt: skip
UNKNOWN_EXPECTED = "<unkown>"  # how the sample manifest marks a photo with unknown content
SAMPLE_FLOOR = 0.95


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_each_symbology_is_read(spec: Spec) -> None:
    image = render(spec.name)
    found = read_barcodes(image)
    assert sorted((c.kind, c.text) for c in found) == sorted(spec.expect)
    h, w = image.shape[:2]
    for c in found:
        assert c.source == f"barcode:{spec.symbology}"
        assert c.confirmed and c.confidence == 1.0 and not c.notes
        x, y, bw, bh = c.box
        assert x >= 0 and y >= 0 and bw > 0 and bh > 0 and x + bw <= w and y + bh <= h


def test_gs1_payload_keeps_its_group_separator() -> None:
    (read,) = decode(_gray(render("gs1-128")))
    assert read.gs1 and read.text == BY_NAME["gs1-128"].payload


def test_boxes_are_scaled_to_the_original_image() -> None:
    image = render("qr")
    (plain,) = read_barcodes(image)
    (scaled,) = read_barcodes(image, scale=2.5)
    assert scaled.box == pytest.approx(tuple(v * 2.5 for v in plain.box), abs=2)


def test_only_pyzbar_means_unconfirmed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(barcodes, "_zxing", lambda *a, **k: [])
    (found,) = read_barcodes(render("ean13"))
    assert (found.kind, found.text, found.source) == ("gtin", "8712345678906", "barcode:EAN13")
    assert not found.confirmed and found.confidence < 1 and found.notes == (barcodes.PYZBAR_ONLY,)


@pytest.mark.parametrize(
    ("rival_looks", "expected"),
    [(1, [("8712345678906", 0.5)]), (2, [("8712345678913", 2 / 3)]),
     (3, [("8712345678913", 0.75)])],
)  # fmt: skip
def test_disagreeing_second_looks_make_a_weak_read_unconfirmed(
    monkeypatch: pytest.MonkeyPatch, rival_looks: int, expected: list[tuple[str, float]]
) -> None:
    def looks(gray: np.ndarray, read: BarcodeRead) -> Iterator[list[BarcodeRead]]:
        rival = BarcodeRead("EAN13", "EANUPC", "8712345678913", False, read.quad)
        yield from [[rival]] * rival_looks
        yield []  # a look that reads nothing is no vote either way

    monkeypatch.setattr(barcodes, "_second_looks", looks)
    reads = decode(_gray(render("ean13")))
    assert [(r.text, pytest.approx(r.support)) for r in reads] == expected
    assert all(not r.confirmed and r.doubt == barcodes.DISAGREED for r in reads)


def test_a_rival_read_twice_is_reported_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def looks(gray: np.ndarray, read: BarcodeRead) -> Iterator[list[BarcodeRead]]:
        yield [read]
        yield [replace(read, text="8712345678913")]
        yield [replace(read, text="8712345678913")]

    monkeypatch.setattr(barcodes, "_second_looks", looks)
    reads = decode(_gray(render("ean13")))
    assert sorted(r.text for r in reads) == ["8712345678906", "8712345678913"]
    assert not any(r.confirmed for r in reads)


def test_strong_check_codes_skip_second_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("second looks are for weak-check symbologies only")

    monkeypatch.setattr(barcodes, "_second_looks", fail)
    assert decode(_gray(render("code128")))[0].confirmed


def test_deskew_straightens_a_tilted_code() -> None:
    tilted = _gray(rotate(render("code128"), 25))
    assert dominant_angle(tilted) == pytest.approx(155, abs=3)  # bars' normal, mod 180
    straight, back = deskew(tilted)
    assert abs((dominant_angle(straight) + 45) % 90 - 45) < 2
    assert back.shape == (2, 3)


def test_nothing_to_read_gives_nothing() -> None:
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)
    assert read_barcodes(noise) == []


@dataclass
class Tally:
    total: int = 0
    read: int = 0
    wrong: list[tuple[str, int, frozenset[tuple[str, str]]]] = field(default_factory=list)


@cache
def _corpus_tallies() -> dict[str, Tally]:
    """Every spec through every degradation and seed, scored on the candidates."""
    tallies = {s.name: Tally() for s in SPECS}
    for spec in SPECS:
        for name, degrade in DEGRADATIONS.items():
            for seed in SEEDS:
                found = {(c.kind, c.text) for c in read_barcodes(degrade(render(spec.name), seed))}
                t = tallies[spec.name]
                t.total += 1
                t.read += set(spec.expect) <= found
                if found - set(spec.expect):
                    t.wrong.append((name, seed, frozenset(found)))
    return tallies


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CORPUS_FLOORS))
def test_degraded_corpus_read_rate(name: str) -> None:
    tally = _corpus_tallies()[name]
    assert not tally.wrong
    assert tally.read / tally.total >= CORPUS_FLOORS[name] - 1e-9, tally


@pytest.mark.slow
def test_real_sample_photos(barcode_manifest: Path) -> None:
    """The real photos: read rate over those with known content, no confirmed misread."""
    known = read = 0
    confirmed_wrong: list[tuple[str, str]] = []
    for line in barcode_manifest.read_text(encoding="utf-8").splitlines():
        sample = json.loads(line)
        if sample["expected"] == UNKNOWN_EXPECTED:
            continue
        loaded = load_image((barcode_manifest.parent / sample["file"]).read_bytes())
        reads = decode(_gray(loaded.bgr))
        known += 1
        read += any(r.text == sample["expected"] for r in reads)
        confirmed_wrong += [(sample["file"], r.text) for r in reads
                            if r.confirmed and r.text != sample["expected"]]  # fmt: skip
    assert known >= 70
    assert not confirmed_wrong
    assert read / known >= SAMPLE_FLOOR, f"{read}/{known}"
