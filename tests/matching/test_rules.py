"""The rules of shared/matching.md as plain tables."""

import pytest

from stopheling.matching import Kind, Outcome, classify, compare, parse


def outcome(kind: str, a: str, b: str) -> Outcome:
    return compare(parse(a, kind), parse(b, kind))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("５ＣＧ1234567", "5CG1234567"),  # P1 full-width
        ("C02\u200bXK1Q2JG5H", "C02XK1Q2JG5H"),  # P2 zero-width space
        ("c02xk1q2jg5h", "C02XK1Q2JG5H"),  # P4
        ("sn: 4C-0923-11", "4C092311"),  # P5 with colon
        ("S/N 4C092311", "4C092311"),  # S/N with only a space
        ("Serial No.: X7", "X7"),
        ("SN 47211395", "SN47211395"),  # no colon: the label stays
        ("\u0421\u041e2XK", "CO2XK"),  # Cyrillic С О
    ],
)
def test_serial_normalized(text, expected):
    assert parse(text, "serial").normalized == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1234", "1234", Outcome.MATCH),  # any length matches exactly
        ("1234", "1235", Outcome.NONE),  # short serials never near-match
        ("12345", "12346", Outcome.NONE),
        ("X5ZB7731K", "XSZ87731K", Outcome.MATCH),  # folded look-alikes
        ("WTU043C09876H", "WTU043C09877H", Outcome.NEAR),  # one real character
        ("OO4712345", "4712345", Outcome.MATCH),  # K4 leading zeros (after fold)
        ("4701", "471", Outcome.NONE),  # inner zeros are significant
        ("0000", "0000", Outcome.NONE),  # no key at all
        ("onbekend", "onbekend", Outcome.NONE),  # placeholders never match
        ("???", "???", Outcome.NONE),
        ("TBD4821976", "TBD4821976", Outcome.MATCH),  # placeholder inside a real serial
        ("AB12-CD34", "CD34-AB12", Outcome.NEAR),  # N-order
        ("SN 47211395", "47211395", Outcome.NEAR),  # N-contain
        ("G12345", "612345", Outcome.NEAR),  # G/6 not folded: one edit at L=6, never match
        ("ABC1234", "ABC1243", Outcome.NEAR),  # OSA swap = 1 edit at L=7
        ("ABC123", "ABD124", Outcome.NONE),  # two edits at L=6
    ],
)
def test_serial_outcomes(a, b, expected):
    assert outcome("serial", a, b) is expected
    assert outcome("serial", b, a) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("35 693803 564380 9", "356938035643809", Outcome.MATCH),
        ("35-693803-564380-9", "35693803564380", Outcome.MATCH),  # 14 digits
        ("3569380356438001", "356938035643809", Outcome.MATCH),  # IMEISV
        ("3569380356438001", "3569380356438077", Outcome.MATCH),  # SVN changes
        ("IMEI: 356938035643809", "356938035643809", Outcome.MATCH),
        ("IMEI 356938035643809", "356938035643809", Outcome.MATCH),
        ("356938035643809/01", "356938035643809", Outcome.MATCH),  # IMEI/SV suffix
        ("356938035643808", "356938035643809", Outcome.NEAR),  # mistyped check digit
        ("356938035643809", "356938035643817", Outcome.NONE),  # next phone of the batch
        ("R58N12345678901", "R58N12345678901", Outcome.NONE),  # a letter: not an IMEI
        ("490154203237518", "490154203237518", Outcome.MATCH),
        ("49015420323751", "490154203237518", Outcome.MATCH),
        ("049015420323751", "49015420323751", Outcome.NEAR),  # dropped leading zero
    ],
)
def test_imei_outcomes(a, b, expected):
    assert outcome("imei", a, b) is expected
    assert outcome("imei", b, a) is expected


def test_imei_normalized_and_valid():
    assert parse("35693803564380", "imei").normalized == "356938035643809"
    assert parse("356938035643808", "imei").valid is False
    assert parse("356938035643809", "imei").valid is True


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("52-HZK-7", "52hzk7", Outcome.MATCH),
        ("\u0422F-83-\u0420D", "TF-83-PD", Outcome.MATCH),  # Cyrillic Т and Р
        ("G-OO1-BB", "G-001-BB", Outcome.MATCH),  # O folded on both sides
        ("NL 52-HZK-7", "52HZK7", Outcome.MATCH),  # EU band read by OCR
        ("52-HZK-7", "52-HZK-1", Outcome.NONE),  # different non-confusable char
        ("1-ZBB-83", "1-Z8B-83", Outcome.NEAR),  # B/8
        ("1-ZBB-83", "12-BBB-3", Outcome.NONE),  # not folded: different plates
        ("52-HZK-7", "25-HZK-7", Outcome.NONE),  # transposition
        ("52-HZK-7", "52-HZ-7", Outcome.NONE),  # missing character
        ("XYZ-123", "XYZ-123", Outcome.MATCH),  # not a sidecode: literal match
    ],
)
def test_plate_outcomes(a, b, expected):
    assert outcome("plate", a, b) is expected
    assert outcome("plate", b, a) is expected


def test_plate_display():
    assert parse("52hzk7", "plate").display == "52-HZK-7"
    assert parse("g001bb", "plate").display == "G-001-BB"
    assert parse("52hzk7", "plate").valid is True
    assert parse("XYZ123A", "plate").valid is False


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("WVWZZZ1JZXW000001", "wvwzzz1jzxw000001", Outcome.MATCH),
        ("WVWZZZIJZXWOOOOO1", "WVWZZZ1JZXW000001", Outcome.MATCH),  # I/O folded
        ("WVWZZZ1JZXW000001", "WVWZZZ1JZXW000002", Outcome.NEAR),  # the next car
        ("WVWZZZ1JZXW000001", "WVWZZZ1JZXW", Outcome.NEAR),  # a part
        ("WVWSZZ1JZXW000001", "WVW5ZZ1JZXW000001", Outcome.NEAR),  # S not folded
    ],
)
def test_vin_outcomes(a, b, expected):
    assert outcome("vin", a, b) is expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("C02XK1Q2JG5H", ["serial"]),
        ("sn: 4C-0923-11", ["serial"]),
        ("35 693803 564380 9", ["imei", "serial"]),
        ("35-693803-564380-9", ["imei", "serial"]),
        ("WAW 12345 K", ["frame", "serial"]),
        ("AB1234567", ["frame", "serial"]),
        ("52-HZK-7", ["plate", "serial"]),
        ("52hzk7", ["plate", "serial"]),
        ("G-001-BB", ["plate", "serial"]),
        ("WVWZZZ1JZXW000001", ["vin", "serial"]),
        ("IMEI: 356938035643809", ["imei"]),
        ("Kenteken: 52-HZK-7", ["plate"]),
    ],
)
def test_classify(text, kinds):
    assert [k.value for k in classify(text)] == kinds


def test_kinds_never_meet():
    assert compare(parse("52HZK7", "plate"), parse("52HZK7", "serial")) is Outcome.NONE
    assert Kind("frame") is Kind.FRAME
