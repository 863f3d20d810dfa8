"""The police side of the API: tokens, one item, NDJSON import, status changes."""

import json

import pytest


def auth(token):
    return {"Authorization": f"Bearer {token}"}


ITEM = {
    "kind": "serial", "identifier": "C02XK1Q2JG5H", "police_unit": "AM",
    "reported_on": "2026-10-02", "source_id": "BVH-1", "case_ref": "PL1300-2026-1",
    "category": "computer", "brand": "Apple", "model": "MacBook Pro",
}  # fmt: skip


def test_police_token_is_required(client):
    for method, path in (("post", "/api/v1/stolen"), ("post", "/api/v1/stolen/import"),
                         ("patch", "/api/v1/stolen/abc")):  # fmt: skip
        for headers in ({}, auth("shp_wrong"), {"Authorization": "Basic x"}):
            r = getattr(client, method)(path, json={}, headers=headers)
            assert r.status_code == 401, (path, headers)
            assert r.get_json()["error"]["code"] == "unauthorized"


def test_create_one_item_then_it_is_flagged(client, police_token):
    r = client.post("/api/v1/stolen", json=ITEM, headers=auth(police_token))
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["ref"] and body["status"] == "stolen" and body["case_ref"] == "PL1300-2026-1"
    check = client.get("/api/v1/check", query_string={"q": "C02XK1Q2JG5H"}).get_json()
    assert check["flagged"] and check["matches"][0]["ref"] == body["ref"]


def test_creating_the_same_source_id_again_updates(client, police_token):
    first = client.post("/api/v1/stolen", json=ITEM, headers=auth(police_token)).get_json()
    second = client.post("/api/v1/stolen", json=ITEM | {"colour": "zilver"},
                         headers=auth(police_token)).get_json()  # fmt: skip
    assert first["ref"] == second["ref"] and second["colour"] == "zilver"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kind": "car"}, "invalid_kind"),
        ({"identifier": "onbekend"}, "unusable_identifier"),
        ({"police_unit": "XX"}, "unknown_police_unit"),
        ({"police_unit": "RT"}, "wrong_police_unit"),  # the token is of unit AM
        ({"reported_on": "02-10-2026"}, "invalid_date"),
        ({"reported_on": "2999-01-01"}, "invalid_date"),
        ({"source_id": None}, "missing_field"),
        ({"category": "ufo"}, "invalid_category"),
        ({"victim": "Jan"}, "unknown_field"),
    ],
)
def test_invalid_item_is_422_and_changes_nothing(client, police_token, change, code):
    r = client.post("/api/v1/stolen", json=ITEM | change, headers=auth(police_token))
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == code
    assert (
        client.get("/api/v1/check", query_string={"q": "C02XK1Q2JG5H"}).get_json()["flagged"]
        is False
    )


def test_import_reports_bad_lines_and_imports_good_ones(client, police_token):
    lines = [
        json.dumps(ITEM),
        "{not json",
        json.dumps(ITEM | {"source_id": "BVH-2", "identifier": "???"}),
        "",
        json.dumps(ITEM | {"source_id": "BVH-3", "identifier": "52-HZK-7", "kind": "plate"}),
        json.dumps(ITEM | {"source_id": "BVH-4", "police_unit": "RT"}),
    ]
    r = client.post("/api/v1/stolen/import", data="\n".join(lines) + "\n",
                    content_type="application/x-ndjson", headers=auth(police_token))  # fmt: skip
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert (body["created"], body["updated"], body["rejected"]) == (2, 0, 3)
    assert [(e["line"], e["code"]) for e in body["errors"]] == [
        (2, "invalid_json"),
        (3, "unusable_identifier"),
        (6, "wrong_police_unit"),
    ]
    again = client.post(
        "/api/v1/stolen/import",
        data="\n".join(lines),
        content_type="application/x-ndjson",
        headers=auth(police_token),
    ).get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_import_needs_ndjson(client, police_token):
    r = client.post("/api/v1/stolen/import", json=ITEM, headers=auth(police_token))
    assert r.status_code == 415 and r.get_json()["error"]["code"] == "not_ndjson"


def test_patch_status_and_history(client, police_token, app):
    ref = client.post("/api/v1/stolen", json=ITEM, headers=auth(police_token)).get_json()["ref"]
    r = client.patch(f"/api/v1/stolen/{ref}", json={"status": "recovered", "note": "terug"},
                     headers=auth(police_token))  # fmt: skip
    assert r.status_code == 200 and r.get_json()["status"] == "recovered"
    from stopheling.extensions import db
    from stopheling.stolen.register import get_item

    with app.app_context():
        events = [(e.action, e.status) for e in get_item(db.session, ref, unit=None).events]
    assert events == [("created", "stolen"), ("status", "recovered")]
    bad = client.patch(f"/api/v1/stolen/{ref}", json={"status": "lost"}, headers=auth(police_token))
    assert bad.status_code == 400


def test_other_units_items_are_404(client, police_token, add_items):
    (ref,) = add_items({"kind": "serial", "identifier": "RTITEM12345", "police_unit": "RT"})
    r = client.patch(
        f"/api/v1/stolen/{ref}", json={"status": "withdrawn"}, headers=auth(police_token)
    )
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_ref"
    assert client.get("/api/v1/check", query_string={"q": "RTITEM12345"}).get_json()["flagged"]


def test_openapi_document_describes_every_endpoint(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    documented = {(p, m.upper()) for p, ops in spec["paths"].items() for m in ops}
    routes = {
        (rule.rule.replace("<", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") or rule.rule == "/healthz"
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if rule.endpoint.split(".")[0] in ("api", "ops")
    }
    assert routes <= documented
    check = spec["paths"]["/api/v1/check"]["get"]
    assert {p["name"] for p in check["parameters"]} >= {"q", "kind"}


def test_health(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok"}


def test_health_is_503_when_the_database_is_down():
    from stopheling.app import create_app
    from stopheling.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    r = app.test_client().get("/healthz")
    with app.app_context():
        db.engine.dispose()
    assert r.status_code == 503
    assert r.get_json()["error"]["code"] == "database_unavailable"
