"""Read the reference CSVs that ship inside the package."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

# Goods categories (shared domain.md §5.5): code -> (Dutch label, English label).
CATEGORIES: dict[str, tuple[str, str]] = {
    "fiets": ("Fiets / e-bike", "Bicycle / e-bike"),
    "bromfiets": ("Brom-/snorfiets, scooter", "Moped, scooter"),
    "motor": ("Motorfiets", "Motorcycle"),
    "auto": ("Auto / bestelauto", "Car / van"),
    "auto_onderdeel": ("Auto-onderdelen", "Car parts"),
    "telefoon": ("Mobiele telefoon", "Mobile phone"),
    "tablet": ("Tablet", "Tablet"),
    "computer": ("Laptop / computer", "Laptop / computer"),
    "foto_video": ("Foto-/filmcamera, drone, lens", "Camera, drone, lens"),
    "audio_video": ("Audio/tv/spelcomputer", "Audio/TV/game console"),
    "navigatie": ("Navigatiesysteem", "Navigation system"),
    "gereedschap": ("(Elektrisch) gereedschap", "(Power) tools"),
    "sieraden": ("Sieraden, goud/zilver", "Jewellery, gold/silver"),
    "uurwerk": ("Horloge / klok", "Watch / clock"),
    "metaal": ("Metalen/koper/schroot", "Metals/copper/scrap"),
    "kunst": ("Kunstvoorwerp", "Work of art"),
    "muziekinstrument": ("Muziekinstrument", "Musical instrument"),
    "overig": ("Overig", "Other"),
}


@cache
def _rows(name: str) -> tuple[dict[str, str], ...]:
    text = resources.files("stopheling.data").joinpath(name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


def police_units() -> tuple[dict[str, str], ...]:
    return _rows("police_units.csv")


def municipalities() -> tuple[dict[str, str], ...]:
    return _rows("municipalities.csv")
