"""IMEI, IMEISV (matching.md §3, after python-stdnum's stdnum.imei)."""

from __future__ import annotations

import re

from .distance import osa
from .text import preprocess
from .types import ImeiStatus, Kind, Outcome, ParsedIdentifier

# I1: IMEI, IMEISV and IMEI/SV go with or without ":"/"#"; IMEI1/IMEI2 only with
# one, because otherwise the 1/2 could be the number's first digit.
_LABEL_RE = re.compile(r"^\s*(?:IMEI[12]\s*[:#]|(?:IMEI\s*/\s*SV|IMEISV|IMEI)\s*[:#]?)\s*")
# I2: the serial fold set; an IMEI has no letters, so this is safe.
_FOLD = str.maketrans({"O": "0", "I": "1", "L": "1", "|": "1", "S": "5", "Z": "2", "B": "8"})
# I3: python-stdnum removes spaces and "-"; we remove "/ . _" too, and (as K3 does for
# serials) any other character that is neither a letter nor a digit, such as a dash of
# another Unicode kind or brackets: separators never change a result.
_SEPARATORS_RE = re.compile(r"[^A-Z0-9]+")
# A trailing /NN after 15 digits is an IMEI/SV software-version suffix.
_SV_SUFFIX_RE = re.compile(r"^(?P<imei>.*?)\s*/\s*\d{2}\s*$")


def luhn_check_digit(body: str) -> int:
    """The Luhn check digit over ``body`` (digits only), doubling every 2nd from the left
    for a 14-digit IMEI body (i.e. every 2nd from the right of body + check)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def luhn_valid(number: str) -> bool:
    return (
        number.isdigit() and len(number) >= 2 and luhn_check_digit(number[:-1]) == int(number[-1])
    )


def imei_digits(text: str) -> str | None:
    """I1–I3: the digit string, or ``None`` when a letter remains (not an IMEI)."""
    pre = _LABEL_RE.sub("", preprocess(text), count=1).translate(_FOLD)
    m = _SV_SUFFIX_RE.match(pre)
    if m and len(_SEPARATORS_RE.sub("", m.group("imei"))) == 15:
        pre = m.group("imei")
    digits = _SEPARATORS_RE.sub("", pre)
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def status_of(digits: str) -> ImeiStatus:
    if len(digits) == 15:
        return ImeiStatus.VERIFIED if luhn_valid(digits) else ImeiStatus.INVALID
    if len(digits) in (14, 16):
        return ImeiStatus.UNCHECKED
    return ImeiStatus.ODD


def parse_imei(text: str) -> ParsedIdentifier:
    digits = imei_digits(text)
    if digits is None:
        from .text import compact

        shown = compact(preprocess(text))
        return ParsedIdentifier(
            kind=Kind.IMEI, text=text, normalized=shown, key=None, valid=False, display=shown,
            imei_status=ImeiStatus.NOT_IMEI,
        )  # fmt: skip
    return from_key(digits, text=text)


def from_key(digits: str, *, text: str | None = None) -> ParsedIdentifier:
    status = status_of(digits)
    normalized = canonical(digits, status)
    return ParsedIdentifier(
        kind=Kind.IMEI, text=digits if text is None else text, normalized=normalized,
        key=digits, valid=status in (ImeiStatus.VERIFIED, ImeiStatus.UNCHECKED),
        display=normalized, imei_status=status,
    )  # fmt: skip


def canonical(digits: str, status: ImeiStatus) -> str:
    """The IMEI as its 15 digits: a 14-digit IMEI or an IMEISV gets its check digit."""
    if status is ImeiStatus.UNCHECKED:
        body = digits[:14]
        return body + str(luhn_check_digit(body))
    return digits


def match_key(digits: str) -> str:
    """Equality key: the 14-digit device identity where it can be trusted, else the digits."""
    if status_of(digits) in (ImeiStatus.VERIFIED, ImeiStatus.UNCHECKED):
        return "B" + digits[:14]
    return "D" + digits


def representations(digits: str) -> tuple[str, ...]:
    """The forms compared for I-near (matching.md §3 table)."""
    status = status_of(digits)
    if status is ImeiStatus.ODD:
        return (digits,)
    body = digits[:14]
    if status is ImeiStatus.UNCHECKED:
        return (body, body + str(luhn_check_digit(body)))
    return (digits, body)


def compare_imeis(a: ParsedIdentifier, b: ParsedIdentifier) -> Outcome:
    if a.key is None or b.key is None:
        return Outcome.NONE
    if match_key(a.key) == match_key(b.key):
        return Outcome.MATCH
    return Outcome.NEAR if is_near(a.key, b.key) else Outcome.NONE


def is_near(a: str, b: str) -> bool:
    if len(a) < 13 or len(b) < 13:
        return False
    if status_of(a) is ImeiStatus.VERIFIED and status_of(b) is ImeiStatus.VERIFIED:
        # Trusted check digits: two phones of one batch are 2 apart and stay apart.
        return osa(a, b, 1) <= 1
    return any(osa(x, y, 1) <= 1 for x in representations(a) for y in representations(b))
