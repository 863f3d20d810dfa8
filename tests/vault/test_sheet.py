"""The theft-report sheet: one page per stolen item with every identifier, the description,
the photos, the receipt (a PDF receipt's own pages appended) and the owner's name."""

from __future__ import annotations

import io
import re
from datetime import date

from pypdf import PdfReader

from stopheling.vault.models import VaultItem
from stopheling.vault.sheet import SheetItem, render_pdf

from .conftest import add_item, jpeg, token_of
from .pdfs import one_page_pdf


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _item(**kw) -> VaultItem:
    base = {
        "category": "fiets",
        "brand": "Gazelle",
        "model": "Orange",
        "colour": "groen",
        "marks": "Sticker ‘Zoë’ op de stang 🚲",
        "stolen_on": date(2026, 11, 3),
        "stolen_place": "Zwolle",
        "stolen_how": "",
        "police_case": "",
        "price_cents": 129900,
        "shop": "Fietsenwinkel",
        "notes": "",
    }
    return VaultItem(**(base | kw))


def test_one_page_per_item_and_the_receipts_pages_after_it():
    items = [
        SheetItem(
            _item(),
            [
                {
                    "kind": "frame",
                    "text": "gz 123 456",
                    "normalized": "GZ123456",
                    "display": "GZ123456",
                }
            ],
            photos=[jpeg((800, 600))],
            pdf_receipts=[("bon.pdf", one_page_pdf("KASSABON 4711"))],
        ),
        SheetItem(
            _item(brand="Bosch", category="gereedschap"),
            [{"kind": "serial", "text": "X-1", "normalized": "X1", "display": "X1"}],
            image_receipts=[jpeg(colour="white")],
        ),
    ]
    pages = _text(
        render_pdf(
            items, owner_name="Zoë Çelik", owner_email="z@example.invalid", today=date(2026, 12, 1)
        )
    )
    assert len(pages) == 3
    assert "Gazelle" in pages[0] and "GZ123456" in pages[0] and "Zoë Çelik" in pages[0]
    assert "€ 1.299,00" in pages[0] and "03-11-2026" in pages[0] and "Zoë" in pages[0]
    assert "KASSABON 4711" in pages[1]
    assert "Bosch" in pages[2] and "X1" in pages[2]


def test_a_receipt_that_cannot_be_copied_does_not_break_the_sheet():
    items = [SheetItem(_item(), [], pdf_receipts=[("kapot.pdf", b"%PDF-1.4 broken")])]
    pages = _text(
        render_pdf(items, owner_name="", owner_email="a@example.invalid", today=date(2026, 12, 1))
    )
    assert "kapot.pdf" in pages[0] and "(geen nummers vastgelegd)" in pages[0]


def test_the_sheet_pages_through_http(resident):
    client = resident()
    path = add_item(
        client,
        identifiers=[("serial", "SHEET-0042")],
        brand="Canon",
        files=[("photos", jpeg(), "a.jpg"), ("receipts", one_page_pdf("BON CANON"), "bon.pdf")],
    )
    assert "Er zijn geen voorwerpen" in client.get("/spullen/aangifte").text
    assert client.get("/spullen/aangifte.pdf").status_code == 303  # nothing stolen yet
    form = {
        "csrf_token": token_of(client, path + "/gestolen"),
        "stolen_on": "2026-11-30",
        "stolen_place": "Thuis",
    }
    client.post(path + "/gestolen", data=form)
    html = client.get("/spullen/aangifte").text
    assert "SHEET0042" in html.replace("-", "") and "Jan Proef" in html and "<img" in html
    pdf = client.get("/spullen/aangifte.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.headers["Content-Disposition"].startswith(
        "attachment;"
    )
    pages = _text(pdf.data)
    assert (
        re.search(r"SHEET-?0042", pages[0]) and "Jan Proef" in pages[0] and "BON CANON" in pages[1]
    )


def test_a_future_theft_date_and_a_missing_place_are_explained(resident):
    client = resident()
    path = add_item(client)
    form = {
        "csrf_token": token_of(client, path + "/gestolen"),
        "stolen_on": "2999-01-01",
        "stolen_place": "",
    }
    r = client.post(path + "/gestolen", data=form)
    assert r.status_code == 422 and "Vul dit in." in r.text
    r = client.post(path + "/gestolen", data=form | {"stolen_place": "Thuis"})
    assert r.status_code == 422 and "in de toekomst" in r.text
