"""The benchmark's register file and query set, both deterministic and invented.

The register is ``stopheling.stolen.demo`` (IMEIs in the test TAC range, plates in
the reserved sidecodes 12-14, VINs of the made-up manufacturer "SHD"). The queries
are drawn from it while it is written:

* ``hit``: an identifier exactly as registered;
* ``lookalike``: a registered identifier as people type it, which must still match:
  lower case, dashes, O for 0, Cyrillic letters that look Latin;
* ``near``: one character changed, or a partial serial (the front cut off);
* ``miss``: fresh identifiers of the same kinds from another seed.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from stopheling.stolen.demo import identifier, ndjson

QUERIES_PER_CLASS = 2000
CYRILLIC = {"A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О",
            "P": "Р", "T": "Т", "X": "Х"}  # fmt: skip
DIGITS = "0123456789"
NEAR_KINDS = ("serial", "frame", "vin", "imei")


@dataclass
class QuerySet:
    """Query strings per class: hit, lookalike, near, miss."""

    classes: dict[str, list[str]] = field(default_factory=dict)

    def paths(self, name: str) -> list[str]:
        return [f"/api/v1/check?q={quote(q)}" for q in self.classes[name]]


def write_register(path: Path, count: int, seed: int = 7) -> list[dict[str, str]]:
    """Write ``count`` NDJSON items to ``path``; returns an evenly spread sample of them."""
    step = max(1, count // QUERIES_PER_CLASS)
    sample = []
    with path.open("w", encoding="utf-8") as out:
        for n, line in enumerate(ndjson(count, seed=seed)):
            out.write(line + "\n")
            if n % step == step // 2:
                sample.append(json.loads(line))
    return sample


def build_queries(sample: list[dict[str, str]], seed: int = 7) -> QuerySet:
    rng = random.Random(seed)
    near_items = [item for item in sample if item["kind"] in NEAR_KINDS]
    return QuerySet(
        {
            "hit": [item["identifier"] for item in sample],
            "lookalike": [lookalike(item["identifier"], rng) for item in sample],
            "near": [near(item, rng) for item in near_items],
            "miss": [identifier(rng, item["kind"]) for item in sample],
        }
    )


def lookalike(ident: str, rng: random.Random) -> str:
    """The identifier as somebody might type it; matching folds every change back."""
    style = rng.randrange(4)
    if style == 0:
        return ident.lower()
    if style == 1:
        return "-".join(ident[i : i + 3] for i in range(0, len(ident), 3))
    if style == 2 and "0" in ident and not ident.isdigit():
        return ident.replace("0", "O")
    return "".join(CYRILLIC.get(c, c) for c in ident)


def near(item: dict[str, str], rng: random.Random) -> str:
    """One character substituted in the middle, or (long serials) the front cut off."""
    ident = item["identifier"]
    if item["kind"] in ("serial", "vin") and len(ident) >= 11 and rng.random() < 0.3:
        return ident[3:]
    pos = len(ident) // 2 + rng.randrange(-2, 3)
    old = ident[pos]
    pool = DIGITS if old.isdigit() else "BDFGHJKLNPRSTVXZ"
    new = rng.choice([c for c in pool if c != old])
    return ident[:pos] + new + ident[pos + 1 :]


EXPECTED = {
    # class: what a correct answer looks like (flagged, near not empty)
    "hit": lambda body: body["flagged"],
    "lookalike": lambda body: body["flagged"],
    "near": lambda body: bool(body["near"]) or body["flagged"],
    "miss": lambda body: not body["flagged"],
}
