"""The citizen's report form, without JavaScript: linked from a flagged result, errors
announced (role=alert), and a redirect to the private status page."""

from __future__ import annotations

from tests.conftest import csrf


def test_the_flagged_result_links_to_the_report_form(client, add_items):
    [ref] = add_items({"kind": "serial", "identifier": "FORM000001"})
    page = client.get("/controleren?q=FORM000001").get_data(as_text=True)
    assert f"/melden/{ref}?q=FORM000001" in page


def test_a_report_without_contact_is_explained_then_accepted(client, add_items):
    [ref] = add_items({"kind": "serial", "identifier": "FORM000001"})
    token = csrf(client, f"/melden/{ref}")
    data = {"csrf_token": token, "where": "Markt Utrecht", "query": "FORM000001"}
    refused = client.post(f"/melden/{ref}", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'role="alert"' in html
    assert "Vul een e-mailadres of een telefoonnummer in" in html and "Markt Utrecht" in html
    accepted = client.post(f"/melden/{ref}", data=data | {"phone": "06 1234 5678"})
    assert accepted.status_code == 303 and "/melding/M-" in accepted.headers["Location"]
    status = client.get(accepted.headers["Location"]).get_data(as_text=True)
    assert "Bedankt, uw melding is ontvangen" in status


def test_the_form_needs_its_csrf_token_and_a_known_item(client, add_items):
    [ref] = add_items({"kind": "serial", "identifier": "FORM000001"})
    assert (
        client.post(f"/melden/{ref}", data={"where": "x", "phone": "0612345678"}).status_code == 400
    )
    assert client.get("/melden/onbekend").status_code == 404
