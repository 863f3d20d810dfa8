"""Hostile text in every form and parameter: over-long input, control characters, invalid
UTF-8, SQL and HTML injection, right-to-left overrides and zero-width characters.

Never a 500; a clear error in the contract's shape under /api/; what is stored is stored
as given (SQL is data) and every page shows it escaped. Runs on SQLite and PostgreSQL
(PostgreSQL refuses NUL characters in text, which is where most of these used to break).
"""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from markupsafe import escape

from stopheling.extensions import db
from stopheling.reports.models import HitReport
from stopheling.stolen.models import StolenItem
from tests.conftest import PASSWORD, csrf

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE stolen_items; -- \" OR 1=1"
RTL = "ABC\u202e321\u202cDEF"  # a right-to-left override, then pop
ZERO_WIDTH = "AB\u200bC\u200d12\ufeff3"
CONTROL = "bell\x07 escape\x1b[31m delete\x7f"
NUL = "A\x00B"
LONG = "A" * 100_000
# Text that is not a valid identifier or field value but must be refused cleanly.
HOSTILE = {"xss": XSS, "sql": SQL, "rtl": RTL, "zero_width": ZERO_WIDTH, "control": CONTROL,
           "nul": NUL, "long": LONG, "emoji": "📱" * 40}  # fmt: skip
# Raw query strings: invalid UTF-8 (a lone continuation byte, an overlong "/", a UTF-16
# surrogate encoded in UTF-8), raw non-ASCII bytes and a NUL.
RAW_QUERIES = [b"q=%FF%FEABC", b"q=%C0%AFABC", b"q=AB%ED%A0%80C", b"q=\xff\xfeABC",
               b"q=ABC%00DEF", b"q=ABC&kind=%FF"]  # fmt: skip


def assert_error_shape(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.get_data()[:300])
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] and body["error"]["message"].strip()
    return body["error"]


def assert_escaped(page: str, text: str) -> None:
    """The payload is on the page only in its escaped form."""
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# --- the check: API and page ------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("kind", ["auto", "serial", "plate", "imei", "frame", "vin"])
def test_the_check_api_answers_hostile_queries_within_the_contract(client, name, kind):
    r = client.get("/api/v1/check", query_string={"q": HOSTILE[name], "kind": kind})
    if name in ("long", "emoji") and len(HOSTILE[name]) > 100:
        assert_error_shape(r, 400)
        return
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["flagged"] is False and body["query"] == HOSTILE[name]
    assert "<" not in body["normalized"] and "\x00" not in body["normalized"]


def test_the_check_api_refuses_a_hostile_kind(client):
    for kind in (XSS, SQL, NUL, RTL, "SERIAL", "auto\u200b"):
        error = assert_error_shape(
            client.get("/api/v1/check", query_string={"q": "ABC123", "kind": kind}), 400
        )
        assert "<script>" not in error["message"] or "kind" in error["message"]


@pytest.mark.parametrize("raw", RAW_QUERIES)
def test_invalid_utf8_in_the_query_string_is_replaced_not_fatal(client, raw):
    raw_query = {"QUERY_STRING": raw.decode("latin-1")}  # WSGI carries the bytes as latin-1
    r = client.get("/api/v1/check", environ_overrides=raw_query)
    if b"kind=" in raw:
        assert_error_shape(r, 400)
        return
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["flagged"] is False
    page = client.get("/controleren", environ_overrides=raw_query)
    assert page.status_code == 200


def test_rtl_overrides_and_zero_width_characters_do_not_hide_a_stolen_item(client, add_items):
    add_items({"kind": "serial", "identifier": "ABC123DEF"})
    for disguised in ("ABC\u200b123\u200dDEF", "\ufeffABC123DEF", "ABC\u202d123DEF\u202c"):
        body = client.get("/api/v1/check", query_string={"q": disguised}).get_json()
        assert body["flagged"] is True, disguised


@pytest.mark.parametrize("name", HOSTILE)
def test_the_check_page_renders_hostile_queries_escaped(client, name):
    r = client.get("/controleren", query_string={"q": HOSTILE[name], "kind": XSS})
    assert r.status_code in (200, 400)
    assert "<script>alert" not in r.get_data(as_text=True)


# --- hit reports: API and form -----------------------------------------------------------


@pytest.fixture
def item_ref(add_items):
    (ref,) = add_items({"kind": "serial", "identifier": "HOSTILE12345"})
    return ref


