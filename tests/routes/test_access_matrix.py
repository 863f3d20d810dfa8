"""Who gets what: every route of the app against every role, in one table.

A route added later without an entry in ROUTES fails test_every_route_is_in_the_table.
CSRF is off here so that the role decides (CSRF has its own tests); "allowed" means the
request reached the view (whatever the view then says about the empty form).
"""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

ROLES = ("anonymous", "citizen", "dealer", "municipality", "boa", "police", "admin")
PUBLIC, POLICE, ADMIN, TOKEN = "public", "police", "admin", "police token"
CREDENTIALS = "credentials"  # the login itself: empty credentials are refused with 401

# endpoint: (method, path, who may use it). {ref} is a stolen item of the officer's unit.
ROUTES = {
    "public.home": ("GET", "/", PUBLIC),
    "public.check": ("GET", "/controleren?q=ABC123456", PUBLIC),
    "public.set_language": ("GET", "/taal/en", PUBLIC),
    "scan.form": ("GET", "/scannen", PUBLIC),
    "scan.upload": ("POST", "/scannen", PUBLIC),
    "reports.form": ("GET", "/melden/{ref}", PUBLIC),
    "reports.submit": ("POST", "/melden/{ref}", PUBLIC),
    "reports.status": ("GET", "/melding/M-XXXXX-XXXXX/0", PUBLIC),
    "login.form": ("GET", "/inloggen", PUBLIC),
    "login.submit": ("POST", "/inloggen", CREDENTIALS),
    "login.logout": ("POST", "/uitloggen", PUBLIC),
    "ops.health": ("GET", "/healthz", PUBLIC),
    "openapi.spec": ("GET", "/api/v1/openapi.json", PUBLIC),
    "openapi.docs": ("GET", "/api/v1/docs", PUBLIC),
    "openapi.swagger_ui_oauth_redirect": ("GET", "/docs/oauth2-redirect", PUBLIC),
    "api.check": ("GET", "/api/v1/check?q=ABC123456", PUBLIC),
    "api.scan": ("POST", "/api/v1/scan", PUBLIC),
    "api.create_report": ("POST", "/api/v1/reports", PUBLIC),
    "api.create_stolen": ("POST", "/api/v1/stolen", TOKEN),
    "api.import_stolen": ("POST", "/api/v1/stolen/import", TOKEN),
    "api.patch_stolen": ("PATCH", "/api/v1/stolen/{ref}", TOKEN),
    "police.index": ("GET", "/politie/", POLICE),
    "police.inbox": ("GET", "/politie/meldingen", POLICE),
    "police.report": ("GET", "/politie/meldingen/1", POLICE),
    "police.photo": ("GET", "/politie/meldingen/1/foto", POLICE),
    "police.acknowledge": ("POST", "/politie/meldingen/1/bevestigen", POLICE),
    "police.close": ("POST", "/politie/meldingen/1/afsluiten", POLICE),
    "police.items": ("GET", "/politie/gestolen", POLICE),
    "police.add_item": ("POST", "/politie/gestolen", POLICE),
    "police.item": ("GET", "/politie/gestolen/{ref}", POLICE),
    "police.item_status": ("POST", "/politie/gestolen/{ref}/status", POLICE),
    "police.import_items": ("POST", "/politie/gestolen/import", POLICE),
    "admin.index": ("GET", "/beheer/", ADMIN),
    "admin.add_user": ("POST", "/beheer/gebruikers", ADMIN),
    "admin.change_user": ("POST", "/beheer/gebruikers/1", ADMIN),
    "admin.add_channel": ("POST", "/beheer/kanalen", ADMIN),
    "admin.toggle_channel": ("POST", "/beheer/kanalen/1/actief", ADMIN),
    "admin.retry": ("POST", "/beheer/leveringen/1/opnieuw", ADMIN),
    "admin.add_token": ("POST", "/beheer/tokens", ADMIN),
    "admin.revoke_token": ("POST", "/beheer/tokens/1/intrekken", ADMIN),
}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(ROUTES)


def expected(access: str, role: str) -> str:
    if access == PUBLIC:
        return "allowed"
    if access in (TOKEN, CREDENTIALS):
        return "401"  # a session never opens the police API: only a token does
    if role == "anonymous":
        return "login"
    roles = (access,) if isinstance(access, str) else access  # one role or a tuple of roles
    return "allowed" if role in roles else "403"


def outcome(response) -> str:
    if response.status_code in (401, 403):
        return str(response.status_code)
    if response.status_code == 302 and "/inloggen" in response.headers["Location"]:
        return "login"
    return "allowed"


@pytest.mark.parametrize("role", ROLES)
def test_who_gets_what(app_with, add_items, make_user, role):
    app = app_with(WTF_CSRF_ENABLED=False)
    client = app.test_client()
    (ref,) = add_items({"kind": "serial", "identifier": "MATRIX12345"})
    if role != "anonymous":
        email = make_user(role, "AM" if role == "police" else None)
        r = client.post("/inloggen", data={"email": email, "password": PASSWORD})
        assert r.status_code == 302
    seen = {}
    for endpoint, (method, path, access) in ROUTES.items():
        if endpoint == "login.logout":
            continue  # would end this client's session for the routes after it
        response = client.open(path.format(ref=ref), method=method)
        seen[endpoint] = (outcome(response), expected(access, role))
    wrong = {e: got for e, (got, want) in seen.items() if got != want}
    assert wrong == {}, f"{role}: {wrong}"
