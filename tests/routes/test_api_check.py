"""GET /api/v1/check as the contract (shared/api-v1.md) says."""

import pytest

CONTRACT_EXAMPLES = [
    # (as typed, kind, normalized, valid)
    ("C02XK1Q2JG5H", "serial", "C02XK1Q2JG5H", None),
    ("sn: 4C-0923-11", "serial", "4C092311", None),
    ("35 693803 564380 9", "imei", "356938035643809", True),
    ("35-693803-564380-9", "imei", "356938035643809", True),
    ("WAW 12345 K", "frame", "WAW12345K", None),
    ("AB1234567", "frame", "AB1234567", None),
    ("52-HZK-7", "plate", "52HZK7", True),
    ("52hzk7", "plate", "52HZK7", True),
    ("G-001-BB", "plate", "G001BB", True),
    ("WVWZZZ1JZXW000001", "vin", "WVWZZZ1JZXW000001", True),
]


@pytest.mark.parametrize(("query", "kind", "normalized", "valid"), CONTRACT_EXAMPLES)
def test_contract_examples_are_classified_and_normalized(client, query, kind, normalized, valid):
    response = client.get("/api/v1/check", query_string={"q": query})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["query"], body["kind"], body["normalized"], body["valid"]) == (
        query,
        kind,
        normalized,
        valid,
    )
    assert body["flagged"] is False and body["matches"] == [] and body["near"] == []


@pytest.mark.parametrize(("query", "kind", "normalized", "valid"), CONTRACT_EXAMPLES)
def test_contract_examples_with_their_kind(client, query, kind, normalized, valid):
    body = client.get("/api/v1/check", query_string={"q": query, "kind": kind}).get_json()
    assert (body["kind"], body["normalized"], body["valid"]) == (kind, normalized, valid)


def test_flagged_item_has_the_contract_shape(client, add_items):
    add_items({
        "kind": "imei", "identifier": "35-693803-564380-9", "category": "telefoon",
        "brand": "Apple", "model": "iPhone 13", "description": "blauw, barst linksboven",
        "case_ref": "PL1300-2026-SECRET",
    })  # fmt: skip
    body = client.get("/api/v1/check", query_string={"q": "35 693803 564380 9"}).get_json()
    assert body["flagged"] is True
    (match,) = body["matches"]
    assert match["match"] == "exact"
    assert match["identifier"] == "356938035643809"
    assert match["police_unit"] == {"code": "AM", "name": "Eenheid Amsterdam"}
    assert match["reported_on"] == "2026-10-02"
    assert (match["brand"], match["model"], match["category"]) == ("Apple", "iPhone 13", "telefoon")
    assert "SECRET" not in str(body)  # the case reference never leaves the police side


@pytest.mark.parametrize(
    ("stored", "kind", "typed"),
    [
        ("C02XK1Q2JG5H", "serial", "CO2XK1Q2JG5H"),  # O for 0
        ("C02XK1Q2JG5H", "serial", "c02-xk1q-2jg5h"),  # dashes, lower case
        ("C02XK1Q2JG5H", "serial", "\u0421O2XK1Q2JG5H"),  # Cyrillic С
        ("C02XK1Q2JG5H", "serial", "C02X\u200bK1Q2JG5H"),  # zero-width space
        ("TF-83-PD", "plate", "\u0422F-83-\u0420D"),  # Cyrillic Т and Р
        ("52-HZK-7", "plate", "52 hzk 7"),
        ("356938035643809", "imei", "35 693803 564380 9"),
        ("356938035643809", "imei", "35693803564380"),  # without check digit
        ("356938035643809", "imei", "IMEI: 35-693803-564380-9"),
        ("WVWZZZ1JZXW000001", "vin", "WVWZZZ1JZXWOOOOO1"),  # O for 0
        ("GZ1234567", "frame", "gz 1234567"),
    ],
)
def test_confusable_spellings_find_the_item(client, add_items, stored, kind, typed):
    add_items({"kind": kind, "identifier": stored})
    body = client.get("/api/v1/check", query_string={"q": typed}).get_json()
    assert body["flagged"] is True, body
    assert body["matches"][0]["kind"] == kind


