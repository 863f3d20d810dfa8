"""The dealers' JSON API: record and list purchases and sales with a dealer token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stopheling.accounts.tokens import create_token
from stopheling.dealers.models import PurchaseEntry
from stopheling.extensions import db


@pytest.fixture
def dealer_token(app, make_dealer):
    def make(**kwargs) -> str:
        dealer_id = make_dealer(**kwargs)
        with app.app_context():
            token = create_token(db.session, kind="dealer", dealer_id=dealer_id, label="kassa")
            db.session.commit()
        return token

    return make


def body(**overrides):
    acquired = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    seller = {
        "surname": "Visser", "first_names": "Anna", "birth_date": "1985-03-14",
        "birth_place": "Zwolle", "address": "Dorpsstraat 5, 8011 AA Zwolle",
        "id_document": {"type": "passport", "number": "NX12AB345", "country": "NL"},
    }  # fmt: skip
    values = {
        "acquired_at": acquired, "category": "fiets", "brand": "Gazelle", "model": "Ultimate",
        "colour": "groen", "description": "Damesfiets met mand",
        "identifiers": [{"kind": "frame", "identifier": "GZ 1234 5678"}],
        "price_cents": 15000, "terms": "purchase", "seller": seller,
    }  # fmt: skip
    return values | overrides


def post(client, token, path, json):
    return client.post(path, json=json, headers={"Authorization": f"Bearer {token}"})


def test_record_and_list_purchases(client, dealer_token):
    token = dealer_token()
    first = post(client, token, "/api/v1/dealer/purchases", body())
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["number"] == 1 and first.get_json()["police_hold"] is False
    second = post(client, token, "/api/v1/dealer/purchases", body(description="Herenfiets"))
    assert second.get_json()["number"] == 2
    listed = client.get(
        "/api/v1/dealer/purchases?per_page=1", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert listed["total"] == 2 and [e["number"] for e in listed["items"]] == [2]
    assert listed["items"][0]["seller"]["surname"] == "Visser"
    page2 = client.get(
        "/api/v1/dealer/purchases?per_page=1&page=2", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert [e["number"] for e in page2["items"]] == [1]


def test_each_dealer_sees_only_its_own_register(client, dealer_token):
    a, b = dealer_token(), dealer_token()
    post(client, a, "/api/v1/dealer/purchases", body())
    listed = client.get("/api/v1/dealer/purchases", headers={"Authorization": f"Bearer {b}"})
    assert listed.get_json()["items"] == []


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"seller": {**body()["seller"], "birth_date": "2012-01-01"}}, "seller_under_18",
         "18"),
        ({"seller": {**body()["seller"], "birth_place": ""}}, "missing_field",
         "seller_birth_place"),
        ({"description": ""}, "missing_field", "description"),
        ({"acquired_at": "yesterday"}, "invalid_time", "acquired_at"),
        ({"price_cents": "12"}, "missing_field", "price"),
    ],
)  # fmt: skip
def test_refusals_name_what_is_wrong_and_use_no_number(client, dealer_token, app, change, code,
                                                       words):  # fmt: skip
    token = dealer_token()
    refused = post(client, token, "/api/v1/dealer/purchases", body(**change))
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == code and words in error["message"]
    with app.app_context():
        assert db.session.query(PurchaseEntry).count() == 0
    assert post(client, token, "/api/v1/dealer/purchases", body()).get_json()["number"] == 1


def test_a_pending_dealer_is_refused_with_403(client, dealer_token):
    token = dealer_token(status="pending")
    refused = post(client, token, "/api/v1/dealer/purchases", body())
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "dealer_not_approved"


def test_other_tokens_and_no_token_get_401(client, police_token):
    for headers in ({}, {"Authorization": f"Bearer {police_token}"}):
        r = client.get("/api/v1/dealer/purchases", headers=headers)
        assert r.status_code == 401
        assert r.get_json()["error"]["code"] == "unauthorized"


def test_a_sale_in_the_hold_period_says_until_when(client, dealer_token):
    token = dealer_token()
    post(client, token, "/api/v1/dealer/purchases", body())
    sale = {
        "purchase_number": 1, "sold_at": datetime.now(UTC).isoformat(), "price_cents": 20000,
        "buyer": {"name": "B. Koper", "address": "Kerkstraat 1, Utrecht"},
    }  # fmt: skip
    refused = post(client, token, "/api/v1/dealer/sales", sale)
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "hold_period" and "tot en met" in error["message"]
    unknown = post(client, token, "/api/v1/dealer/sales", sale | {"purchase_number": 7})
    assert unknown.get_json()["error"]["code"] == "unknown_purchase"
    listed = client.get("/api/v1/dealer/sales", headers={"Authorization": f"Bearer {token}"})
    assert listed.get_json()["total"] == 0


def test_malformed_json_is_400_in_the_contract_shape(client, dealer_token):
    token = dealer_token()
    r = client.post(
        "/api/v1/dealer/purchases", data="[", content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert r.status_code == 400 and set(r.get_json()["error"]) == {"code", "message"}


def test_a_retry_with_the_same_idempotency_key_records_once(client, dealer_token, app):
    token = dealer_token()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "kassa-0001"}
    first = client.post("/api/v1/dealer/purchases", json=body(), headers=headers)
    again = client.post("/api/v1/dealer/purchases", json=body(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["number"] == first.get_json()["number"] == 1
    other = client.post(
        "/api/v1/dealer/purchases", json=body(),
        headers=headers | {"Idempotency-Key": "kassa-0002"},
    )  # fmt: skip
    assert other.get_json()["number"] == 2
    with app.app_context():
        assert db.session.query(PurchaseEntry).count() == 2


def test_an_app_gets_its_users_language_from_accept_language(client, dealer_token):
    token = dealer_token()
    post(client, token, "/api/v1/dealer/purchases", body())
    sale = {
        "purchase_number": 1, "sold_at": datetime.now(UTC).isoformat(), "price_cents": 20000,
        "buyer": {"name": "B. Koper", "address": "Kerkstraat 1, Utrecht"},
    }  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en-GB,en;q=0.9"}
    english = client.post("/api/v1/dealer/sales", json=sale, headers=headers)
    assert english.get_json()["error"]["code"] == "hold_period"
    message = english.get_json()["error"]["message"]
    assert "tot en met" not in message and "until" in message.lower(), message
    # the pages stay Dutch first whatever the browser says, until the person switches
    page = client.get("/", headers={"Accept-Language": "en"})
    assert 'lang="nl"' in page.get_data(as_text=True)