@pytest.mark.parametrize("field", ["where", "remarks", "name", "query"])
@pytest.mark.parametrize("name", ["xss", "sql", "rtl", "zero_width", "control"])
def test_a_report_stores_hostile_text_as_given(client, app, item_ref, field, name):
    body = {"ref": item_ref, "where": "Marktplaats", "contact": {"phone": "0612345678"}}
    if field == "name":
        body["contact"]["name"] = HOSTILE[name]
    else:
        body[field] = HOSTILE[name]
    r = client.post("/api/v1/reports", json=body)
    assert r.status_code == 201, r.get_json()
    with app.app_context():
        report = db.session.scalar(sa.select(HitReport))
        stored = {"where": report.where, "remarks": report.remarks,
                  "name": report.contact_name, "query": report.query}[field]  # fmt: skip
        assert stored == HOSTILE[name].strip()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StolenItem)) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"where": NUL}, {"remarks": NUL}, {"query": NUL}, {"contact": {"name": NUL}},
        {"ref": NUL}, {"ref": "a\ud800"}, {"where": "b\udfff"}, {"where": LONG},
        {"remarks": LONG}, {"contact": {"email": XSS}}, {"contact": {"phone": SQL}},
        {"contact": {"email": LONG + "@example.invalid"}}, {"ref": XSS}, {"ref": SQL},
        {"ref": LONG}, {"where": ["list"]}, {"contact": "06"},
    ],
)  # fmt: skip
def test_a_report_refuses_what_it_cannot_store_with_a_clear_error(client, item_ref, body):
    full = {"ref": item_ref, "where": "Marktplaats", "contact": {"phone": "0612345678"}}
    payload = json.dumps(full | body)  # json.dumps writes a lone surrogate as "\ud800"
    r = client.post("/api/v1/reports", data=payload, content_type="application/json")
    assert_error_shape(r, 400, 404, 422)


@pytest.mark.parametrize("raw", [b'{"ref": "\xff\xfe", "where": "x"}', b"\xff\xfe\x00{",
                                 b'{"ref": "abc', b"\x00" * 10, b"[]", b"null"])  # fmt: skip
def test_a_report_with_a_body_that_is_not_utf8_json_is_a_400(client, raw):
    r = client.post("/api/v1/reports", data=raw, content_type="application/json")
    assert_error_shape(r, 400)


def test_the_report_form_and_the_police_page_show_hostile_text_escaped(
    app, client, item_ref, login
):
    token = csrf(client, f"/melden/{item_ref}")
    r = client.post(f"/melden/{item_ref}", data={
        "csrf_token": token, "where": XSS, "remarks": SQL + RTL, "name": XSS,
        "phone": "0612345678", "query": XSS,
    })  # fmt: skip
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    status_page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in status_page
    refused = client.post(f"/melden/{item_ref}", data={
        "csrf_token": token, "where": XSS, "phone": XSS, "remarks": LONG,
    })  # fmt: skip
    assert refused.status_code == 422
    assert_escaped(refused.get_data(as_text=True), XSS)  # the form shows the values again
    nul = client.post(f"/melden/{item_ref}", data={"csrf_token": token, "where": NUL,
                                                   "phone": "0612345678"})  # fmt: skip
    assert nul.status_code == 400 and "<script>" not in nul.get_data(as_text=True)
    with app.app_context():
        report_id = db.session.scalar(sa.select(HitReport.id))
    client.post("/uitloggen")
    officer = login("police", "AM")
    page = officer.get(f"/politie/meldingen/{report_id}").get_data(as_text=True)
    assert_escaped(page, XSS)
    assert str(escape(SQL)) in page  # as Jinja escapes it
    inbox = officer.get("/politie/meldingen").get_data(as_text=True)
    assert "<script>alert" not in inbox


# --- login ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_login_with_hostile_credentials_is_refused_cleanly(client, make_user, name):
    make_user("police", "AM")
    token = csrf(client)
    r = client.post("/inloggen", data={"csrf_token": token, "email": HOSTILE[name],
                                       "password": HOSTILE[name], "next": XSS})  # fmt: skip
    assert r.status_code == (400 if name == "nul" else 401)
    page = r.get_data(as_text=True)
    assert "<script>alert" not in page


