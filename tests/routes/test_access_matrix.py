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
DEALER_TOKEN = "dealer token"  # the dealers' API: a session never opens it either
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
    # Open in development (as here); a token or allowed addresses elsewhere (test_metrics.py).
    "metrics": ("GET", "/metrics", PUBLIC),
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
    "police.release_hold": ("POST", "/politie/meldingen/1/vrijgeven", POLICE),
    # Inspection (issue 6): police officers; a BOA only with its municipality's grant, which
    # the BOA made here lacks (403) - tests/dealers/test_register_access.py covers grants.
    "inspection.index": ("GET", "/inspectie/", POLICE),
    "inspection.search": ("POST", "/inspectie/zoeken", POLICE),
    "inspection.dealer": ("GET", "/inspectie/handelaren/1", POLICE),
    "inspection.sales": ("GET", "/inspectie/handelaren/1/verkoop", POLICE),
    "inspection.purchase": ("GET", "/inspectie/handelaren/1/inkoop/1", POLICE),
    "inspection.open_purchase": ("POST", "/inspectie/handelaren/1/inkoop/1", POLICE),
    "inspection.photo": ("GET", "/inspectie/handelaren/1/inkoop/1/foto", POLICE),
    "inspection.sale": ("GET", "/inspectie/handelaren/1/verkoop/1", POLICE),
    "inspection.open_sale": ("POST", "/inspectie/handelaren/1/verkoop/1", POLICE),
    "inspection.verify": ("GET", "/inspectie/handelaren/1/controle", POLICE),
    # Municipal oversight (issue 6): the municipality's own dealers, settings, BOAs, audit log.
    "municipality.suspend_form": ("GET", "/gemeente/handelaren/1/schorsen", "municipality"),
    "municipality.suspend_dealer": ("POST", "/gemeente/handelaren/1/schorsen", "municipality"),
    "municipality.reinstate_dealer": ("POST", "/gemeente/handelaren/1/herstellen", "municipality"),
    "municipality.settings": ("GET", "/gemeente/instellingen", "municipality"),
    "municipality.save_settings": ("POST", "/gemeente/instellingen", "municipality"),
    "municipality.compliance": ("GET", "/gemeente/naleving", "municipality"),
    "municipality.boas": ("GET", "/gemeente/boas", "municipality"),
    "municipality.grant_boa": ("POST", "/gemeente/boas/1/toegang", "municipality"),
    "municipality.revoke_boa": ("POST", "/gemeente/boas/1/intrekken", "municipality"),
    "municipality.audit": ("GET", "/gemeente/auditlog", "municipality"),
    # Dealers' registers (issue 6). The dealer made here has no business: its pages answer 404
    # (reached the view); tests/dealers/test_dealer_pages.py covers dealer A against dealer B.
    "dealer.signup_form": ("GET", "/handelaar/aanmelden", PUBLIC),
    "dealer.signup": ("POST", "/handelaar/aanmelden", PUBLIC),
    "dealer.index": ("GET", "/handelaar/", "dealer"),
    "dealer.purchases": ("GET", "/handelaar/inkoop", "dealer"),
    "dealer.new_purchase": ("GET", "/handelaar/inkoop/nieuw", "dealer"),
    "dealer.add_purchase": ("POST", "/handelaar/inkoop", "dealer"),
    "dealer.purchase": ("GET", "/handelaar/inkoop/1", "dealer"),
    "dealer.photo": ("GET", "/handelaar/inkoop/1/foto", "dealer"),
    "dealer.sales": ("GET", "/handelaar/verkoop", "dealer"),
    "dealer.new_sale": ("GET", "/handelaar/verkoop/nieuw", "dealer"),
    "dealer.add_sale": ("POST", "/handelaar/verkoop", "dealer"),
    "dealer.verify": ("POST", "/handelaar/controleren", "dealer"),
    "dealer.export": ("GET", "/handelaar/export/inkoop.csv", "dealer"),
    "dealer.tokens": ("GET", "/handelaar/api-sleutels", "dealer"),
    "dealer.add_token": ("POST", "/handelaar/api-sleutels", "dealer"),
    "dealer.revoke_token": ("POST", "/handelaar/api-sleutels/1/intrekken", "dealer"),
    "dealer_api.create_purchase": ("POST", "/api/v1/dealer/purchases", DEALER_TOKEN),
    "dealer_api.list_purchases": ("GET", "/api/v1/dealer/purchases", DEALER_TOKEN),
    "dealer_api.create_sale": ("POST", "/api/v1/dealer/sales", DEALER_TOKEN),
    "dealer_api.list_sales": ("GET", "/api/v1/dealer/sales", DEALER_TOKEN),
    "municipality.dealers": ("GET", "/gemeente/handelaren", "municipality"),
    "municipality.decide_dealer": ("POST", "/gemeente/handelaren/1/besluit", "municipality"),
    "admin.index": ("GET", "/beheer/", ADMIN),
    "admin.add_user": ("POST", "/beheer/gebruikers", ADMIN),
    "admin.change_user": ("POST", "/beheer/gebruikers/1", ADMIN),
    "admin.add_channel": ("POST", "/beheer/kanalen", ADMIN),
    "admin.toggle_channel": ("POST", "/beheer/kanalen/1/actief", ADMIN),
    "admin.retry": ("POST", "/beheer/leveringen/1/opnieuw", ADMIN),
    "admin.add_token": ("POST", "/beheer/tokens", ADMIN),
    "admin.revoke_token": ("POST", "/beheer/tokens/1/intrekken", ADMIN),
    # Residents' accounts and vaults (issue 4). A vault item that is not one's own answers
    # 404 (reached the view); tests/vault/test_access.py covers resident A against B.
    "account.register_form": ("GET", "/registreren", PUBLIC),
    "account.register": ("POST", "/registreren", PUBLIC),
    "account.confirm": ("GET", "/account/bevestigen/x", PUBLIC),
    "account.resend": ("POST", "/account/bevestiging-opnieuw", PUBLIC),
    "account.forgot_form": ("GET", "/wachtwoord-vergeten", PUBLIC),
    "account.forgot": ("POST", "/wachtwoord-vergeten", PUBLIC),
    "account.reset_form": ("GET", "/wachtwoord-herstellen/x", PUBLIC),
    "account.reset": ("POST", "/wachtwoord-herstellen/x", PUBLIC),
    "account.settings": ("GET", "/account", "citizen"),
    "account.change_name": ("POST", "/account/naam", "citizen"),
    "account.change_email": ("POST", "/account/e-mail", "citizen"),
    "account.change_password": ("POST", "/account/wachtwoord", "citizen"),
    "account.delete": ("POST", "/account/verwijderen", "citizen"),
    "vault.index": ("GET", "/spullen/", "citizen"),
    "vault.new": ("GET", "/spullen/nieuw", "citizen"),
    "vault.create": ("POST", "/spullen/nieuw", "citizen"),
    "vault.scan": ("POST", "/spullen/scannen", "citizen"),
    "vault.item": ("GET", "/spullen/1", "citizen"),
    "vault.edit": ("GET", "/spullen/1/bewerken", "citizen"),
    "vault.update": ("POST", "/spullen/1/bewerken", "citizen"),
    "vault.delete": ("POST", "/spullen/1/verwijderen", "citizen"),
    "vault.upload": ("POST", "/spullen/1/bestanden", "citizen"),
    "vault.file": ("GET", "/spullen/1/bestanden/1", "citizen"),
    "vault.delete_file": ("POST", "/spullen/1/bestanden/1/verwijderen", "citizen"),
    "vault.stolen_form": ("GET", "/spullen/1/gestolen", "citizen"),
    "vault.mark_stolen": ("POST", "/spullen/1/gestolen", "citizen"),
    "vault.case_number": ("POST", "/spullen/1/zaaknummer", "citizen"),
    "vault.recovered": ("POST", "/spullen/1/teruggevonden", "citizen"),
    "vault.check": ("GET", "/spullen/1/controleren", "citizen"),
    "vault.sheet": ("GET", "/spullen/aangifte", "citizen"),
    "vault.sheet_pdf": ("GET", "/spullen/aangifte.pdf", "citizen"),
    "vault.item_sheet": ("GET", "/spullen/1/aangifte", "citizen"),
    "vault.item_sheet_pdf": ("GET", "/spullen/1/aangifte.pdf", "citizen"),
    "vault.export": ("GET", "/spullen/export.zip", "citizen"),
    "vault.import_form": ("GET", "/spullen/importeren", "citizen"),
    "vault.import_archive": ("POST", "/spullen/importeren", "citizen"),
}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(ROUTES)


def expected(access: str, role: str) -> str:
    if access == PUBLIC:
        return "allowed"
    if access in (TOKEN, DEALER_TOKEN, CREDENTIALS):
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