def test_recovered_and_withdrawn_items_are_not_flagged(client, add_items, police_token):
    recovered, withdrawn = add_items(
        {"kind": "serial", "identifier": "RECOVERED1234"},
        {"kind": "serial", "identifier": "WITHDRAWN1234"},
    )
    auth = {"Authorization": f"Bearer {police_token}"}
    for ref, status in ((recovered, "recovered"), (withdrawn, "withdrawn")):
        r = client.patch(f"/api/v1/stolen/{ref}", json={"status": status}, headers=auth)
        assert r.status_code == 200, r.get_json()
    for query in ("RECOVERED1234", "WITHDRAWN1234", "RECOVERED1235"):
        body = client.get("/api/v1/check", query_string={"q": query}).get_json()
        assert body["flagged"] is False and body["near"] == [], body


def test_near_matches_are_offered_never_flagged(client, add_items):
    add_items({"kind": "serial", "identifier": "WTU043C09876H"})
    body = client.get("/api/v1/check", query_string={"q": "WTU043C09877H"}).get_json()
    assert body["flagged"] is False
    assert [n["identifier"] for n in body["near"]] == ["WTU043C09876H"]
    assert body["near"][0]["match"] == "near"


def test_short_identifiers_never_get_near_matches(client, add_items):
    add_items({"kind": "serial", "identifier": "12345"})
    body = client.get("/api/v1/check", query_string={"q": "12346"}).get_json()
    assert body["near"] == [] and body["flagged"] is False


def test_partial_serial_is_near(client, add_items):
    add_items({"kind": "serial", "identifier": "ABC-47211395-XYZ"})
    body = client.get("/api/v1/check", query_string={"q": "47211395"}).get_json()
    assert [n["identifier"] for n in body["near"]] == ["ABC47211395XYZ"]


def test_ambiguous_input_checks_every_plausible_kind(client, add_items):
    # 6 characters that are a sidecode-1 plate and also a plausible serial
    add_items({"kind": "serial", "identifier": "XB1234"})
    body = client.get("/api/v1/check", query_string={"q": "XB-12-34"}).get_json()
    assert body["flagged"] is True
    assert body["kind"] == "serial" and body["matches"][0]["kind"] == "serial"


def test_at_most_five_near_matches_best_first(client, add_items):
    add_items({"kind": "serial", "identifier": "QX7720KKKK"})  # three edits away: none
    add_items({"kind": "serial", "identifier": "QX77201KKK"})  # two edits away
    add_items(*({"kind": "serial", "identifier": f"QX7720155{d}"} for d in "0123456789"))
    body = client.get("/api/v1/check", query_string={"q": "QX7720155K"}).get_json()
    assert body["flagged"] is False
    assert len(body["near"]) == 5
    assert all(n["identifier"].startswith("QX7720155") for n in body["near"])


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({}, 400, "invalid_request"),
        ({"q": ""}, 400, "invalid_request"),
        ({"q": "x" * 101}, 400, "invalid_request"),
        ({"q": "abc", "kind": "car"}, 400, "invalid_request"),
    ],
)
def test_bad_requests_get_the_error_shape(client, params, status, code):
    response = client.get("/api/v1/check", query_string=params)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]["code"] == code and body["error"]["message"]


def test_unknown_api_path_and_method_are_json(client):
    assert client.get("/api/v1/nothing").get_json()["error"]["code"] == "not_found"
    r = client.post("/api/v1/check")
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"


def test_rate_limit_answers_429_with_retry_after(app_with):
    app = app_with(CHECK_RATE_LIMIT="3/minute")
    client = app.test_client()
    codes = [
        client.get("/api/v1/check", query_string={"q": "ABC123456"}).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/v1/check", query_string={"q": "ABC123456"})
    assert r.get_json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) > 0


def test_app_key_gets_its_own_higher_limit(app_with):
    from stopheling.accounts.tokens import create_token
    from stopheling.extensions import db

    app = app_with(CHECK_RATE_LIMIT="2/minute", CHECK_RATE_LIMIT_APP="5/minute")
    with app.app_context():
        key = create_token(db.session, kind="app", label="test app")
        db.session.commit()
    client = app.test_client()
    keyed = [client.get("/api/v1/check", query_string={"q": "ABC123456"},
                        headers={"X-API-Key": key}).status_code for _ in range(6)]  # fmt: skip
    anonymous = [client.get("/api/v1/check", query_string={"q": "ABC123456"}).status_code
                 for _ in range(3)]  # fmt: skip
    assert keyed == [200] * 5 + [429]
    assert anonymous == [200, 200, 429]
