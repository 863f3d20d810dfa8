"""Validate one item of the contract's import format (api-v1.md) at the edge."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..errors import Unprocessable
from ..matching import KINDS, ParsedIdentifier, parse
from ..reference.data import CATEGORIES

REQUIRED = ("kind", "identifier", "police_unit", "reported_on", "source_id")
OPTIONAL_LIMITS = {
    "case_ref": 100, "category": 40, "brand": 100, "model": 100, "colour": 60,
    "description": 2000,
}  # fmt: skip
KNOWN_FIELDS = frozenset(REQUIRED) | frozenset(OPTIONAL_LIMITS)
# Control characters, and lone surrogates (a JSON "\ud800" escape) that no database stores.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class ItemInput:
    kind: str
    identifier: str
    police_unit: str
    reported_on: date
    source_id: str
    parsed: ParsedIdentifier
    optional: dict[str, str | None]


def _fail(code: str, message: str) -> Unprocessable:
    return Unprocessable(message, code=code)


def _text(data: dict[str, Any], name: str, limit: int, *, required: bool) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _fail("missing_field", f"The field '{name}' is required.")
        return None
    if not isinstance(value, str):
        raise _fail("invalid_field", f"The field '{name}' must be a string.")
    value = value.strip()
    if len(value) > limit:
        raise _fail("field_too_long", f"The field '{name}' is longer than {limit} characters.")
    if _CONTROL.search(value):
        raise _fail("invalid_field", f"The field '{name}' contains control characters.")
    return value


def _reported_on(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise _fail("invalid_date", "reported_on must be an ISO date (YYYY-MM-DD).") from None
    if day > date.today() + timedelta(days=1):
        raise _fail("invalid_date", "reported_on lies in the future.")
    if day.year < 1950:
        raise _fail("invalid_date", "reported_on lies before 1950.")
    return day


def validate_item(data: Any, known_units: set[str] | frozenset[str]) -> ItemInput:
    """Check one item; raises Unprocessable with a code and a sentence a person can act on."""
    if not isinstance(data, dict):
        raise _fail("not_an_object", "Each item must be a JSON object.")
    unknown = set(data) - KNOWN_FIELDS
    if unknown:
        raise _fail("unknown_field", f"Unknown field(s): {', '.join(sorted(unknown))}.")
    kind = _text(data, "kind", 10, required=True)
    if kind not in KINDS:
        raise _fail("invalid_kind", f"kind must be one of {', '.join(KINDS)}.")
    identifier = _text(data, "identifier", 200, required=True)
    unit = _text(data, "police_unit", 8, required=True)
    if unit not in known_units:
        raise _fail("unknown_police_unit", f"Unknown police unit {unit!r}.")
    source_id = _text(data, "source_id", 100, required=True)
    reported_on = _reported_on(_text(data, "reported_on", 10, required=True) or "")
    assert identifier is not None and unit is not None and source_id is not None
    parsed = parse(identifier, kind)
    if parsed.key is None:
        raise _fail(
            "unusable_identifier",
            f"The identifier {identifier!r} cannot be matched (empty, a placeholder such as "
            "'onbekend', or not a valid value of this kind).",
        )
    optional = {n: _text(data, n, lim, required=False) for n, lim in OPTIONAL_LIMITS.items()}
    if optional["category"] is not None and optional["category"] not in CATEGORIES:
        raise _fail("invalid_category", f"Unknown category {optional['category']!r}.")
    return ItemInput(kind, identifier, unit, reported_on, source_id, parsed, optional)
