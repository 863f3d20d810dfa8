"""GS1 element strings: both forms, fixed and variable lengths, and what is refused."""

from __future__ import annotations

import pytest

from stopheling.scan import gs1

GS = gs1.GS

PARSES: list[tuple[str, list[tuple[str, str]]]] = [
    ("(01)08712345678906(21)ABC123", [("01", "08712345678906"), ("21", "ABC123")]),
    ("010871234567890621ABC123", [("01", "08712345678906"), ("21", "ABC123")]),
    (f"21ABC123{GS}0108712345678906", [("21", "ABC123"), ("01", "08712345678906")]),
    (f"{GS}0108712345678906", [("01", "08712345678906")]),  # leading FNC1
    ("]C1010871234567890621X", [("01", "08712345678906"), ("21", "X")]),  # symbology id
    (f"0108712345678906{GS}10LOT7{GS}21SER9", [("01", "08712345678906"), ("10", "LOT7"),
                                               ("21", "SER9")]),
    ("11100224171102243102000100", [("11", "100224"), ("17", "110224"), ("3102", "000100")]),
    ("1012A", [("10", "12A")]),
    ("0190012345678908320200175011100312",
     [("01", "90012345678908"), ("3202", "001750"), ("11", "100312")]),
    (f"00387123450000000017{GS}8004871234ASSET9", [("00", "387123450000000017"),
                                                   ("8004", "871234ASSET9")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "elements"), PARSES)
def test_parse(text: str, elements: list[tuple[str, str]]) -> None:
    assert [(e.ai, e.value) for e in gs1.parse(text)] == elements


REFUSED = [
    "",
    "0108712345678907",  # bad GTIN check digit
    "01087123456789",  # GTIN cut short
    "(01)123",
    "ABC",
    "1",
    f"10{GS}21X",  # empty lot
    "(01)08712345678906(10)A(B(21)S1",  # "(" inside data: ambiguous in the bracketed form
]


@pytest.mark.parametrize("text", REFUSED)
def test_refused(text: str) -> None:
    with pytest.raises(gs1.GS1Error):
        gs1.parse(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("(01)08712345678906(21)X", True), ("(21)X", True), ("01087123", False),
     ("see (01) above", False), ("", False)],
)  # fmt: skip
def test_is_hri(text: str, expected: bool) -> None:
    assert gs1.is_hri(text) is expected


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("8712345678906", True), ("8712345678907", False), ("96385074", True),
     ("036000291452", True), ("08712345678906", True), ("12A", False), ("", False)],
)  # fmt: skip
def test_gtin_check_digit(digits: str, valid: bool) -> None:
    assert gs1.gtin_valid(digits) is valid


def test_identifiers_keep_code_order_and_skip_the_rest() -> None:
    elements = gs1.parse(f"21SER9{GS}0108712345678906{GS}10LOT7{GS}8004ASSET1")
    assert gs1.identifiers(elements) == [
        ("serial", "SER9"), ("gtin", "08712345678906"), ("serial", "ASSET1")]  # fmt: skip
