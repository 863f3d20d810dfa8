"""A rendered, seeded corpus for the plate and label readers (tests and bench/scan_ocr.py).

No real photos may be shipped, so the corpus is drawn: Dutch plates in sidecodes
1-11 (consonants only from sidecode 4 on) in a condensed bold DIN-like font on
a yellow plate with the blue NL band, white and faded plates and square moped
plates, each on a grey car-ish scene; serial and IMEI stickers with the text
around them that real ones have; and ``*#06#`` screens. Every image then goes
through one of the shared photo degradations (:mod:`tests.scan.degrade`).

Each sample also carries the already located crop of every value (the plate
itself, the sticker line) with the same photometric damage, so the bench can
compare the raw recognizer with the whole reader.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from stopheling.matching import Outcome, compare, parse
from stopheling.matching.imei import luhn_check_digit
from stopheling.matching.plate import SIDECODES
from stopheling.scan.ocr import TextLine
from stopheling.scan.plate_text import CONFIDENT
from stopheling.scan.types import Candidate

from .degrade import DEGRADATIONS, Image, small_in_frame

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"))
PLATE_FONT = "DejaVuSansCondensed-Bold.ttf"
LABEL_FONTS = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansCondensed.ttf",
    "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationMono-Regular.ttf",
    "LiberationSansNarrow-Regular.ttf",
)  # fmt: skip
OLD_LETTERS = "ABDEFGHJKLMNPRSTUVXZ"  # sidecodes 1-3 could hold vowels
MODERN_LETTERS = "BDFGHJKLNPRSTVXZ"  # the normal alphabet from sidecode 4 on
SERIAL_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # no I or O, like Apple's
TACS = ("35693803", "35290611", "86761203", "49015420", "35445309", "01332700")
PHOTOMETRIC = frozenset({"blur", "motion_blur", "noise", "jpeg", "low_contrast"})
PLATE_STYLES = ("yellow", "yellow", "yellow", "yellow", "yellow", "white", "faded", "square")

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Sample:
    """One corpus image and what a perfect reader would return for it."""

    name: str
    family: str  # "plate", "label" or "screen"
    degradation: str
    image: Image
    truths: tuple[tuple[str, str], ...]  # (kind, text as printed)
    crops: tuple[tuple[str, Image], ...]  # (text, its already located crop)
    variant: str = ""  # plates: the style (yellow, white, faded, square)


@cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for base in FONT_DIRS:
        for path in base.rglob(name):
            return ImageFont.truetype(str(path), size)
    raise FileNotFoundError(name)


def available_fonts(names: tuple[str, ...]) -> tuple[str, ...]:
    """The fonts of ``names`` installed here (fonts-dejavu-core is the only one required)."""
    found = []
    for name in names:
        try:
            font(name, 10)
        except FileNotFoundError:
            continue
        found.append(name)
    return tuple(found)


def to_bgr(img: PILImage.Image) -> Image:
    return cv2.cvtColor(np.asarray(img.convert("RGB")), cv2.COLOR_RGB2BGR)


# --- identifiers ---------------------------------------------------------------


def random_plate(rng: random.Random, sc: int) -> str:
    """A plate of sidecode ``sc`` with dashes, letters as issued in that series."""
    letters = OLD_LETTERS if sc <= 3 else MODERN_LETTERS
    return "-".join(
        "".join(rng.choice(letters if g[0] == "X" else "0123456789") for _ in g)
        for g in SIDECODES[sc]
    )


def random_imei(rng: random.Random) -> str:
    body = rng.choice(TACS) + "".join(rng.choice("0123456789") for _ in range(6))
    return body + str(luhn_check_digit(body))


def random_serial(rng: random.Random) -> str:
    return "".join(rng.choice(SERIAL_CHARS) for _ in range(rng.choice((10, 11, 12))))


def spaced_imei(imei: str, style: int) -> str:
    """The ways IMEIs are printed: plain, grouped 2-6-6-1, or with dashes."""
    if style == 0:
        return imei
    groups = (imei[:2], imei[2:8], imei[8:14], imei[14:])
    return (" " if style == 1 else "-").join(groups)


# --- plates --------------------------------------------------------------------


def render_plate(text: str, style: str, height: int = 110) -> Image:
    """A plate 520x110 mm (or a two-line moped plate 145x125 mm) at ``height`` px."""
    if style == "square":
        return _render_square_plate(text, height)
    k = height / 110
    width = round(520 * k)
    bg, ink = {"yellow": ((247, 200, 0), (10, 10, 10)), "white": ((240, 240, 236), (15, 15, 15)),
               "faded": ((236, 220, 150), (70, 70, 70))}[style]  # fmt: skip
    img = PILImage.new("RGB", (width, height), (30, 30, 30))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((2, 2, width - 3, height - 3), radius=round(8 * k), fill=bg)
    band = round(46 * k)
    blue = (0, 51, 153) if style != "faded" else (70, 100, 160)
    draw.rounded_rectangle((2, 2, band, height - 3), radius=round(8 * k), fill=blue)
    _draw_eu_band(draw, band, height, k)
    f = _fitting_font(text, round(80 * k), 0.9 * (width - band))
    _draw_centered(draw, text, f, (band, 0, width, height), ink)
    return to_bgr(img)


def _draw_eu_band(draw: ImageDraw.ImageDraw, band: int, height: int, k: float) -> None:
    cx, cy, r = band / 2 + 1, 30 * k, 17 * k
    for i in range(12):
        a = i * np.pi / 6
        x, y = cx + r * np.cos(a), cy + r * np.sin(a)
        draw.ellipse((x - 2.5 * k, y - 2.5 * k, x + 2.5 * k, y + 2.5 * k), fill=(255, 204, 0))
    _draw_centered(draw, "NL", font("DejaVuSans-Bold.ttf", round(26 * k)),
                   (2, round(58 * k), band, height - 4), (255, 255, 255))  # fmt: skip


def _render_square_plate(text: str, height: int) -> Image:
    top, bottom = text.rsplit("-", 1)
    width = round(height * 145 / 125)
    img = PILImage.new("RGB", (width, height), (30, 30, 30))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((2, 2, width - 3, height - 3), radius=height // 14, fill=(247, 200, 0))
    f = _fitting_font(top, round(height * 0.36), 0.88 * width)
    _draw_centered(draw, top, f, (0, 0, width, height // 2), (10, 10, 10))
    _draw_centered(draw, bottom, f, (0, height // 2, width, height), (10, 10, 10))
    return to_bgr(img)


def _fitting_font(text: str, size: int, max_width: float) -> ImageFont.FreeTypeFont:
    """The plate font at ``size``, or smaller where ``text`` would be wider than ``max_width``."""
    f = font(PLATE_FONT, size)
    return font(PLATE_FONT, max(8, int(size * min(1.0, max_width / f.getlength(text)))))


def _draw_centered(
    draw: ImageDraw.ImageDraw,
    text: str,
    f: ImageFont.FreeTypeFont,
    area: tuple[float, float, float, float],
    fill: RGB,
) -> None:
    x0, y0, x1, y1 = area
    left, top, right, bottom = draw.textbbox((0, 0), text, font=f)
    x = x0 + (x1 - x0 - (right - left)) / 2 - left
    y = y0 + (y1 - y0 - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=f, fill=fill)


def car_scene(rng: random.Random, size: tuple[int, int]) -> Image:
    """A grey street with the back of a car: body, bumper, lights; no yellow."""
    w, h = size
    img = PILImage.new("RGB", size, (rng.randint(90, 170),) * 3)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, h * 0.75, w, h), fill=(rng.randint(50, 90),) * 3)
    body = rng.choice(
        [(40, 40, 45), (190, 190, 195), (150, 20, 25), (25, 50, 120), (230, 230, 230)]
    )
    draw.rounded_rectangle((w * 0.08, h * 0.12, w * 0.92, h * 0.82), radius=h // 12, fill=body)
    draw.rectangle((w * 0.1, h * 0.56, w * 0.9, h * 0.76), fill=(35, 35, 38))
    for x in (0.14, 0.74):
        draw.rounded_rectangle((w * x, h * 0.38, w * (x + 0.12), h * 0.48), radius=8,
                               fill=(200, 40, 40))  # fmt: skip
    grain = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 6, (h // 4, w // 4, 1))
    grain = cv2.resize(grain.astype(np.float32), (w, h))[:, :, None]
    return (to_bgr(img) + grain).clip(0, 255).astype(np.uint8)


def plate_sample(i: int, rng: random.Random, size: tuple[int, int]) -> Sample:
    sc = 1 + i % 11
    style = PLATE_STYLES[(i // 11) % len(PLATE_STYLES)]
    text = random_plate(rng, sc)
    scene = car_scene(rng, size)
    plate_w = rng.uniform(0.2, 0.32) * size[0]
    plate = render_plate(
        text, style, height=round(plate_w * (110 / 520 if style != "square" else 0.86))
    )
    ph, pw = plate.shape[:2]
    x = round(size[0] / 2 - pw / 2 + rng.uniform(-0.15, 0.15) * size[0])
    y = round(size[1] * 0.66 - ph / 2)
    scene[y : y + ph, x : x + pw] = plate
    band = 0 if style == "square" else round(pw * 48 / 520)
    sample = _degraded("plate", i, scene, (("plate", text),), ((text, plate[:, band:]),))
    return replace(sample, variant=style)


def _degraded(
    family: str,
    i: int,
    image: Image,
    truths: tuple[tuple[str, str], ...],
    crops: tuple[tuple[str, Image], ...],
) -> Sample:
    """Apply degradation number ``i`` (cycling) to the scene and, if photometric, to the crops."""
    names = list(DEGRADATIONS)
    name = names[i % len(names)]
    degrade = _degradation(name)
    crops = tuple((t, degrade(c, i) if name in PHOTOMETRIC else c) for t, c in crops)
    return Sample(f"{family}-{i:03d}-{name}", family, name, degrade(image, i), truths, crops)


def _degradation(name: str) -> Callable[[Image, int], Image]:
    """The shared degradation, except "small in frame" keeps the item big enough to read:
    the shared default (18 % of the frame for the whole scene) would leave a plate 10 px high."""
    if name == "small_in_frame":
        return lambda im, seed: small_in_frame(im, fraction=0.5, seed=seed)
    return DEGRADATIONS[name]


# --- labels and screens --------------------------------------------------------


def label_lines(rng: random.Random, kind: int) -> tuple[list[str], list[tuple[str, str, int]]]:
    """The text lines of one sticker and its truths as (kind, value, line index)."""
    serial = random_serial(rng)
    sn_word = rng.choice(("S/N:", "SN:", "Serial No.:", "Serial No.", "Serienummer:", "S/N"))
    if kind == 0:  # a device's serial sticker
        model = f"Model: A{rng.randint(1000, 2999)}"
        lines = [rng.choice(("Apple Inc.", "Lenovo", "Dell Inc.", "HP")), model,
                 f"{sn_word} {serial}", "Made in China"]  # fmt: skip
        return lines, [("serial", serial, 2)]
    if kind == 1:  # a phone box: one or two IMEIs and a serial
        imeis = [random_imei(rng) for _ in range(rng.choice((1, 2)))]
        style = rng.randint(0, 2)
        words = ["IMEI:"] if len(imeis) == 1 else ["IMEI1:", "IMEI2:"]
        lines = [rng.choice(("Galaxy A52 128GB", "iPhone 13 Blue", "Pixel 7 Obsidian"))]
        lines += [f"{w} {spaced_imei(m, style)}" for w, m in zip(words, imeis, strict=True)]
        lines += [f"S/N: {serial}", "EAN 8806092145873"]
        truths = [("imei", m, 1 + j) for j, m in enumerate(imeis)]
        return lines, truths + [("serial", serial, len(lines) - 2)]
    frame = "".join(rng.choice(MODERN_LETTERS) for _ in range(2)) + str(
        rng.randint(10**6, 10**7 - 1)
    )
    word = rng.choice(("Framenummer:", "Frame No.:", "Frame:"))
    return ["Batavus B.V.", "Type: Finez E-go", f"{word} {frame}"], [("frame", frame, 2)]


def render_sticker(
    lines: list[str], font_name: str, size: int
) -> tuple[Image, list[tuple[int, ...]]]:
    """Black text on a white sticker with a fake barcode; returns the line boxes too."""
    f = font(font_name, size)
    gap = round(size * 0.45)
    width = max(round(f.getlength(line)) for line in lines) + 2 * size
    height = len(lines) * (size + gap) + 3 * size
    img = PILImage.new("RGB", (width, height), (250, 250, 247))
    draw = ImageDraw.Draw(img)
    boxes = []
    for j, line in enumerate(lines):
        x, y = size, size + j * (size + gap)
        draw.text((x, y), line, font=f, fill=(10, 10, 10))
        boxes.append(tuple(round(v) for v in draw.textbbox((x, y), line, font=f)))
    _draw_barcode(draw, (size, height - 2 * size, width - size, height - size // 2), len(lines))
    return to_bgr(img), boxes


def _draw_barcode(draw: ImageDraw.ImageDraw, area: tuple[int, int, int, int], seed: int) -> None:
    rng = random.Random(seed)
    x0, y0, x1, y1 = area
    x = x0
    while x < x1 - 4:
        w = rng.choice((1, 2, 3))
        draw.rectangle((x, y0, x + w, y1), fill=(0, 0, 0))
        x += w + rng.choice((1, 2, 3))


def on_surface(rng: random.Random, item: Image, size: tuple[int, int]) -> tuple[Image, float]:
    """``item`` scaled to 45-70 % of the width, on cardboard, a table or a device's back."""
    w, h = size
    colour = rng.choice([(60, 110, 160), (120, 120, 120), (40, 40, 40), (200, 200, 205)])
    scene = np.full((h, w, 3), colour, np.uint8)
    s = min(rng.uniform(0.45, 0.7) * w / item.shape[1], 0.85 * h / item.shape[0])
    item = cv2.resize(item, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    ih, iw = item.shape[:2]
    y, x = rng.randint(0, h - ih), rng.randint(0, w - iw)
    scene[y : y + ih, x : x + iw] = item
    return scene, s


def label_sample(i: int, rng: random.Random, size: tuple[int, int]) -> Sample:
    lines, truths = label_lines(rng, i % 3)
    sticker, boxes = render_sticker(lines, rng.choice(available_fonts(LABEL_FONTS)), 40)
    scene, s = on_surface(rng, sticker, size)
    crops = tuple((v, _line_crop(sticker, boxes[j], s)) for _, v, j in truths)
    return _degraded("label", i, scene, tuple((k, v) for k, v, _ in truths), crops)


def _line_crop(image: Image, box: tuple[int, ...], scale: float) -> Image:
    x0, y0, x1, y1 = box
    pad = (y1 - y0) // 3
    crop = image[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
    return cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def screen_sample(i: int, rng: random.Random, size: tuple[int, int]) -> Sample:
    """A phone's ``*#06#`` dialog: IMEI1/IMEI2 on the label line or the line below."""
    dark = i % 2 == 0
    bg, ink = ((18, 18, 18), (235, 235, 235)) if dark else ((250, 250, 250), (20, 20, 20))
    imeis = [random_imei(rng) for _ in range(2)]
    below = rng.random() < 0.5
    lines = ["IMEI"]
    for j, m in enumerate(imeis, 1):
        lines += [f"IMEI{j}", m] if below else [f"IMEI{j}: {m}"]
    lines += [f"MEID: {imeis[0][:14]}", "OK"]
    width, height = 720, 1280
    img = PILImage.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(img)
    f = font(rng.choice(available_fonts(("DejaVuSans.ttf", "LiberationSans-Regular.ttf"))), 34)
    boxes = []
    for j, line in enumerate(lines):
        y = 360 + j * 62
        draw.text((70, y), line, font=f, fill=ink)
        boxes.append(draw.textbbox((70, y), line, font=f))
    screen = to_bgr(img)
    value_rows = [j for j, line in enumerate(lines) if any(m in line for m in imeis)]
    scene, s = on_surface(rng, screen, size) if i % 3 else (screen, 1.0)
    crops = tuple(
        (m, _line_crop(screen, boxes[j], s)) for m, j in zip(imeis, value_rows, strict=True)
    )
    return _degraded("screen", i, scene, tuple(("imei", m) for m in imeis), crops)


# --- the corpus ----------------------------------------------------------------


def plate_corpus(n: int, size: tuple[int, int] = (1280, 960), seed: int = 7) -> list[Sample]:
    rng = random.Random(seed)
    return [plate_sample(i, rng, size) for i in range(n)]


def label_corpus(
    n_labels: int, n_screens: int, size: tuple[int, int] = (1280, 960), seed: int = 11
) -> list[Sample]:
    rng = random.Random(seed)
    labels = [label_sample(i, rng, size) for i in range(n_labels)]
    return labels + [screen_sample(i, rng, size) for i in range(n_screens)]


def iter_truths(samples: list[Sample]) -> Iterator[tuple[Sample, str, str]]:
    for sample in samples:
        for kind, text in sample.truths:
            yield sample, kind, text


# --- scoring (shared by the tests and the bench) -------------------------------


@dataclass(frozen=True)
class Score:
    """How a reader did on one family of samples."""

    total: int  # plates, or labelled values
    read: int  # the right value found (plates: among the confident candidates)
    wrong: int  # plates: images with a confident candidate that is another plate;
    #             labels: a candidate of a kind whose value is no truth of that kind
    seconds: tuple[float, ...]  # per image

    @property
    def read_rate(self) -> float:
        return self.read / max(1, self.total)

    @property
    def wrong_rate(self) -> float:
        return self.wrong / max(1, self.total)

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.seconds, q)) if self.seconds else 0.0


