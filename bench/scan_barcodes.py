"""Measure barcode reading on real photos: zxing-cpp alone, pyzbar alone, our pipeline.

    python bench/scan_barcodes.py [SAMPLES_DIR]

SAMPLES_DIR holds manifest.jsonl (file, symbology, expected) and the photos; by
default $STOPHELING_SAMPLES or ../shared/samples next to the repository. Prints
per symbology the read rate and wrong reads of each decoder, the time per image,
and a 12-megapixel JPEG end to end; writes bench/results/scan_barcodes.json.
A "wrong read" is a decoded text that differs from the expected one; for our
pipeline it is split into confirmed (a real defect) and unconfirmed (shown to
the user as doubtful). Photos whose expected text is unknown are left out.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from stopheling.scan.barcodes import decode
from stopheling.scan.loader import load_image
from stopheling.scan.pipeline import scan_image

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "scan_barcodes.json"
UNKNOWN_EXPECTED = "<unkown>"
TWELVE_MP = (4032, 3024)
Reader = Callable[[np.ndarray], list[tuple[str, bool]]]  # gray -> [(text, confirmed)]


def zxing_alone(gray: np.ndarray) -> list[tuple[str, bool]]:
    results = zxingcpp.read_barcodes(gray, text_mode=zxingcpp.TextMode.Plain)
    return [(r.text, True) for r in results]


def pyzbar_alone(gray: np.ndarray) -> list[tuple[str, bool]]:
    return [(r.data.decode("utf-8", "replace"), True) for r in pyzbar.decode(gray)]


def pipeline(gray: np.ndarray) -> list[tuple[str, bool]]:
    return [(r.text, r.confirmed) for r in decode(gray)]


READERS: dict[str, Reader] = {"zxing": zxing_alone, "pyzbar": pyzbar_alone, "pipeline": pipeline}


def find_samples(arg: str | None) -> Path:
    default = REPO.parent / "shared" / "samples"
    root = Path(arg or os.environ.get("STOPHELING_SAMPLES", default))
    for folder in (root, root / "barcodes"):
        if (folder / "manifest.jsonl").is_file():
            return folder
    sys.exit(f"no manifest.jsonl in {root} or {root / 'barcodes'}")


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - start) * 1000


def percentiles(ms: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(ms), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1)}  # fmt: skip


def measure_samples(folder: Path) -> dict[str, Any]:
    """Per reader and symbology: read, wrong (confirmed/unconfirmed) and times."""
    counts: dict[str, dict[str, dict[str, int]]] = {
        r: defaultdict(lambda: defaultdict(int)) for r in READERS
    }
    times: dict[str, list[float]] = {r: [] for r in [*READERS, "end_to_end"]}
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        sample = json.loads(line)
        if sample["expected"] == UNKNOWN_EXPECTED:
            continue
        data = (folder / sample["file"]).read_bytes()
        gray = cv2.cvtColor(load_image(data).bgr, cv2.COLOR_BGR2GRAY)
        for name, reader in READERS.items():
            reads, ms = timed(lambda reader=reader, gray=gray: reader(gray))
            times[name].append(ms)
            tally(counts[name][sample["symbology"]], reads, sample["expected"])
        times["end_to_end"].append(timed(lambda data=data: scan_image(data, want_ocr=False))[1])
    return {"per_symbology": {r: {s: dict(c) for s, c in sorted(by.items())}
                              for r, by in counts.items()},
            "totals": {r: totals(by) for r, by in counts.items()},
            "times": {r: percentiles(ms) for r, ms in times.items()}}  # fmt: skip


def tally(c: dict[str, int], reads: list[tuple[str, bool]], expected: str) -> None:
    c["images"] += 1
    c["read"] += any(text == expected for text, _ in reads)
    wrong = [ok for text, ok in reads if text != expected]
    c["wrong_confirmed"] += any(wrong)
    c["wrong_unconfirmed"] += any(not ok for ok in wrong)


def totals(by_symbology: dict[str, dict[str, int]]) -> dict[str, float]:
    keys = ("images", "read", "wrong_confirmed", "wrong_unconfirmed")
    out: dict[str, float] = {k: sum(c[k] for c in by_symbology.values()) for k in keys}
    out["read_rate"] = round(out["read"] / out["images"], 3)
    return out


def twelve_megapixel(folder: Path) -> dict[str, Any]:
    """A phone-sized JPEG (the first sample upscaled, and one with no code) through scan_image."""
    first = json.loads((folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])
    photo = cv2.imread(str(folder / first["file"]))
    big = cv2.resize(photo, TWELVE_MP, interpolation=cv2.INTER_CUBIC)
    blank = cv2.GaussianBlur(np.random.default_rng(0).integers(0, 255, big.shape, np.uint8),
                             (0, 0), 8)  # fmt: skip
    out: dict[str, Any] = {}
    for name, image in (("with_code", big), ("without_code", blank)):
        data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
        runs = [timed(lambda data=data: scan_image(data, want_ocr=False)) for _ in range(5)]
        loads = [timed(lambda data=data: load_image(data))[1] for _ in range(5)]
        out[name] = {
            "bytes": len(data),
            "texts": [c.text for c in runs[0][0].candidates],
            "scan": percentiles([ms for _, ms in runs]),
            "load": percentiles(loads),
        }
    return out


def report(result: dict[str, Any]) -> None:
    per = result["per_symbology"]
    print(f"{'symbology':22s}" + "".join(f"{r:>26s}" for r in READERS))
    for symbology in per["pipeline"]:
        cells = []
        for r in READERS:
            c = per[r][symbology]
            wrong = f"{c.get('wrong_confirmed', 0)}+{c.get('wrong_unconfirmed', 0)}?"
            cells.append(f"{c['read']:>3d}/{c['images']:<3d} wrong {wrong:>5s}")
        print(f"{symbology:22s}" + "".join(f"{cell:>26s}" for cell in cells))
    for r, t in result["totals"].items():
        print(
            f"{r:10s} read {t['read']}/{t['images']} = {t['read_rate']:.3f}, wrong reads: "
            f"{t['wrong_confirmed']} confirmed, {t['wrong_unconfirmed']} unconfirmed"
        )
    for r, t in result["times"].items():
        print(f"{r:10s} median {t['median_ms']:7.1f} ms  p95 {t['p95_ms']:7.1f} ms")
    print("ratio pipeline/zxing:", result["ratio_pipeline_to_zxing"])
    for name, t in result["twelve_megapixel"].items():
        print(f"12 MP JPEG {name}: scan median {t['scan']['median_ms']} ms "
              f"(load {t['load']['median_ms']} ms), read {t['texts']}")  # fmt: skip


def main() -> None:
    folder = find_samples(sys.argv[1] if len(sys.argv) > 1 else None)
    result = measure_samples(folder)
    z, p = result["times"]["zxing"], result["times"]["pipeline"]
    result["ratio_pipeline_to_zxing"] = {
        k: round(p[k] / z[k], 2) if z[k] else None for k in ("median_ms", "p95_ms")
    }
    result["twelve_megapixel"] = twelve_megapixel(folder)
    result["versions"] = {p: version(p) for p in ("zxing-cpp", "pyzbar", "opencv-python-headless")}
    report(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
