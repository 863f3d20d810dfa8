"""Common pre-processing P (matching.md §1): Unicode forms, invisible characters,
upper-case, look-alike letters of other scripts, label words and placeholders."""

from __future__ import annotations

import re
import unicodedata

# P3: each look-alike maps to the Latin letter or digit it *looks like*
# (Cyrillic Р is P, not R).
_LOOKALIKES = {
    # Cyrillic
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M",
    "\u041d": "H", "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T",
    "\u0423": "Y", "\u0425": "X", "\u0405": "S", "\u0406": "I", "\u0408": "J",
    # Greek
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H",
    "\u0399": "I", "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O",
    "\u03a1": "P", "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X",
    # slashed zero
    "\u00d8": "0",
}  # fmt: skip
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES)

# P5: a leading label is removed only when ":" or "#" follows it ("SN 4721…" could
# be a real serial that starts with SN). "S/N" also goes when only a space follows.
_LABEL_WORDS = (
    r"S\.?N\.?",
    r"SERIAL(?:\s*(?:NO|NUMBER|NR)\.?)?",
    r"SERIENUMMER",
    r"SERIENR\.?",
    r"FRAMENUMMER",
    r"FRAMENR\.?",
    r"FRAME\s*(?:NO|NUMBER|NR)\.?",
    r"CHASSISNUMMER",
    r"CHASSIS(?:\s*NR\.?)?",
    r"VIN",
    r"KENTEKEN",
    r"IMEISV",
    r"IMEI[12]?",
    r"S/N",
)
_LABEL_RE = re.compile(r"^\s*(?P<label>" + "|".join(_LABEL_WORDS) + r")\s*[:#]\s*")
_SLASH_N_RE = re.compile(r"^\s*S/N\s+")

# U: whole-value placeholders, compared with all punctuation and spaces removed.
_PLACEHOLDERS = frozenset(
    re.sub(r"[^A-Z0-9]", "", w.upper())
    for w in (
        "unknown", "unkown", "onbekend", "geen", "none", "no serial", "no serial number",
        "geen serienummer", "geen framenummer", "geen nummer", "n/a", "nvt", "idk", "tbd",
        "missing", "absent", "weet ik niet", "weet niet", "niet bekend", "dont know",
        "do not know", "not known", "made without serial", "made_without_serial", "custom",
        "nee", "no",
    )
)  # fmt: skip

_ALNUM_RE = re.compile(r"[A-Z0-9]")
_NON_ALNUM_RE = re.compile(r"[^A-Z0-9]+")


def preprocess(text: str) -> str:
    """P1 NFKC, P2 drop invisible (Cf) characters, P4 upper-case, P3 look-alikes."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.upper().translate(_LOOKALIKE_TABLE)


def strip_label(text: str) -> tuple[str, str | None]:
    """P5: remove a leading label word; returns (rest, label or None).

    ``text`` must already be pre-processed (upper-case)."""
    m = _LABEL_RE.match(text)
    if m:
        return text[m.end() :], re.sub(r"[\s.]", "", m.group("label"))
    m = _SLASH_N_RE.match(text)
    if m:
        return text[m.end() :], "S/N"
    return text, None


def is_placeholder(text: str) -> bool:
    """U: a value with no letter or digit, or one that as a whole is a placeholder word."""
    if not _ALNUM_RE.search(text):
        return True
    return compact(text) in _PLACEHOLDERS


def compact(text: str) -> str:
    """Everything outside [A-Z0-9] removed (the text must be pre-processed)."""
    return _NON_ALNUM_RE.sub("", text)
