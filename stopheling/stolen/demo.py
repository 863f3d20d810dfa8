"""Invented demo data: stolen items of every kind, category and police unit.

Nothing here can belong to a real person: IMEIs use the test range (TAC 00124…),
plates use sidecodes 12–14 that are reserved and not issued, VINs carry the invented
manufacturer code "SHD", and serials/frame numbers are random.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterator
from datetime import date, timedelta

from ..matching.imei import luhn_check_digit
from ..reference.data import CATEGORIES, police_units

CONSONANTS = "BDFGHJKLNPRSTVXZ"
DIGITS = string.digits
ALNUM = "".join(c for c in string.ascii_uppercase if c not in "IOQ") + DIGITS
BRANDS = {
    "fiets": ["Gazelle", "Batavus", "Sparta", "Cortina", "VanMoof", "Trek"],
    "telefoon": ["Apple", "Samsung", "Google", "Fairphone", "Nokia"],
    "tablet": ["Apple", "Samsung", "Lenovo"],
    "computer": ["Apple", "Lenovo", "Dell", "HP", "Asus"],
    "foto_video": ["Canon", "Nikon", "Sony", "DJI", "GoPro"],
    "gereedschap": ["Makita", "Bosch", "DeWalt", "Hilti", "Festool"],
    "auto": ["Volkswagen", "Toyota", "Kia", "Peugeot", "Tesla"],
    "bromfiets": ["Vespa", "Piaggio", "Niu", "Kymco"],
    "motor": ["Yamaha", "Honda", "BMW", "Kawasaki"],
}
COLOURS = ["zwart", "wit", "grijs", "blauw", "rood", "groen", "zilver", "geel"]
MARKS = [
    "kras op de achterkant", "sticker op de zijkant", "barst linksboven", "gegraveerde initialen",
    "deuk in het frame", "ontbrekende knop", "roze hoesje", "lakschade aan de voorkant",
]  # fmt: skip
KINDS_BY_CATEGORY = {
    "fiets": ["frame", "frame", "serial"], "bromfiets": ["plate", "vin"], "motor": ["plate", "vin"],
    "auto": ["plate", "vin"], "telefoon": ["imei", "imei", "serial"], "tablet": ["imei", "serial"],
}  # fmt: skip


def identifier(rng: random.Random, kind: str) -> str:
    if kind == "imei":
        body = "00124" + "".join(rng.choices(DIGITS, k=9))
        return body + str(luhn_check_digit(body))
    if kind == "plate":
        layout = rng.choice(["X99XXX", "9XX999", "999XX9"])  # reserved sidecodes 12-14
        return "".join(rng.choice(CONSONANTS) if c == "X" else rng.choice(DIGITS) for c in layout)
    if kind == "vin":
        return "SHD" + "".join(rng.choices(ALNUM, k=14))
    if kind == "frame":
        return rng.choice(["GZ", "BA", "SP", "CO", "VM"]) + "".join(rng.choices(DIGITS, k=7))
    return rng.choice(["C02", "F5K", "R58", "5CG", "DMP", ""]) + "".join(
        rng.choices(ALNUM, k=rng.randint(7, 10))
    )


def items(count: int, seed: int = 2026) -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    units = [u["code"] for u in police_units()]
    categories = list(CATEGORIES)
    start = date.today() - timedelta(days=3 * 365)
    for n in range(count):
        category = categories[n % len(categories)]
        kind = rng.choice(KINDS_BY_CATEGORY.get(category, ["serial"]))
        item = {
            "kind": kind,
            "identifier": identifier(rng, kind),
            "police_unit": units[n % len(units)],
            "reported_on": (start + timedelta(days=rng.randrange(3 * 365))).isoformat(),
            "source_id": f"DEMO-{n:07d}",
            "case_ref": f"DEMO-PL{rng.randrange(10**8):08d}",
            "category": category,
            "colour": rng.choice(COLOURS),
            "description": f"{rng.choice(MARKS)} (demo)",
        }
        brands = BRANDS.get(category)
        if brands:
            item["brand"] = rng.choice(brands)
        yield item


def ndjson(count: int, seed: int = 2026) -> Iterator[str]:
    for item in items(count, seed):
        yield json.dumps(item, ensure_ascii=False)
