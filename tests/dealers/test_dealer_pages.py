"""The dealer's pages: sign-up, approval by the municipality, recording, holds, refusals,
verification, export and API keys; a dealer never reaches another dealer's register."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from stopheling.dealers.models import Dealer, MunicipalityRegisterSettings, PurchaseEntry
from stopheling.extensions import db
from stopheling.reports.models import HitReport
from tests.conftest import PASSWORD, csrf

from .conftest import NOW, purchase_input


def signup(client, kvk="12345678", email="winkel@example.invalid"):
    token = csrf(client, "/handelaar/aanmelden")
    return client.post(
        "/handelaar/aanmelden",
        data={
            "csrf_token": token, "name": "Tweedehands Testwinkel", "kvk": kvk,
            "address": "Marktstraat 4", "postcode": "1012 AB", "city": "Amsterdam",
            "municipality": "GM0363", "categories": ["telefoon", "fiets"],
            "email": email, "password": "een lang wachtwoord", "phone": "020 555 1234",
        },
    )  # fmt: skip


def purchase_form(token, **overrides):
    today = (date.today() - timedelta(days=1)).isoformat()
    data = {
        "csrf_token": token, "acquired_date": today, "acquired_time": "09:30",
        "category": "telefoon", "brand": "Samsung", "model": "A52", "colour": "zwart",
        "description": "Telefoon met hoesje", "kind_1": "auto", "number_1": "R58N12345AB",
        "kind_2": "auto", "number_2": "", "kind_3": "auto", "number_3": "",
        "price": "80.00", "terms": "purchase", "seller_surname": "de Vries",
        "seller_first_names": "Jan", "seller_birth_date": "1980-02-03",
        "seller_birth_place": "Haarlem", "seller_address": "Lindelaan 9, 2011 AB Haarlem",
        "seller_id_type": "id_card", "seller_id_number": "IR7788991", "seller_id_country": "NL",
    }  # fmt: skip
    return data | overrides


def test_sign_up_approve_and_record(app, client, make_user):
    r = signup(client)
    assert r.status_code == 303 and r.headers["Location"].endswith("/handelaar/")
    page = client.get("/handelaar/").get_data(as_text=True)
    assert "wacht op de gemeente" in page
    # a pending dealer can fill in the form but not record
    r = client.post(
        "/handelaar/inkoop", data=purchase_form(csrf(client, "/handelaar/inkoop/nieuw"))
    )
    assert r.status_code == 422 and "nog niet goedgekeurd" in r.get_data(as_text=True)
    # the municipality sees the notice and approves it
    officer = app.test_client()
    email = make_user("municipality")
    officer.post("/inloggen", data={"email": email, "password": PASSWORD,
                                    "csrf_token": csrf(officer)})  # fmt: skip
    listing = officer.get("/gemeente/handelaren").get_data(as_text=True)
    assert "Tweedehands Testwinkel" in listing
    with app.app_context():
        dealer_id = db.session.scalar(sa.select(Dealer.id))
    r = officer.post(
        f"/gemeente/handelaren/{dealer_id}/besluit",
        data={"csrf_token": csrf(officer, "/gemeente/handelaren"), "decision": "approve"},
    )
    assert r.status_code == 303
    r = client.post(
        "/handelaar/inkoop", data=purchase_form(csrf(client, "/handelaar/inkoop/nieuw"))
    )
    assert r.status_code == 303, re.findall(
        r'id="refusal">(.*?)</div>', r.get_data(as_text=True), re.S
    )
    assert r.headers["Location"].endswith("/handelaar/inkoop/1")
    entry = client.get("/handelaar/inkoop/1").get_data(as_text=True)
    assert "de Vries" in entry and "Bewaar dit goed" not in entry


def test_municipality_of_another_place_cannot_decide(app, client, make_dealer, make_user):
    dealer_id = make_dealer("GM0599", status="pending")  # Rotterdam
    email = make_user("municipality")  # Amsterdam
    client.post(
        "/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client)}
    )
    assert "Opkoper" not in client.get("/gemeente/handelaren").get_data(as_text=True)
    r = client.post(
        f"/gemeente/handelaren/{dealer_id}/besluit",
        data={"csrf_token": csrf(client, "/gemeente/handelaren"), "decision": "approve"},
    )
    assert r.status_code == 404
    with app.app_context():
        assert db.session.get(Dealer, dealer_id).status == "pending"


def login_dealer(app, client, make_dealer, **kwargs):
    email = f"d{make_dealer.__hash__() % 1000}-{len(kwargs)}@example.invalid"
    dealer_id = make_dealer(email=email, **kwargs)
    r = client.post(
        "/inloggen",
        data={"email": email, "password": "a long enough password", "csrf_token": csrf(client)},
    )
    assert r.status_code == 302
    return dealer_id


def test_refusal_names_the_field_and_records_nothing(app, client, make_dealer):
    login_dealer(app, client, make_dealer)
    token = csrf(client, "/handelaar/inkoop/nieuw")
    young = (date.today() - timedelta(days=17 * 365)).isoformat()
    r = client.post("/handelaar/inkoop", data=purchase_form(token, seller_birth_date=young))
    assert r.status_code == 422
    assert "jonger dan 18 jaar" in r.get_data(as_text=True)
    r = client.post("/handelaar/inkoop", data=purchase_form(token, seller_birth_place=""))
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "Vul in: geboorteplaats van de verkoper." in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.query(PurchaseEntry).count() == 0
    r = client.post("/handelaar/inkoop", data=purchase_form(token))
    assert r.headers["Location"].endswith("/handelaar/inkoop/1")


def test_a_stolen_item_is_held_and_cannot_be_sold_until_released(
    app, client, make_dealer, make_user, add_items
):
    add_items({"kind": "serial", "identifier": "R58N12345AB"})
    login_dealer(app, client, make_dealer)
    token = csrf(client, "/handelaar/inkoop/nieuw")
    client.post("/handelaar/inkoop", data=purchase_form(token, number_1="r58n-12345-ab"))
    page = client.get("/handelaar/inkoop/1").get_data(as_text=True)
    assert "Bewaar dit goed voor de politie" in page
    assert "MATRIX" not in page and "Eenheid Amsterdam" not in page  # no theft details
    r = client.post(
        "/handelaar/verkoop",
        data={"csrf_token": csrf(client, "/handelaar/verkoop/nieuw"), "purchase_number": "1",
              "sold_date": date.today().isoformat(), "price": "90",
              "buyer_name": "K. Koper", "buyer_address": "Straat 1"},
    )  # fmt: skip
    assert r.status_code == 422 and "bewaar het voor de politie" in r.get_data(as_text=True)
    # an officer of the unit that recorded the theft releases it from the report page
    with app.app_context():
        db.session.add(MunicipalityRegisterSettings(municipality_code="GM0363", hold_period=0))
        report_id = db.session.scalar(
            sa.select(HitReport.id).where(HitReport.source == "buyer_register")
        )
        db.session.commit()
    officer = app.test_client()
    email = make_user("police", "AM")
    officer.post("/inloggen", data={"email": email, "password": PASSWORD,
                                    "csrf_token": csrf(officer)})  # fmt: skip
    report = officer.get(f"/politie/meldingen/{report_id}").get_data(as_text=True)
    assert "inkoopregel 1" in report and "vastgehouden" in report
    r = officer.post(
        f"/politie/meldingen/{report_id}/vrijgeven",
        data={"csrf_token": csrf(officer, "/politie/meldingen"), "note": "eigenaar akkoord"},
    )
    assert r.status_code == 303
    assert "Vrijgegeven op" in officer.get(f"/politie/meldingen/{report_id}").get_data(as_text=True)
    assert "Bewaar dit goed" not in client.get("/handelaar/inkoop/1").get_data(as_text=True)
    r = client.post(
        "/handelaar/verkoop",
        data={"csrf_token": csrf(client, "/handelaar/verkoop/nieuw"), "purchase_number": "1",
              "sold_date": date.today().isoformat(), "price": "90",
              "buyer_name": "K. Koper", "buyer_address": "Straat 1"},
    )  # fmt: skip
    assert r.status_code == 303


def test_verify_export_and_tokens(app, client, make_dealer):
    dealer_id = login_dealer(app, client, make_dealer)
    token = csrf(client, "/handelaar/inkoop/nieuw")
    client.post("/handelaar/inkoop", data=purchase_form(token))
    client.post("/handelaar/inkoop", data=purchase_form(token, number_1="OTHER-SERIAL-9"))
    r = client.post("/handelaar/controleren", data={"csrf_token": token})
    assert "Alle regels kloppen" in r.get_data(as_text=True)
    with app.app_context():
        db.session.execute(sa.text("UPDATE purchase_entries SET price_cents = 1 WHERE number = 2"))
        db.session.commit()
    r = client.post("/handelaar/controleren", data={"csrf_token": token})
    assert "Eerste regel die niet klopt: 2." in r.get_data(as_text=True)
    csv = client.get("/handelaar/export/inkoop.csv")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("volgnummer;") and len(lines) == 3
    r = client.post("/handelaar/api-sleutels", data={"csrf_token": token, "label": "kassa"})
    new = re.search(r"shd_[A-Za-z0-9_-]+", r.get_data(as_text=True)).group(0)
    assert client.get("/api/v1/dealer/purchases",
                      headers={"Authorization": f"Bearer {new}"}).status_code == 200  # fmt: skip
    with app.app_context():
        from stopheling.accounts.models import ApiToken

        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.dealer_id == dealer_id))
    client.post(f"/handelaar/api-sleutels/{token_id}/intrekken", data={"csrf_token": token})
    assert client.get("/api/v1/dealer/purchases",
                      headers={"Authorization": f"Bearer {new}"}).status_code == 401  # fmt: skip


def test_dealer_a_never_reaches_dealer_b(app, client, make_dealer):
    other = make_dealer()
    with app.app_context():
        from stopheling.accounts.tokens import create_token
        from stopheling.dealers import register as reg

        reg.record_purchase(db.session, db.session.get(Dealer, other), purchase_input(),
                            actor="t", now=NOW)  # fmt: skip
        other_token = create_token(db.session, kind="dealer", dealer_id=other)
        db.session.commit()
        from stopheling.accounts.models import ApiToken

        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.dealer_id == other))
    login_dealer(app, client, make_dealer)
    assert client.get("/handelaar/inkoop/1").status_code == 404  # B's entry 1 is not A's
    assert "Jansen" not in client.get("/handelaar/export/inkoop.csv").get_data(as_text=True)
    token = csrf(client, "/handelaar/api-sleutels")
    r = client.post(f"/handelaar/api-sleutels/{token_id}/intrekken", data={"csrf_token": token})
    assert r.status_code == 404
    assert other_token


def test_sign_up_mails_the_municipalitys_officers(app_with, make_user):
    from tests.e2e.conftest import free_port
    from tests.e2e.delivery import Mailbox

    port = free_port()
    app = app_with(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    officer = make_user("municipality", email="vergunningen@example.invalid")
    with Mailbox(port) as mailbox:
        r = signup(app.test_client())
        assert r.status_code == 303
    assert [rcpt for rcpt, _ in mailbox.messages] == [[officer]]
    message = mailbox.messages[0][1]
    assert "Tweedehands Testwinkel" in message["Subject"]
    assert "/gemeente/handelaren" in message.get_content()
