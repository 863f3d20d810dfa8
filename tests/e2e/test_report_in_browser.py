"""A citizen reports a hit from the result page; an officer of the right unit sees it in
the inbox and acknowledges it; the citizen's status page shows that (acceptance 5)."""

import pytest
from werkzeug.security import generate_password_hash

from stopheling.accounts.models import User
from stopheling.accounts.users import set_role
from stopheling.extensions import db

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct horse battery"


def officer(app, unit: str) -> str:
    email = f"agent-{unit.lower()}@politie.invalid"
    with app.app_context():
        user = User(email=email, password_hash=generate_password_hash(PASSWORD, "scrypt:1024:8:1"))
        set_role(db.session, user, "police", police_unit=unit)
        db.session.add(user)
        db.session.commit()
    return email


def test_citizen_reports_officer_acknowledges_citizen_sees_it(
    live_server, page, browser, app, add_items
):
    add_items(
        {
            "kind": "serial",
            "identifier": "BROWSER0001",
            "police_unit": "ZWB",
            "brand": "Bosch",
            "category": "gereedschap",
        }
    )
    page.goto(live_server + "/controleren?q=BROWSER0001")
    page.get_by_role("link", name="Meld waar het wordt aangeboden").click()
    page.get_by_label("Waar en hoe wordt het aangeboden?").fill("Rommelmarkt Breda, kraam 7")
    page.get_by_label("E-mailadres").fill("burger@example.invalid")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_url("**/melding/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Bedankt, uw melding is ontvangen"
    reference = page.locator("#reference").inner_text()
    status_page = page.url.split("?")[0]

    context = browser.new_context(locale="nl-NL")
    police = context.new_page()
    police.goto(live_server + "/politie/meldingen")
    police.get_by_label("E-mailadres").fill(officer(app, "ZWB"))
    police.get_by_label("Wachtwoord").fill(PASSWORD)
    police.get_by_role("button", name="Inloggen").click()
    police.wait_for_url("**/politie/meldingen**")
    police.get_by_role("link", name=reference).click()
    assert "burger@example.invalid" in police.content()
    police.get_by_role("button", name="Bevestigen: wij pakken dit op").click()
    police.wait_for_load_state()
    assert police.locator("#report-status").inner_text() == "bevestigd"
    context.close()

    page.goto(status_page)
    current = page.locator("#steps li[aria-current=step]").inner_text()
    assert "Bekeken door de politie" in current
