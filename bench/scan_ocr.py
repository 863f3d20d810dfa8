"""Benchmark the plate and label readers on the rendered OCR corpus, for both engines.

    python bench/scan_ocr.py [--plates 198] [--labels 45] [--screens 24]
                             [--engines rapidocr,tesseract]

Per family (plates, labels incl. ``*#06#`` screens) and engine it prints the read
rate, the wrong-read rate and the median / p95 time per image of our whole
reader (find_plates / find_labels on the scene), and the same for the raw
recognizer on the already located crop (the plate, the value's line), with
the ratio whole / raw: what localisation and parsing cost on top of reading.
The corpus is tests/scan/ocr_corpus.py; scenes are 1600x1200 (about 2 MP).
RapidOCR runs on one onnxruntime thread. Results go to bench/results/scan_ocr.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stopheling.scan.labels import find_labels  # noqa: E402
from stopheling.scan.ocr import Recognizer, TesseractRecognizer, get_recognizer  # noqa: E402
from stopheling.scan.plates import find_plates  # noqa: E402
from tests.scan.ocr_corpus import (  # noqa: E402
    Sample,
    Score,
    label_corpus,
    plate_corpus,
    score_crops,
    score_labels,
    score_plates,
)

SIZE = (1600, 1200)
PLATE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"


def recognizers(engine: str) -> tuple[Recognizer, Recognizer]:
    """(for plates, for labels): Tesseract reads plates best restricted to plate characters."""
    if engine == "tesseract":
        return TesseractRecognizer(whitelist=PLATE_CHARS), TesseractRecognizer()
    return get_recognizer(engine), get_recognizer(engine)


def summary(score: Score) -> dict[str, float | int]:
    return {
        "n": score.total,
        "read_rate": round(score.read_rate, 4),
        "wrong_rate": round(score.wrong_rate, 4),
        "median_ms": round(score.percentile(50) * 1000, 1),
        "p95_ms": round(score.percentile(95) * 1000, 1),
    }


def measure(
    samples: list[Sample],
    whole: Callable[[list[Sample]], Score],
    recognizer: Recognizer,
) -> dict[str, object]:
    reader, raw = summary(whole(samples)), summary(score_crops(samples, recognizer.recognize_line))
    ratio = reader["median_ms"] / max(raw["median_ms"], 0.1)
    return {"reader": reader, "raw_on_crop": raw, "time_ratio_reader_vs_raw": round(ratio, 1)}


def run_engine(engine: str, plates: list[Sample], labels: list[Sample]) -> dict[str, object]:
    for_plates, for_labels = recognizers(engine)
    return {
        "plates": measure(
            plates, lambda s: score_plates(s, lambda im: find_plates(im, for_plates)), for_plates
        ),
        "labels": measure(
            labels, lambda s: score_labels(s, lambda im: find_labels(im, for_labels)), for_labels
        ),
    }


def print_table(results: dict[str, dict[str, object]]) -> None:
    print(f"{'engine':10} {'family':7} {'what':12} {'n':>4} {'read':>7} {'wrong':>7} "
          f"{'median':>9} {'p95':>9} {'ratio':>6}")  # fmt: skip
    for engine, families in results.items():
        for family, m in families.items():
            assert isinstance(m, dict)
            for what in ("reader", "raw_on_crop"):
                r = m[what]
                ratio = f"{m['time_ratio_reader_vs_raw']:.1f}x" if what == "reader" else ""
                print(f"{engine:10} {family:7} {what:12} {r['n']:>4} {r['read_rate']:>7.1%} "
                      f"{r['wrong_rate']:>7.1%} {r['median_ms']:>7.1f}ms {r['p95_ms']:>7.1f}ms "
                      f"{ratio:>6}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plates", type=int, default=198)
    parser.add_argument("--labels", type=int, default=45)
    parser.add_argument("--screens", type=int, default=24)
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scan_ocr.json")
    args = parser.parse_args()

    plates = plate_corpus(args.plates, SIZE)
    labels = label_corpus(args.labels, args.screens, SIZE)
    results = {e: run_engine(e, plates, labels) for e in args.engines.split(",")}
    print_table(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"scene": list(SIZE), "cpus": os.cpu_count(), "python": platform.python_version()}
    args.out.write_text(json.dumps({"meta": meta, "results": results}, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