def test_login_with_a_hostile_next_never_redirects_elsewhere(client, make_user):
    email = make_user("police", "AM")
    for target in ("//evil.invalid/", "https://evil.invalid/", "/\\evil.invalid", XSS,
                   "javascript:alert(1)", "/politie/\u202e"):  # fmt: skip
        client.post("/uitloggen")
        token = csrf(client)
        r = client.post("/inloggen", data={"csrf_token": token, "email": email,
                                           "password": PASSWORD, "next": target})  # fmt: skip
        assert r.status_code == 302
        location = r.headers["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


def test_invalid_utf8_in_a_form_body_is_not_fatal(client, make_user):
    token = csrf(client)
    body = b"csrf_token=" + token.encode() + b"&email=%FF%FE%00&password=\xff\xfe"
    r = client.post("/inloggen", data=body, content_type="application/x-www-form-urlencoded")
    assert r.status_code in (400, 401)
    body = b"csrf_token=" + token.encode() + b"&email=%FF%FEx%40example.invalid&password=%FF"
    r = client.post("/inloggen", data=body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 401
    raw = b"csrf_token=" + token.encode() + b"&email=\xff\xfe&password=\xff"  # not escaped
    r = client.post("/inloggen", data=raw, content_type="application/x-www-form-urlencoded")
    assert r.status_code in (400, 401)


# --- the police register: API, form, search and import ---------------------------------

ITEM = {"kind": "serial", "identifier": "HOST1LE9876", "police_unit": "AM",
        "reported_on": "2026-10-01", "source_id": "BVH-H1"}  # fmt: skip


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("name", ["xss", "sql", "rtl", "zero_width"])
def test_a_police_item_stores_hostile_descriptions_and_shows_them_escaped(
    app, client, police_token, login, name
):
    text = HOSTILE[name]
    item = ITEM | {"description": text, "brand": text[:100], "case_ref": text[:100]}
    r = client.post("/api/v1/stolen", json=item, headers=auth(police_token))
    assert r.status_code == 201, r.get_json()
    ref = r.get_json()["ref"]
    assert r.get_json()["description"] == text
    check = client.get("/api/v1/check", query_string={"q": "HOST1LE9876"}).get_json()
    assert check["flagged"] and check["matches"][0]["description"] == text
    officer = login("police", "AM")
    page = officer.get(f"/politie/gestolen/{ref}").get_data(as_text=True)
    result = client.get("/controleren", query_string={"q": "HOST1LE9876"}).get_data(as_text=True)
    for shown in (page, result):
        assert "<script>alert" not in shown
        if name == "xss":
            assert "&lt;script&gt;" in shown
    search = officer.get("/politie/gestolen", query_string={"q": text})
    assert search.status_code == 200 and "<script>alert" not in search.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(StolenItem.description)) == text


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"description": CONTROL}, 422, "invalid_field"),
        ({"brand": "x" * 101}, 422, "field_too_long"),
        ({"identifier": LONG}, 422, "field_too_long"),
        ({"source_id": XSS * 10}, 422, "field_too_long"),
        ({"kind": XSS}, 422, None),
        ({"kind": "<b>x</b>"}, 422, "invalid_kind"),
        ({"police_unit": SQL}, 422, None),
        ({"identifier": "\u200b\u200b"}, 422, "unusable_identifier"),
        ({"description": NUL}, 400, "invalid_json"),
        ({"description": "x\ud800"}, 400, "invalid_json"),
        ({"category": "<b>x</b>"}, 422, "invalid_category"),
    ],
)
def test_the_stolen_api_refuses_hostile_fields_clearly(client, police_token, change, status,
                                                      code):  # fmt: skip
    payload = json.dumps(ITEM | change)
    r = client.post("/api/v1/stolen", data=payload, content_type="application/json",
                    headers=auth(police_token))  # fmt: skip
    error = assert_error_shape(r, status)
    assert code is None or error["code"] == code
    assert "<script>" not in error["message"] or error["code"] == "invalid_kind"


def test_the_import_reports_hostile_lines_and_keeps_the_good_ones(client, police_token):
    good = json.dumps(ITEM).encode()
    lines = [
        good,
        b"\xff\xfe not utf-8",
        json.dumps(ITEM | {"source_id": "S2", "description": "x\ud800"}).encode(),
        json.dumps(ITEM | {"source_id": "S3", "description": "x\x00y"}).encode(),
        json.dumps(ITEM | {"source_id": "S4", "description": LONG}).encode(),
        json.dumps(ITEM | {"source_id": SQL, "description": XSS}).encode(),
        b"\x00\x00\x00",
    ]
    r = client.post("/api/v1/stolen/import", data=b"\n".join(lines),
                    content_type="application/x-ndjson", headers=auth(police_token))  # fmt: skip
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["created"] == 2
    assert [(e["line"], e["code"]) for e in body["errors"]] == [
        (2, "invalid_encoding"), (3, "invalid_field"), (4, "invalid_field"),
        (5, "field_too_long"), (7, "invalid_json"),
    ]  # fmt: skip


