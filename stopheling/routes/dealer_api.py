"""The dealers' JSON API (api-v1.md "Dealers' buyer register"): their shop software records
purchases and sales and reads its own registers with a dealer token. Views translate;
stopheling.dealers decides (the same services as the dealer's pages)."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any

from apiflask import APIBlueprint, HTTPTokenAuth
from flask import request
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import ApiToken
from ..accounts.tokens import find_token
from ..dealers import register as reg
from ..dealers import sales
from ..dealers.alerts import held_entry_ids
from ..dealers.export import purchase_document, sale_document
from ..dealers.models import Dealer, PurchaseEntry, SaleEntry
from ..errors import InvalidInput, NotAllowed, NotFound, Unprocessable
from ..extensions import db
from . import dealer_schemas as schemas
from .errors import respond

bp = APIBlueprint("dealer_api", __name__, url_prefix="/api/v1/dealer", tag="Dealers' register")

dealer_auth = HTTPTokenAuth(
    scheme="Bearer",
    security_scheme_name="DealerToken",
    description="A dealer's token, made on the dealer's page /handelaar/api-sleutels.",
)


@dealer_auth.verify_token
def _verify(token: str) -> ApiToken | None:
    return find_token(db.session, token, "dealer")


@dealer_auth.error_processor
def _auth_error(error: Any) -> Any:
    return respond(
        401, "unauthorized", "A valid dealer token is required (Authorization: Bearer …)."
    )


def current_dealer() -> Dealer:
    token: ApiToken = dealer_auth.current_user
    dealer = db.session.get(Dealer, token.dealer_id)
    assert dealer is not None
    return dealer


def actor() -> str:
    return f"token:{dealer_auth.current_user.id}"


def refused(exc: reg.RegisterRefused) -> Exception:
    """The refusal in the request's language, naming the field; not approved is 403."""
    params = {k: _(v) if k == "label" else v for k, v in exc.params.items()}
    message = _(exc.template, **params) if params else _(exc.template)
    if exc.field:
        message = f"{message} ({exc.field})"
    if exc.code == "dealer_not_approved":
        return NotAllowed(message, code=exc.code)
    return Unprocessable(message, code=exc.code)


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("The body must be a JSON object.", code="invalid_json")
    return body


def _text(source: dict[str, Any], name: str) -> str:
    value = source.get(name)
    return value if isinstance(value, str) else ""


def _int(source: dict[str, Any], name: str) -> int | None:
    value = source.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    if not 0 <= value <= reg.MAX_NUMBER:
        raise Unprocessable(f"{name} is out of range.", code="out_of_range")
    return value


def _moment(source: dict[str, Any], name: str) -> datetime | None:
    value = _text(source, name)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Unprocessable(
            f"{name} must be an ISO 8601 date and time.", code="invalid_time"
        ) from None
    if moment.tzinfo is None:
        raise Unprocessable(f"{name} needs a time zone (Z or +01:00).", code="invalid_time")
    return moment


