"""The matching core's data types."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    SERIAL = "serial"
    IMEI = "imei"
    FRAME = "frame"
    PLATE = "plate"
    VIN = "vin"


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)


class Outcome(StrEnum):
    MATCH = "match"
    NEAR = "near"
    NONE = "none"


class ImeiStatus(StrEnum):
    VERIFIED = "verified"  # 15 digits, valid Luhn check digit
    UNCHECKED = "unchecked"  # 14 digits (no check digit) or 16 (IMEISV)
    INVALID = "invalid"  # 15 digits, wrong check digit
    ODD = "odd"  # any other length
    NOT_IMEI = "not_imei"  # contains a letter that is no look-alike of a digit


@dataclass(frozen=True, slots=True)
class ParsedIdentifier:
    """An identifier after pre-processing, as the matching rules see it.

    ``normalized`` is the canonical written form shown to people (API field
    ``normalized``); ``key`` is the internal folded matching key, ``None`` when
    the value can never match (placeholder, no characters, not an IMEI).
    """

    kind: Kind
    text: str
    normalized: str
    key: str | None
    valid: bool | None
    display: str
    segments: tuple[str, ...] = ()
    imei_status: ImeiStatus | None = None
    label: str | None = None
