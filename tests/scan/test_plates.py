"""Plate reading: the sidecode repair table, then the reader on a rendered, degraded corpus."""

from __future__ import annotations

import random
import statistics
import time

import numpy as np
import pytest

from stopheling.scan.ocr import Recognizer, TextLine, get_recognizer
from stopheling.scan.plate_text import CONFIDENT, read_plate_text, split_reading
from stopheling.scan.plates import find_plates

from .ocr_corpus import Sample, car_scene, plate_corpus, render_plate, score_plates

# 9 plates per issued sidecode; every style and degradation occurs.
N_PLATES = 99


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    return get_recognizer("rapidocr")


@pytest.fixture(scope="module")
def corpus() -> list[Sample]:
    return plate_corpus(N_PLATES)


# --- text → plate: a plain table ---------------------------------------------------

REPAIRS = [
    # raw OCR text, expected plate (None: no sidecode fits), corrections, ambiguous
    ("52-HZK-7", "52-HZK-7", 0, False),
    ("52hzk7", "52-HZK-7", 0, False),
    ("NL 52-HZK-7", "52-HZK-7", 0, False),  # EU band read along
    ("52一HZK一7", "52-HZK-7", 0, False),  # PP-OCR's CJK dash
    ("S2-HZK-7", "52-HZK-7", 1, False),  # S/5 in a digit group
    ("52-H2K-7", "52-HZK-7", 1, False),  # Z/2 in a letter group
    ("52-HZK-T", "52-HZK-7", 1, False),  # T/7
    ("6-001-BB", "G-001-BB", 1, False),  # G/6
    ("G-0O1-BB", "G-001-BB", 1, False),  # O/0: O is never a digit
    ("G-001-B8", "G-001-BB", 1, False),  # B/8
    ("XF-8OO-H", "XF-800-H", 2, False),
    ("1-TXX-3I", "1-TXX-31", 1, False),  # I/1
    ("0B-12-DF", "DB-12-DF", 1, True),  # D-first sidecode 4, or 08-12-DF of sidecode 2
    ("K12BBB", "K-128-BB", 1, True),  # sidecode 10 with B/8, or reserved sidecode 12
    ("AB-12-CD", None, 0, False),  # vowel and C in sidecode 4: nothing explains them
    ("HZK-7", None, 0, False),  # too short
    ("52-HZX-74", None, 0, False),  # too long
    ("", None, 0, False),
]


@pytest.mark.parametrize(("raw", "plate", "corrections", "ambiguous"), REPAIRS)
def test_sidecode_repair(raw: str, plate: str | None, corrections: int, ambiguous: bool) -> None:
    reading = read_plate_text(raw)
    if plate is None:
        assert reading is None
        return
    assert reading is not None
    assert (reading.display, len(reading.corrections), reading.ambiguous) == (
        plate,
        corrections,
        ambiguous,
    )


def test_modern_letter_groups_never_get_o_or_i() -> None:
    """A 0 read in a modern letter group can only be D; a 1 there explains nothing."""
    reading = read_plate_text("52-H0K-7")
    assert reading is not None and reading.display == "52-HDK-7"
    assert read_plate_text("52-H1K-7") is None


def test_old_series_zero_in_a_letter_group_is_ambiguous() -> None:
    """Sidecodes 1-3 had vowels, so a 0 there may be D or O: no confident guess."""
    reading = read_plate_text("0A-12-34")
    assert reading is not None and reading.ambiguous
    assert reading.confidence(0.99) < CONFIDENT


def test_read_dashes_restrict_the_sidecode() -> None:
    # Without dashes "7SZTS8" is 75-ZTS-8 (sidecode 7, S/5) or 7-SZT-58 (sidecode 8, S/5):
    # a tie, so no confident plate. The dashes read decide between them.
    undecided = read_plate_text("7SZTS8")
    assert undecided is not None and undecided.ambiguous
    reading = read_plate_text("7-SZT-S8")
    assert reading is not None and not reading.ambiguous
    assert (reading.display, reading.dashes) == ("7-SZT-58", True)