def _day(source: dict[str, Any], name: str) -> date | None:
    value = _text(source, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Unprocessable(
            f"{name} must be an ISO date (YYYY-MM-DD).", code="invalid_date"
        ) from None


def _photo(body: dict[str, Any]) -> bytes | None:
    value = _text(body, "photo_base64")
    if not value:
        return None
    if len(value) > (reg.MAX_PHOTO * 4) // 3 + 8:
        raise Unprocessable("The photo is larger than 5 MiB.", code="photo_too_large")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Unprocessable("photo_base64 is not valid base64.", code="invalid_photo") from None


def purchase_input(body: dict[str, Any]) -> reg.PurchaseInput:
    seller = body.get("seller") if isinstance(body.get("seller"), dict) else {}
    document = seller.get("id_document") if isinstance(seller.get("id_document"), dict) else {}
    raw_ids = body.get("identifiers") if isinstance(body.get("identifiers"), list) else []
    identifiers = tuple(
        (_text(i, "kind") or "auto", _text(i, "identifier"))
        for i in raw_ids if isinstance(i, dict)
    )  # fmt: skip
    return reg.PurchaseInput(
        acquired_at=_moment(body, "acquired_at"), category=_text(body, "category"),
        description=_text(body, "description"), price_cents=_int(body, "price_cents"),
        terms=_text(body, "terms"), seller_surname=_text(seller, "surname"),
        seller_first_names=_text(seller, "first_names"),
        seller_birth_date=_day(seller, "birth_date"),
        seller_birth_place=_text(seller, "birth_place"), seller_address=_text(seller, "address"),
        identifiers=identifiers, brand=_text(body, "brand"), model=_text(body, "model"),
        colour=_text(body, "colour"), paid_in_cash=body.get("paid_in_cash") is True,
        seller_id_type=_text(document, "type"), seller_id_number=_text(document, "number"),
        seller_id_country=_text(document, "country"), photo=_photo(body),
        corrects_number=_int(body, "corrects_number"),
        correction_reason=_text(body, "correction_reason"),
    )  # fmt: skip


def _page(args: dict[str, Any]) -> tuple[int, int]:
    return args["page"], args["per_page"]


@bp.post("/purchases")
@bp.auth_required(dealer_auth)
@bp.input(schemas.PurchaseIn, arg_name="data", validation=False)
@bp.output(schemas.PurchaseOut, status_code=201)
@bp.doc(
    summary="Record a purchase",
    description="Registers one purchase with every field the law and the dealer's "
    "municipality require (domain.md §4). 201 with the entry's register number. A seller "
    "under 18, a missing required field, or a sale-blocked dealer is refused; nothing is "
    "recorded then and no number is used. `police_hold` true means: keep the good apart "
    "for the police and contact the police. Send an `Idempotency-Key` header (at most "
    "100 characters) to make retries safe: a repeat of a recorded key answers 200 with the "
    "same entry and records nothing.",
    responses={200: "A retry: the entry recorded earlier with this Idempotency-Key",
               403: "The dealer's notice is not approved (or is suspended)",
               422: "The entry is refused; the message names the field"},
)  # fmt: skip
def create_purchase(data: Any) -> Any:
    dealer, key = current_dealer(), _client_key()
    earlier = reg.by_client_key(db.session, PurchaseEntry, dealer.id, key) if key else None
    if earlier is not None:  # a retry of a request that was recorded: same entry, 200
        held = bool(held_entry_ids(db.session, [earlier.id]))
        return purchase_document(earlier, held=held, with_seller=True), 200
    try:
        entry = reg.record_purchase(
            db.session, dealer, purchase_input(_body()), actor=actor(), client_key=key
        )
    except reg.RegisterRefused as exc:
        db.session.rollback()
        raise refused(exc) from None
    db.session.commit()
    held = bool(held_entry_ids(db.session, [entry.id]))
    return purchase_document(entry, held=held, with_seller=True)


def _client_key() -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 100:
        raise InvalidInput("Idempotency-Key has at most 100 characters.", code="invalid_key")
    return key or None


@bp.get("/purchases")
@bp.auth_required(dealer_auth)
@bp.input(schemas.PageQuery, location="query", arg_name="args")
@bp.output(schemas.PurchasePage)
@bp.doc(summary="List own purchases", description="Newest first, paginated.")
def list_purchases(args: dict[str, Any]) -> Any:
    rows, page = _own_page(PurchaseEntry, PurchaseEntry.identifiers, args)
    held = held_entry_ids(db.session, [e.id for e in rows])
    return page | {
        "items": [purchase_document(e, held=e.id in held, with_seller=True) for e in rows]
    }


def _own_page(model: Any, related: Any, args: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    """One page of the dealer's own ``model`` entries, newest first, and the page's numbers."""
    dealer = current_dealer()
    page, per_page = _page(args)
    total = db.session.scalar(select(func.count()).where(model.dealer_id == dealer.id))
    rows = db.session.scalars(
        select(model)
        .where(model.dealer_id == dealer.id)
        .options(selectinload(related))
        .order_by(model.number.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return list(rows), {"page": page, "per_page": per_page, "total": total or 0}


@bp.post("/sales")
@bp.auth_required(dealer_auth)
@bp.input(schemas.SaleIn, arg_name="data", validation=False)
@bp.output(schemas.SaleOut, status_code=201)
@bp.doc(
    summary="Record a sale",
    description="Registers the sale of a purchased good (linked by its purchase number). "
    "Refused while the good is held for the police, within the municipality's hold period "
    "(the message says until when), or when it was sold already. `Idempotency-Key` works "
    "as for purchases.",
    responses={200: "A retry: the sale recorded earlier with this Idempotency-Key",
               403: "The dealer's notice is not approved (or is suspended)",
               422: "The sale is refused; the message says why"},
)  # fmt: skip
def create_sale(data: Any) -> Any:
    dealer, key = current_dealer(), _client_key()
    earlier = reg.by_client_key(db.session, SaleEntry, dealer.id, key) if key else None
    if earlier is not None:
        return sale_document(earlier, with_buyer=True), 200
    body = _body()
    buyer = body.get("buyer") if isinstance(body.get("buyer"), dict) else {}
    sale = sales.SaleInput(
        purchase_number=_int(body, "purchase_number"), sold_at=_moment(body, "sold_at"),
        price_cents=_int(body, "price_cents"), buyer_name=_text(buyer, "name"),
        buyer_address=_text(buyer, "address"), corrects_number=_int(body, "corrects_number"),
        correction_reason=_text(body, "correction_reason"),
    )  # fmt: skip
    try:
        entry = sales.record_sale(db.session, dealer, sale, actor=actor(), client_key=key)
    except reg.RegisterRefused as exc:
        db.session.rollback()
        raise refused(exc) from None
    except NotFound:
        db.session.rollback()
        raise Unprocessable(
            "purchase_number is not in your purchase register.", code="unknown_purchase"
        ) from None
    db.session.commit()
    return sale_document(entry, with_buyer=True)


@bp.get("/sales")
@bp.auth_required(dealer_auth)
@bp.input(schemas.PageQuery, location="query", arg_name="args")
@bp.output(schemas.SalePage)
@bp.doc(summary="List own sales", description="Newest first, paginated.")
def list_sales(args: dict[str, Any]) -> Any:
    rows, page = _own_page(SaleEntry, SaleEntry.purchase, args)
    return page | {"items": [sale_document(e, with_buyer=True) for e in rows]}
