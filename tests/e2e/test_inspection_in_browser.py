"""Municipal oversight and inspection with real processes: the municipality grants a BOA
access, the BOA searches by a seller's ID number, opens the entry with a reason and verifies
the register; the municipality then finds those reads in its audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from stopheling.dealers import register as reg
from stopheling.dealers.service import register_dealer, set_dealer_status
from stopheling.extensions import db
from tests.conftest import PASSWORD
from tests.dealers.oversight_world import make_officer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def seed(app) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with app.app_context():
        dealer = register_dealer(
            db.session, name="Fietsenhandel De Ketting", kvk="11223344", address="Dijk 4",
            postcode="1012 AB", city="Amsterdam", municipality="GM0363", categories=["fiets"],
            email="ketting@example.invalid", password="een lang wachtwoord",
        )  # fmt: skip
        set_dealer_status(db.session, dealer, "approved", actor="test")
        data = reg.PurchaseInput(
            acquired_at=now - timedelta(days=2), category="fiets", description="Blauwe damesfiets",
            price_cents=9000, terms="purchase", seller_surname="Verhoeven",
            seller_first_names="Anna", seller_birth_date=date(1985, 3, 2),
            seller_birth_place="Haarlem", seller_address="Dorpsstraat 8, 2011 AA Haarlem",
            identifiers=(("frame", "BA1234567"),), brand="Batavus", seller_id_type="passport",
            seller_id_number="NP4R12345", seller_id_country="NL",
        )  # fmt: skip
        reg.record_purchase(db.session, dealer, data, actor="test", now=now - timedelta(days=1))
        db.session.commit()
        make_officer("gemeente@example.invalid", "municipality", municipality="GM0363")
        make_officer("handhaver@example.invalid", "boa", municipality="GM0363")


def log_in(page, base: str, email: str, lands_on: str) -> None:
    page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"**{lands_on}**")


def test_a_granted_boa_inspects_and_the_municipality_sees_the_reads(
    live_server, page, browser, app
):
    seed(app)
    officer = browser.new_context(locale="nl-NL").new_page()
    log_in(officer, live_server, "gemeente@example.invalid", "/gemeente/handelaren")
    assert "Fietsenhandel De Ketting" in officer.content()

    # before the grant the BOA is told to ask the municipality (a 403, in its own context:
    # the page fixture fails on any refused resource)
    refused = browser.new_context(locale="nl-NL").new_page()
    log_in(refused, live_server, "handhaver@example.invalid", "/inspectie/")
    assert "Geen toegang" in refused.locator("h1").inner_text()
    refused.context.close()

    officer.get_by_role("link", name="Boa's").click()
    officer.get_by_label("Akte of aanwijzing die art. 437 Sr dekt").fill("akte 2026-42")
    officer.get_by_role("button", name="Toegang geven").click()
    assert "heeft nu toegang" in officer.locator(".notice").inner_text()

    log_in(page, live_server, "handhaver@example.invalid", "/inspectie/")
    page.get_by_label("Zoeken op").select_option("id_document")
    page.get_by_label("Nummer", exact=True).fill("np4r 12345")
    page.get_by_label("Reden of zaaknummer").fill("controle fietsenhandel")
    page.get_by_role("button", name="Zoeken").click()
    results = page.locator("table").first.inner_text()
    assert "Verhoeven" in results and "BA1234567" in results

    page.get_by_role("link", name="1", exact=True).click()
    assert "Verhoeven" not in page.content()
    assert page.get_by_label("Reden of zaaknummer").input_value() == "controle fietsenhandel"
    page.get_by_role("button", name="Verkopergegevens tonen").click()
    assert "Dorpsstraat 8" in page.content() and "NP4R12345" in page.content()

    page.get_by_role("link", name="Register controleren").click()
    assert "In orde: alle 1 regels" in page.locator("main").inner_text()

    officer.get_by_role("link", name="Auditlog").click()
    log = officer.locator("table").inner_text()
    assert "handhaver@example.invalid" in log and "controle fietsenhandel" in log
    assert "gezocht op identiteitsbewijs" in log and "verkoper ingezien" in log
    officer.context.close()