def test_the_police_form_and_import_page_take_hostile_input(client, login, app):
    officer = login("police", "AM")
    token = csrf(officer, "/politie/gestolen")
    base = {"csrf_token": token, "kind": "serial", "identifier": "FORM123456",
            "reported_on": "2026-10-01"}  # fmt: skip
    ok = officer.post("/politie/gestolen", data=base | {"source_id": SQL, "description": XSS})
    assert ok.status_code == 303
    page = officer.get(ok.headers["Location"]).get_data(as_text=True)
    assert_escaped(page, XSS)
    for change, status in (({"description": CONTROL}, 422), ({"brand": LONG}, 422),
                           ({"description": NUL}, 400), ({"kind": XSS}, 422),
                           ({"reported_on": XSS}, 422)):  # fmt: skip
        r = officer.post("/politie/gestolen", data=base | {"source_id": "F2"} | change)
        assert r.status_code == status, (change, r.status_code)
        assert "<script>alert" not in r.get_data(as_text=True)
    upload = b"\xff\xfe\n" + json.dumps(ITEM | {"description": XSS}).encode() + b"\n\x00"
    r = officer.post(
        "/politie/gestolen/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(upload), XSS + ".ndjson")},
    )
    assert r.status_code == 200
    shown = r.get_data(as_text=True)
    assert "<script>alert" not in shown and "1 nieuw" in shown and "2 afgewezen" in shown
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(StolenItem)) == 2


@pytest.mark.parametrize("path", ["/melden/{x}", "/melding/{x}/{x}", "/politie/gestolen/{x}",
                                  "/taal/{x}", "/api/v1/stolen/{x}"])  # fmt: skip
@pytest.mark.parametrize("name", ["xss", "sql", "nul", "rtl", "long"])
def test_hostile_path_segments_are_a_clean_404_or_400(client, login, police_token, path, name):
    officer = login("police", "AM")
    from urllib.parse import quote

    url = path.format(x=quote(HOSTILE[name][:2000], safe=""))
    if path.startswith("/api/"):
        r = officer.patch(url, json={"status": "recovered"}, headers=auth(police_token))
        assert_error_shape(r, 400, 404)
        return
    r = officer.get(url)
    assert r.status_code in (302, 400, 404), (url[:80], r.status_code)
    assert "<script>alert" not in r.get_data(as_text=True)


# --- the remaining forms: administrators' and officers' -----------------------------------


@pytest.mark.parametrize("name", ["xss", "sql", "rtl", "nul", "long", "control"])
def test_the_admin_forms_take_hostile_input_cleanly(client, login, name):
    admin = login("admin")
    token = csrf(admin, "/beheer/")
    text = HOSTILE[name]
    posts = [
        ("/beheer/kanalen", {"unit": text, "kind": "webhook", "target": text}),
        ("/beheer/kanalen", {"unit": "AM", "kind": text, "target": "https://x.invalid/" + text}),
        ("/beheer/gebruikers", {"email": text, "name": text, "password": text, "role": "police",
                                "unit": text, "municipality": text}),
        ("/beheer/gebruikers", {"email": "nieuw@example.invalid", "name": text,
                                "password": "een lang genoeg wachtwoord", "role": text}),
        ("/beheer/tokens", {"kind": "app", "unit": "", "label": text}),
        ("/beheer/tokens", {"kind": "police", "unit": text, "label": ""}),
    ]  # fmt: skip
    for path, form in posts:
        r = admin.post(path, data={"csrf_token": token} | form)
        assert r.status_code in (200, 303, 400, 422), (path, r.status_code)
        assert "<script>alert" not in r.get_data(as_text=True)
    page = admin.get("/beheer/")
    assert page.status_code == 200 and "<script>alert" not in page.get_data(as_text=True)


@pytest.mark.parametrize("name", ["xss", "sql", "rtl", "nul", "long", "control"])
def test_the_officers_notes_and_filters_take_hostile_input_cleanly(
    app, client, login, item_ref, name
):
    text = HOSTILE[name]
    r = client.post("/api/v1/reports", json={"ref": item_ref, "where": "markt",
                                             "contact": {"phone": "0612345678"}})  # fmt: skip
    assert r.status_code == 201
    with app.app_context():
        report_id = db.session.scalar(sa.select(HitReport.id))
    officer = login("police", "AM")
    token = csrf(officer, "/politie/meldingen")
    expected = (400,) if name == "nul" else (303, 422)
    closed = officer.post(f"/politie/meldingen/{report_id}/afsluiten",
                          data={"csrf_token": token, "note": text})  # fmt: skip
    assert closed.status_code in expected, closed.status_code
    form = {"csrf_token": token, "status": "recovered", "note": text}
    status = officer.post(f"/politie/gestolen/{item_ref}/status", data=form)
    assert status.status_code in (*expected, 200), status.status_code
    for path in (
        f"/politie/meldingen/{report_id}",
        f"/politie/gestolen/{item_ref}",
        f"/politie/meldingen?status={text[:500]}",
        f"/melden/{item_ref}?q={text[:500]}",
    ):
        r = officer.get(path)
        assert r.status_code in (200, 400), (path[:60], r.status_code)
        assert "<script>alert" not in r.get_data(as_text=True)
