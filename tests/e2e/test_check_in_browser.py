"""A citizen checks an identifier in a real browser, then switches to English."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_check_flagged_item_and_switch_language(live_server, page, add_items):
    add_items({"kind": "imei", "identifier": "00124018989316 8", "police_unit": "ZWB",
               "category": "telefoon", "brand": "Fairphone", "colour": "groen"})  # fmt: skip
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_label("Serienummer, IMEI, framenummer, kenteken of chassisnummer").fill(
        "00 124018 989316 8"
    )
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url("**/controleren?**")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Let op: dit staat geregistreerd als gestolen"
    )
    assert "Eenheid Zeeland-West-Brabant" in page.locator("dd.unit").inner_text()
    assert "Fairphone" in page.content()
    page.screenshot(path=str(_artifact("check-flagged-nl.png")), full_page=True)

    page.get_by_role("link", name="English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Warning: this is registered as stolen"
    )
    assert "Do not buy it." in page.content()
    page.goto(live_server + "/")  # the choice is remembered
    assert page.get_by_role("heading", level=1).inner_text() == "Is it stolen?"


def test_keyboard_only_check(live_server, page):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")  # skip link first
    assert page.evaluate("document.activeElement.textContent").strip() == "Naar de inhoud"
    page.locator("#q").focus()
    page.keyboard.type("NIETGESTOLEN42")
    page.keyboard.press("Enter")
    page.wait_for_url("**/controleren?**")
    assert page.get_by_role("heading", level=1).inner_text() == "Niet gevonden in het register"


def _artifact(name):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
