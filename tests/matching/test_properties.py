"""Properties of the rules that must hold for every input (hypothesis)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from stopheling.matching import KINDS, Outcome, compare, parse
from stopheling.matching.imei import luhn_check_digit

ALNUM = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789OIQ"
identifiers = st.text(alphabet=ALNUM, min_size=1, max_size=20)
kinds = st.sampled_from(KINDS)
separators = st.sampled_from([" ", "-", ".", "/", "  ", "\u2013", "\u00a0", "_"])


@st.composite
def imeis(draw):
    body = draw(st.text(alphabet="0123456789", min_size=14, max_size=14))
    return body + str(luhn_check_digit(body))


@st.composite
def formatted(draw, value):
    """``value`` with separators inserted and random case."""
    out = []
    for ch in value:
        if draw(st.booleans()) and out:
            out.append(draw(separators))
        out.append(ch.lower() if draw(st.booleans()) else ch)
    return "".join(out)


@given(kinds, st.text(max_size=30))
def test_normalization_is_idempotent(kind, text):
    once = parse(text, kind)
    twice = parse(once.normalized, kind)
    assert twice.normalized == once.normalized
    assert twice.key == once.key


@given(kinds, identifiers, st.data())
def test_separators_and_case_never_change_a_result(kind, value, data):
    if kind == "imei":
        value = data.draw(imeis())
    other = data.draw(identifiers)
    styled = data.draw(formatted(value))
    assert parse(styled, kind).key == parse(value, kind).key
    assert compare(parse(styled, kind), parse(other, kind)) is compare(
        parse(value, kind), parse(other, kind)
    )


@given(imeis(), st.data())
def test_formatting_never_makes_a_valid_imei_invalid(number, data):
    styled = data.draw(formatted(number))
    assert parse(styled, "imei").valid is True
    assert parse(styled, "imei").normalized == number


@given(kinds, identifiers, identifiers)
@settings(max_examples=300)
def test_match_is_symmetric(kind, a, b):
    pa, pb = parse(a, kind), parse(b, kind)
    assert compare(pa, pb) is compare(pb, pa)


@given(kinds, identifiers)
def test_an_identifier_with_a_key_matches_itself(kind, a):
    p = parse(a, kind)
    expected = Outcome.MATCH if p.key is not None else Outcome.NONE
    assert compare(p, parse(a, kind)) is expected


@given(st.text(alphabet="0123456789", min_size=14, max_size=14), st.integers(0, 13))
def test_one_digit_typo_in_an_imei_is_near_never_match(body, pos):
    imei = body + str(luhn_check_digit(body))
    wrong = imei[:pos] + str((int(imei[pos]) + 1) % 10) + imei[pos + 1 :]
    assert compare(parse(imei, "imei"), parse(wrong, "imei")) is Outcome.NEAR


def test_normalized_has_no_separators():
    for kind in KINDS:
        assert re.fullmatch(r"[A-Z0-9]*", parse("ab-12 34/cd", kind).normalized)