def same_value(kind: str, a: str, b: str) -> bool:
    """Equal under the matching core's rules: the register would report a match."""
    return compare(parse(a, kind), parse(b, kind)) is Outcome.MATCH


def score_plates(samples: list[Sample], find: Callable[[Image], list[Candidate]]) -> Score:
    read = wrong = 0
    seconds = []
    for sample in samples:
        t0 = time.perf_counter()
        candidates = find(sample.image)
        seconds.append(time.perf_counter() - t0)
        confident = {c.text for c in candidates if c.confidence >= CONFIDENT}
        read += sample.truths[0][1] in confident
        wrong += bool(confident - {sample.truths[0][1]})
    return Score(len(samples), read, wrong, tuple(seconds))


def score_labels(samples: list[Sample], find: Callable[[Image], list[Candidate]]) -> Score:
    read = wrong = total = 0
    seconds = []
    for sample in samples:
        t0 = time.perf_counter()
        candidates = [c for c in find(sample.image) if c.valid is not False]
        seconds.append(time.perf_counter() - t0)
        total += len(sample.truths)
        read += sum(
            any(c.kind == k and same_value(k, c.text, t) for c in candidates)
            for k, t in sample.truths
        )
        wrong += sum(
            not any(k == c.kind and same_value(k, c.text, t) for k, t in sample.truths)
            for c in candidates
        )
    return Score(total, read, wrong, tuple(seconds))


def score_crops(samples: list[Sample], recognize: Callable[[Image], TextLine | None]) -> Score:
    """The raw recognizer on the already located crops: right if the characters are all there."""
    read = wrong = 0
    seconds = []
    for _, text, crop in ((s, t, c) for s in samples for t, c in s.crops):
        t0 = time.perf_counter()
        line = recognize(crop)
        seconds.append(time.perf_counter() - t0)
        got = re.sub(r"[^A-Z0-9]", "", line.text.upper()) if line else ""
        want = re.sub(r"[^A-Z0-9]", "", text.upper())
        read += want == got or (len(want) > 6 and want in got)
        wrong += bool(got) and want not in got
    return Score(len(seconds), read, wrong, tuple(seconds))
