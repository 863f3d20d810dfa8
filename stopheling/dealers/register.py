"""Record purchases and sales: the law's checks, then a gap-free number and the chain.

Everything is checked before a number is taken, so a refused entry leaves no trace and
uses no number. The number comes from the register's head row, locked for the rest of the
transaction (dealers.chain.lock_head), so concurrent submissions get consecutive numbers and
one chain. Verification and erasure live in dealers.chain and are re-exported here.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..matching import KINDS, classify, parse
from ..matching.index import match_key
from ..reference.data import CATEGORIES
from ..scan.loader import sniff_format
from ..stolen.models import utcnow
from .chain import (  # noqa: F401 - re-exported: the register's public face
    Broken,
    buyer_digest,
    erase_purchase_personal_data,
    erase_sale_personal_data,
    lock_head,
    purchase_hash,
    sale_hash,
    seller_digest,
    verify_register,
)
from .messages import FIELD_LABELS, N_, RegisterRefused  # noqa: F401 - re-exported
from .models import ID_TYPES, TERMS, Dealer, PurchaseEntry, PurchaseIdentifier
from .rules import id_document_required, local_date, rules_for

MAX_IDENTIFIERS, MAX_TEXT, MAX_PHOTO = 10, 2000, 5 * 1024 * 1024
MAX_PRICE_CENTS = 2_000_000_000  # 20 million euros; the column is a 32-bit integer
MAX_NUMBER = 2**31 - 1


@dataclass(frozen=True, slots=True)
class PurchaseInput:
    acquired_at: datetime | None
    category: str
    description: str
    price_cents: int | None
    terms: str
    seller_surname: str
    seller_first_names: str
    seller_birth_date: date | None
    seller_birth_place: str
    seller_address: str
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind or "auto", the number as written)
    brand: str = ""
    model: str = ""
    colour: str = ""
    paid_in_cash: bool = False
    seller_id_type: str = ""
    seller_id_number: str = ""
    seller_id_country: str = ""
    photo: bytes | None = None
    corrects_number: int | None = None
    correction_reason: str = ""


# --- checks -------------------------------------------------------------------------


def require_approved(dealer: Dealer) -> None:
    if dealer.status != "approved":
        raise RegisterRefused(
            N_(
                "Uw aanmelding is nog niet goedgekeurd door de gemeente (status: %(status)s). "
                "U kunt pas registreren na goedkeuring."
            ),
            code="dealer_not_approved",
            status=dealer.status,
        )


def _required(value: str, name: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise _missing(name)
    if len(value) > limit:
        raise RegisterRefused(
            N_("Te lang: %(label)s (hoogstens %(limit)s tekens)."),
            code="too_long",
            field=name,
            label=FIELD_LABELS.get(name, name),
            limit=limit,
        )
    return value


def _missing(name: str) -> RegisterRefused:
    return RegisterRefused(
        N_("Vul in: %(label)s."), code="missing_field", field=name, label=FIELD_LABELS[name]
    )


def _moment(value: datetime | None, name: str, now: datetime) -> datetime:
    if value is None:
        raise _missing(name)
    if value.tzinfo is None:
        raise RegisterRefused(N_("Geef een tijd met tijdzone."), code="invalid_time", field=name)
    value = value.astimezone(UTC).replace(microsecond=0)
    if value > now + timedelta(minutes=5):
        raise RegisterRefused(
            N_("Controleer de %(label)s: die ligt in de toekomst."),
            code="in_the_future",
            field=name,
            label=FIELD_LABELS[name],
        )
    if value.year < 2000:
        raise RegisterRefused(
            N_("Controleer de %(label)s: die is niet geldig."), code="invalid_time", field=name,
            label=FIELD_LABELS[name],
        )  # fmt: skip
    return value


def _price(value: int | None) -> int:
    if value is None:
        raise _missing("price")
    if value < 0 or value > MAX_PRICE_CENTS:
        raise RegisterRefused(N_("De prijs is niet geldig."), code="invalid_price", field="price")
    return value


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_seller(data: PurchaseInput, acquired_on: date, id_required: bool) -> dict[str, Any]:
    seller = {
        "seller_surname": _required(data.seller_surname, "seller_surname", 100),
        "seller_first_names": _required(data.seller_first_names, "seller_first_names", 150),
    }
    if data.seller_birth_date is None:
        raise _missing("seller_birth_date")
    birth = data.seller_birth_date
    if birth > acquired_on or birth.year < 1900:
        raise RegisterRefused(
            N_("De geboortedatum van de verkoper is niet geldig."),
            code="invalid_birth_date",
            field="seller_birth_date",
        )
    if age_on(birth, acquired_on) < 18:
        raise RegisterRefused(
            N_(
                "De verkoper was op de dag van verkrijging jonger dan 18 jaar (geboren "
                "%(birth)s). U mag niets kopen van een minderjarige (art. 437bis Wetboek van "
                "Strafrecht). Er is niets vastgelegd."
            ),
            code="seller_under_18",
            field="seller_birth_date",
            birth=birth.isoformat(),
        )
    seller["seller_birth_date"] = birth
    seller["seller_birth_place"] = _required(data.seller_birth_place, "seller_birth_place", 100)
    seller["seller_address"] = _required(data.seller_address, "seller_address", 300)
    # a country alone (forms fill in NL) does not count as an ID document given
    given = bool(data.seller_id_type or data.seller_id_number.strip())
    if id_required or given:
        if data.seller_id_type not in ID_TYPES:
            raise _missing("seller_id_type")
        number = _required(data.seller_id_number, "seller_id_number", 40).upper()
        country = _required(data.seller_id_country, "seller_id_country", 3).upper()
        if not re.fullmatch(r"[A-Z]{2,3}", country):
            raise RegisterRefused(
                N_("Geef het land van afgifte als landcode, zoals NL of NLD."),
                code="invalid_country",
                field="seller_id_country",
            )
        seller |= {
            "seller_id_type": data.seller_id_type,
            "seller_id_number": re.sub(r"\s", "", number),
            "seller_id_country": country,
        }
    return seller


def _parse_identifiers(values: tuple[tuple[str, str], ...]) -> list[tuple[int, str, str, Any]]:
    """(position, kind, raw, parsed) per kind the number may be; refuses unreadable ones."""
    if len(values) > MAX_IDENTIFIERS:
        raise RegisterRefused(
            N_("Geef hoogstens %(n)s nummers per regel."), code="too_many_identifiers", n=10
        )
    rows = []
    for position, (kind, raw) in enumerate(values):
        raw = (raw or "").strip()
        if not raw:
            continue
        if len(raw) > 100 or (kind != "auto" and kind not in KINDS):
            raise RegisterRefused(
                N_("Het nummer %(raw)s is niet geldig."), code="invalid_identifier",
                field="identifiers", raw=raw[:40],
            )  # fmt: skip
        kinds = [k.value for k in classify(raw)] if kind == "auto" else [kind]
        parsed = [(k, parse(raw, k)) for k in kinds]
        parsed = [(k, p) for k, p in parsed if p.key is not None]
        if not parsed:
            raise RegisterRefused(
                N_("Het nummer %(raw)s bevat geen letters of cijfers om op te zoeken."),
                code="invalid_identifier", field="identifiers", raw=raw[:40],
            )  # fmt: skip
        rows += [(position, k, raw, p) for k, p in parsed]
    return rows


def _photo(photo: bytes | None, required: bool) -> tuple[bytes | None, str | None]:
    if not photo:
        if required:
            raise RegisterRefused(
                N_(
                    "Voeg een foto toe: dit goed heeft geen uniek nummer en uw gemeente vraagt "
                    "dan een kleurenfoto."
                ),
                code="missing_photo",
                field="photo",
            )
        return None, None
    if len(photo) > MAX_PHOTO:
        raise RegisterRefused(
            N_("De foto is groter dan 5 MB."), code="photo_too_large", field="photo"
        )
    kind = sniff_format(photo)
    if kind is None:
        raise RegisterRefused(
            N_("De foto moet een JPEG-, PNG-, WebP- of HEIC-afbeelding zijn."),
            code="not_an_image",
            field="photo",
        )
    return photo, f"image/{kind.lower()}"


def _correction(
    session: Session, model: Any, dealer_id: int, number: int | None, reason: str
) -> tuple[int | None, str | None]:
    if number is None:
        return None, None
    exists = (
        None
        if not 0 < number <= MAX_NUMBER
        else session.scalar(
            select(model.id).where(model.dealer_id == dealer_id, model.number == number)
        )
    )
    if exists is None:
        raise RegisterRefused(
            N_("Regel %(number)s bestaat niet in uw register."), code="unknown_entry",
            field="corrects_number", number=number,
        )  # fmt: skip
    return number, _required(reason, "correction_reason", MAX_TEXT)


# --- recording ----------------------------------------------------------------------


def record_purchase(
    session: Session, dealer: Dealer, data: PurchaseInput, *, actor: str,
    now: datetime | None = None, client_key: str | None = None,
) -> PurchaseEntry:  # fmt: skip
    """Check, number, chain and store one purchase, then match it against the stolen
    register (an alert is raised in this same transaction). Raises RegisterRefused.

    ``client_key`` (the API's Idempotency-Key): when this dealer already has an entry with
    it, that entry is returned and nothing new is recorded (a retried request)."""
    from .matching import match_entry

    now = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    require_approved(dealer)
    rules = rules_for(session, dealer.municipality_code)
    acquired_at = _moment(data.acquired_at, "acquired_at", now)
    if data.category not in CATEGORIES:
        raise _missing("category")
    description = _required(data.description, "description", MAX_TEXT)
    price = _price(data.price_cents)
    if data.terms not in TERMS:
        raise _missing("terms")
    identifiers = _parse_identifiers(data.identifiers)
    id_required = id_document_required(rules, data.category, data.paid_in_cash)
    seller = _check_seller(data, local_date(acquired_at), id_required)
    photo, photo_type = _photo(data.photo, rules.photo_required_without_number and not identifiers)
    corrects, reason = _correction(
        session, PurchaseEntry, dealer.id, data.corrects_number, data.correction_reason
    )
    head = lock_head(session, dealer.id, "purchase")  # from here on a number is taken
    if client_key and (earlier := by_client_key(session, PurchaseEntry, dealer.id, client_key)):
        return earlier  # type: ignore[no-any-return]
    entry = PurchaseEntry(
        dealer_id=dealer.id, number=head.last_number + 1, acquired_at=acquired_at,
        recorded_at=now, recorded_by=actor, category=data.category,
        brand=data.brand.strip()[:100], model=data.model.strip()[:100],
        colour=data.colour.strip()[:60], description=description, price_cents=price,
        terms=data.terms, paid_in_cash=bool(data.paid_in_cash), **seller,
        seller_salt=secrets.token_hex(16), photo=photo, photo_type=photo_type,
        photo_sha256=hashlib.sha256(photo).hexdigest() if photo else None,
        corrects_number=corrects, correction_reason=reason, prev_hash=head.last_hash,
        client_key=client_key or None,
    )  # fmt: skip
    entry.identifiers = [
        PurchaseIdentifier(
            position=position, kind=kind, raw=raw, normalized=p.normalized[:200], key=p.key,
            segments="-".join(p.segments), match_key=match_key(p),
        )
        for position, kind, raw, p in identifiers
    ]  # fmt: skip
    entry.seller_digest = seller_digest(entry)
    entry.hash = purchase_hash(entry)
    head.last_number, head.last_hash = entry.number, entry.hash
    session.add(entry)
    session.flush()
    match_entry(session, entry, now=now)
    return entry


def by_client_key(session: Session, model: Any, dealer_id: int, key: str) -> Any:
    """The dealer's purchase or sale entry recorded with this Idempotency-Key, or None."""
    return session.scalar(
        select(model).where(model.dealer_id == dealer_id, model.client_key == key[:100])
    )


def purchase_by_number(session: Session, dealer_id: int, number: int) -> PurchaseEntry:
    entry = (
        None
        if not 0 < number <= MAX_NUMBER
        else session.scalar(
            select(PurchaseEntry).where(
                PurchaseEntry.dealer_id == dealer_id, PurchaseEntry.number == number
            )
        )
    )
    if entry is None:
        raise NotFound("There is no such entry in this register.", code="unknown_entry")
    return entry
