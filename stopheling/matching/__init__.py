"""The matching core: normalize identifiers and compare them (rules: shared matching.md).

Plain Python: importing this package never loads Flask or SQLAlchemy.
"""

from __future__ import annotations

from . import imei, plate, serial, vin
from .classify import classify
from .types import KINDS, ImeiStatus, Kind, Outcome, ParsedIdentifier

__all__ = [
    "KINDS", "ImeiStatus", "Kind", "Outcome", "ParsedIdentifier", "classify", "compare",
    "from_storage", "parse",
]  # fmt: skip


def parse(text: str, kind: str) -> ParsedIdentifier:
    """Pre-process, normalize and key ``text`` as an identifier of ``kind``."""
    k = Kind(kind)
    if k is Kind.IMEI:
        return imei.parse_imei(text)
    if k is Kind.PLATE:
        return plate.parse_plate(text)
    if k is Kind.VIN:
        return vin.parse_vin(text)
    return serial.parse_serial(text, k)


def from_storage(kind: str, key: str, segments: str = "") -> ParsedIdentifier:
    """Rebuild a stored identifier from its stored key (and segments) without re-parsing."""
    k = Kind(kind)
    if k is Kind.IMEI:
        return imei.from_key(key)
    if k is Kind.PLATE:
        return plate.from_key(key)
    if k is Kind.VIN:
        return vin.from_key(key)
    return serial.from_key(k, key, tuple(segments.split("-")) if segments else ())


def compare(a: ParsedIdentifier, b: ParsedIdentifier) -> Outcome:
    """match / near / none between two identifiers; different kinds never meet."""
    if a.kind is not b.kind:
        return Outcome.NONE
    if a.kind is Kind.IMEI:
        return imei.compare_imeis(a, b)
    if a.kind is Kind.PLATE:
        return plate.compare_plates(a, b)
    if a.kind is Kind.VIN:
        return vin.compare_vins(a, b)
    return serial.compare_serials(a, b)
