"""The index probe finds every near partner that brute force finds (never misses one)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stopheling.matching import Outcome, compare, parse
from stopheling.matching.imei import luhn_check_digit
from stopheling.matching.index import layout, probe, stored_keys


def found_by_index(query, stored) -> bool:
    """Would the database lookups of ``query``'s probe reach ``stored``?"""
    pr, keys = probe(query), stored_keys(stored)
    if keys.match_key is None:
        return False
    if keys.match_key == pr.match_key or keys.match_key in pr.exact_keys:
        return True
    if keys.order_key and keys.order_key == pr.order_key:
        return True
    if set(keys.pieces) & pr.pieces:
        return True
    return bool(pr.contained_in and keys.contain_key and pr.contained_in in keys.contain_key)


@st.composite
def edited(draw, base, alphabet):
    """``base`` with up to two random edits (insert, delete, substitute, adjacent swap)."""
    s = list(base)
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["ins", "del", "sub", "swap"]))
        i = draw(st.integers(0, max(len(s) - 1, 0)))
        ch = draw(st.sampled_from(alphabet))
        if op == "ins":
            s.insert(i, ch)
        elif op == "del" and len(s) > 1:
            del s[i]
        elif op == "sub" and s:
            s[i] = ch
        elif op == "swap" and i + 1 < len(s):
            s[i], s[i + 1] = s[i + 1], s[i]
    return "".join(s)


ALNUM = "ACDEFGHJKMNPRTUVWXY0123456789"


@given(st.data(), st.sampled_from(["serial", "frame", "vin"]))
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
def test_generic_probe_is_exact(data, kind):
    base = data.draw(st.text(alphabet=ALNUM, min_size=6, max_size=18))
    other = data.draw(edited(base, ALNUM))
    q, s = parse(other, kind), parse(base, kind)
    for a, b in ((q, s), (s, q)):
        if compare(a, b) is not Outcome.NONE:
            assert found_by_index(a, b), (a.key, b.key)


@given(st.data())
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
def test_imei_probe_is_exact(data):
    body = data.draw(st.text(alphabet="0123456789", min_size=14, max_size=14))
    base = data.draw(st.sampled_from([body, body + str(luhn_check_digit(body)), body + "12"]))
    other = data.draw(edited(base, "0123456789"))
    q, s = parse(other, "imei"), parse(base, "imei")
    for a, b in ((q, s), (s, q)):
        if compare(a, b) is not Outcome.NONE:
            assert found_by_index(a, b), (a.key, b.key)


def test_plate_probe_finds_confusions():
    q, s = parse("1-Z8B-83", "plate"), parse("1-ZBB-83", "plate")
    assert found_by_index(q, s)


def test_layout_covers_the_key():
    for length in range(1, 30):
        for budget in (1, 2):
            for skip in (0, 1):
                spans = layout(length, budget, skip)
                assert sum(size for _, size in spans) == length
                assert len(spans) == budget + 1 + skip