def test_dashes_that_fit_no_sidecode_lower_confidence() -> None:
    plain, odd = read_plate_text("52HZK7"), read_plate_text("52H-ZK7")
    assert plain is not None and odd is not None and odd.dashes is False
    assert odd.confidence(0.95) < plain.confidence(0.95)


def test_each_correction_lowers_confidence() -> None:
    clean, fixed = read_plate_text("52-HZK-7"), read_plate_text("S2-HZK-T")
    assert clean is not None and fixed is not None
    assert fixed.confidence(0.95) < clean.confidence(0.95)
    assert fixed.notes() == ("corrected S→5 at 1", "corrected T→7 at 6")


def test_split_reading_drops_the_eu_band_and_keeps_dash_positions() -> None:
    assert split_reading("NL-52-HZK-7") == ("52HZK7", frozenset({2, 5}))
    assert split_reading("52 HZK 7") == ("52HZK7", frozenset())


# --- the image reader --------------------------------------------------------------


def test_plate_box_is_in_the_coordinates_of_the_image(recognizer: Recognizer) -> None:
    rng = random.Random(3)
    scene = car_scene(rng, (1600, 1200))
    plate = render_plate("52-HZK-7", "yellow", height=90)
    scene[700:790, 500 : 500 + plate.shape[1]] = plate
    [candidate] = find_plates(scene, recognizer)
    assert (candidate.kind, candidate.text, candidate.source) == ("plate", "52-HZK-7", "ocr")
    x, y, w, h = candidate.box
    assert abs(x - 540) < 15 and abs(y - 700) < 10 and abs(h - 90) < 12


def test_no_plate_no_candidate(recognizer: Recognizer) -> None:
    assert find_plates(car_scene(random.Random(5), (1280, 960)), recognizer) == []
    assert find_plates(np.zeros((300, 400, 3), np.uint8), recognizer) == []


def test_scene_text_is_only_a_maybe_plate(recognizer: Recognizer) -> None:
    """Lines from full-image detection are used when no plate is located, never confidently."""
    blank = np.full((400, 600, 3), 128, np.uint8)
    lines = [TextLine("52-HZK-7", 0.99, (10, 20, 200, 40)), TextLine("3ZG991", 0.99, (0, 0, 9, 9))]
    [candidate] = find_plates(blank, recognizer, text_lines=lines)
    assert (candidate.text, candidate.box) == ("52-HZK-7", (10, 20, 200, 40))
    assert candidate.confidence < CONFIDENT and "no plate outline" in candidate.notes


def test_plates_on_the_corpus(corpus: list[Sample], recognizer: Recognizer) -> None:
    """Measured 98/99 read, 0 wrong here; bench (198 plates at 2 MP): 99.5 %, 0 wrong."""
    score = score_plates(corpus, lambda im: find_plates(im, recognizer))
    assert score.read_rate >= 0.95, score
    assert score.wrong_rate <= 0.02, score


@pytest.mark.parametrize("style", ["white", "faded", "square"])
def test_plate_styles_without_full_yellow(
    corpus: list[Sample], recognizer: Recognizer, style: str
) -> None:
    """White and faded plates are found by their outline, square ones read as two rows."""
    samples = [s for s in corpus if s.variant == style]
    score = score_plates(samples, lambda im: find_plates(im, recognizer))
    assert score.read_rate >= 0.8 and score.wrong == 0, (style, score)  # measured 10-11 of 11


def test_plate_time_per_image(corpus: list[Sample], recognizer: Recognizer) -> None:
    """The goal is a median of 100 ms on one core; the bound is loose for a shared CI box."""
    times = []
    for sample in corpus[:20]:
        t0 = time.perf_counter()
        find_plates(sample.image, recognizer)
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 0.25
