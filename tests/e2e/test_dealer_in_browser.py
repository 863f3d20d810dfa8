"""Acceptance 1 of the buyer register, with real processes: a dealer signs up in the browser,
the municipality approves, the dealer records a purchase whose serial is in the stolen
register written differently; the police units' endpoints receive the alert (through the
worker), the dealer sees the hold, and a sale of the item is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stopheling.extensions import db
from stopheling.reports.channels import add_channel
from tests.conftest import PASSWORD

from .conftest import free_port
from .delivery import Endpoint, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def webhook(app, unit: str, endpoint: Endpoint) -> None:
    with app.app_context():
        add_channel(
            db.session, unit, "webhook", endpoint.url, secret=endpoint.secret, allow_http=True
        )
        db.session.commit()


def test_dealer_signs_up_is_approved_buys_a_stolen_item_and_may_not_sell_it(
    live_server, page, browser, app, add_items, make_user, database_url
):
    add_items({"kind": "serial", "identifier": "C02XK1Q2JG5H", "police_unit": "ZWB",
               "brand": "Apple", "category": "computer"})  # fmt: skip
    theft_unit, area_unit = (
        Endpoint("zwb", free_port()).start(),
        Endpoint("am", free_port()).start(),
    )
    webhook(app, "ZWB", theft_unit)
    webhook(app, "AM", area_unit)  # the dealer trades in Amsterdam
    worker = start_worker(database_url)
    try:
        # 1. the dealer signs up
        page.goto(live_server + "/handelaar/aanmelden")
        for field, value in {
            "#name": "Laptopzaak De Tweede Kans", "#kvk": "87654321", "#address": "Kade 12",
            "#postcode": "1013 AA", "#city": "Amsterdam", "#phone": "020 111 2222",
            "#person_name": "Sam Handelaar", "#email": "kans@example.invalid",
            "#password": "een lang wachtwoord",
        }.items():  # fmt: skip
            page.fill(field, value)
        page.select_option("#municipality", "GM0363")
        page.get_by_label("Laptop / computer").check()
        page.get_by_role("button", name="Aanmelden bij de gemeente").click()
        page.wait_for_url("**/handelaar/")
        assert "wacht op de gemeente" in page.locator("#dealer-status").inner_text()

        # 2. the municipality approves
        officer = browser.new_context(locale="nl-NL").new_page()
        officer.goto(live_server + "/gemeente/handelaren")
        officer.get_by_label("E-mailadres").fill(make_user("municipality"))
        officer.get_by_label("Wachtwoord").fill(PASSWORD)
        officer.get_by_role("button", name="Inloggen").click()
        officer.wait_for_url("**/gemeente/handelaren**")
        assert "Laptopzaak De Tweede Kans" in officer.content()
        officer.get_by_role("button", name="Goedkeuren").click()
        officer.wait_for_load_state()
        officer.context.close()

        # 3. the dealer records a purchase; the serial is typed differently from the register
        page.goto(live_server + "/handelaar/")
        assert "goedgekeurd" in page.locator("#dealer-status").inner_text()
        page.get_by_role("link", name="Inkoop vastleggen").first.click()
        yesterday = (date.today() - timedelta(days=1)).isoformat()
        page.fill("#acquired_date", yesterday)
        page.fill("#acquired_time", "14:15")
        page.select_option("#category", "computer")
        page.fill("#brand", "Apple")
        page.fill("#model", "MacBook Air")
        page.fill("#description", "Laptop zonder lader")
        page.fill("#number_1", "s/n c02-xk1q2-jg5h")
        page.fill("#price", "250")
        for field, value in {
            "#seller_surname": "Bakker", "#seller_first_names": "Tom",
            "#seller_birth_date": "1992-07-21", "#seller_birth_place": "Delft",
            "#seller_address": "Oude Gracht 3, 2611 AA Delft", "#seller_id_number": "IT1234567",
        }.items():  # fmt: skip
            page.fill(field, value)
        page.select_option("#seller_id_type", "id_card")
        page.get_by_role("button", name="Vastleggen in het register").click()
        page.wait_for_url("**/handelaar/inkoop/1")
        hold = page.locator("#police-hold")
        assert "Bewaar dit goed voor de politie" in hold.inner_text()
        assert "ZWB" not in page.content() and "Zeeland" not in page.content()

        # 4. both units' endpoints get the alert through the worker
        wait_for(lambda: theft_unit.requests() and area_unit.requests(), 60, "the alerts")
        for endpoint, unit in ((theft_unit, "ZWB"), (area_unit, "AM")):
            request = endpoint.requests()[0]
            assert request["valid"] and request["body"]["source"] == "buyer_register"
            assert request["body"]["police_unit"] == unit
            assert "inkoopregel 1" in request["body"]["where"]

        # 5. a sale of the item is refused (in a second tab: the refusal is an HTTP 422,
        # which the browser logs as a failed resource, and the page fixture counts those)
        assert page.get_by_role("link", name="Verkoop vastleggen").count() == 0
        tab = page.context.new_page()
        tab.goto(live_server + "/handelaar/verkoop/nieuw?inkoop=1")
        tab.fill("#sold_date", date.today().isoformat())
        tab.fill("#price", "400")
        tab.fill("#buyer_name", "A. Koper")
        tab.fill("#buyer_address", "Plein 1, Amsterdam")
        tab.get_by_role("button", name="Vastleggen in het register").click()
        assert "bewaar het voor de politie" in tab.locator("#refusal").inner_text()
        tab.goto(live_server + "/handelaar/verkoop")
        assert "Nog geen verkopen vastgelegd." in tab.content()
        tab.close()
    finally:
        assert stop_worker(worker) == 0
        theft_unit.stop()
        area_unit.stop()
