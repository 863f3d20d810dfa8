"""Schemas of the dealers' API (the OpenAPI document is generated from them)."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range

from ..dealers.models import ID_TYPES, TERMS
from ..matching import KINDS
from ..reference.data import CATEGORIES


class IdentifierIn(Schema):
    kind = String(load_default="auto", validate=OneOf(("auto", *KINDS)))
    identifier = String(required=True, validate=Length(1, 100),
                        metadata={"example": "35 693803 564380 9"})  # fmt: skip


class IdDocumentIn(Schema):
    type = String(required=True, validate=OneOf(ID_TYPES))
    number = String(required=True, validate=Length(1, 40))
    country = String(required=True, validate=Length(2, 3), metadata={"example": "NL"})


class SellerIn(Schema):
    surname = String(required=True, validate=Length(1, 100))
    first_names = String(required=True, validate=Length(1, 150))
    birth_date = String(required=True, metadata={"format": "date"})
    birth_place = String(required=True, validate=Length(1, 100))
    address = String(required=True, validate=Length(1, 300))
    id_document = Nested(
        IdDocumentIn,
        metadata={"description": "Required where the municipality requires it, and always for "
                  "metals (copper) paid in cash."},
    )  # fmt: skip


class PurchaseIn(Schema):
    acquired_at = String(
        required=True,
        metadata={"format": "date-time", "description": "When acquired, with a time zone."},
    )
    category = String(required=True, validate=OneOf(list(CATEGORIES)))
    brand = String(validate=Length(max=100))
    model = String(validate=Length(max=100))
    colour = String(validate=Length(max=60))
    description = String(required=True, validate=Length(1, 2000))
    identifiers = List(Nested(IdentifierIn), metadata={"description": "The good's numbers."})
    price_cents = Integer(required=True, validate=Range(min=0, max=2_000_000_000))
    terms = String(required=True, validate=OneOf(TERMS))
    paid_in_cash = Boolean(load_default=False)
    seller = Nested(SellerIn, required=True)
    photo_base64 = String(metadata={"description": "A colour photo (JPEG, PNG, WebP, HEIC; "
                          "at most 5 MiB), required by most municipalities when the good has "
                          "no unique number."})  # fmt: skip
    corrects_number = Integer(
        allow_none=True,
        metadata={"description": "The entry this one corrects (entries never change)."},
    )
    correction_reason = String(allow_none=True, validate=Length(max=2000))


class IdentifierOut(Schema):
    kind = String()
    identifier = String(metadata={"description": "As the dealer wrote it."})
    normalized = String()


class IdDocumentOut(Schema):
    type = String()
    number = String()
    country = String()


class SellerOut(Schema):
    surname = String()
    first_names = String()
    birth_date = String(allow_none=True, metadata={"format": "date"})
    birth_place = String()
    address = String()
    id_document = Nested(IdDocumentOut, allow_none=True)


class PurchaseOut(Schema):
    number = Integer(metadata={"description": "The entry's number in the purchase register."})
    acquired_at = String(metadata={"format": "date-time"})
    recorded_at = String(metadata={"format": "date-time"})
    category = String()
    brand = String(allow_none=True)
    model = String(allow_none=True)
    colour = String(allow_none=True)
    description = String()
    identifiers = List(Nested(IdentifierOut))
    price_cents = Integer()
    terms = String()
    paid_in_cash = Boolean()
    has_photo = Boolean()
    corrects_number = Integer(allow_none=True)
    correction_reason = String(allow_none=True)
    hash = String(metadata={"description": "SHA-256 chaining this entry to the previous one."})
    police_hold = Boolean(metadata={"description": "true: keep the good for the police and "
                          "contact the police; it may not be sold."})  # fmt: skip
    seller = Nested(SellerOut, allow_none=True,
                    metadata={"description": "null after the retention period."})  # fmt: skip


class PageQuery(Schema):
    page = Integer(load_default=1, validate=Range(min=1, max=100_000))
    per_page = Integer(load_default=50, validate=Range(min=1, max=200))


class PurchasePage(Schema):
    items = List(Nested(PurchaseOut))
    page = Integer()
    per_page = Integer()
    total = Integer()


class BuyerIn(Schema):
    name = String(required=True, validate=Length(1, 200))
    address = String(required=True, validate=Length(1, 300))


class SaleIn(Schema):
    purchase_number = Integer(required=True, validate=Range(min=1, max=2**31 - 1))
    sold_at = String(required=True, metadata={"format": "date-time"})
    price_cents = Integer(required=True, validate=Range(min=0, max=2_000_000_000))
    buyer = Nested(BuyerIn, required=True)
    corrects_number = Integer(allow_none=True)
    correction_reason = String(allow_none=True, validate=Length(max=2000))


class BuyerOut(Schema):
    name = String()
    address = String()


class SaleOut(Schema):
    number = Integer()
    purchase_number = Integer()
    sold_at = String(metadata={"format": "date-time"})
    recorded_at = String(metadata={"format": "date-time"})
    price_cents = Integer()
    corrects_number = Integer(allow_none=True)
    correction_reason = String(allow_none=True)
    hash = String()
    buyer = Nested(BuyerOut, allow_none=True)


class SalePage(Schema):
    items = List(Nested(SaleOut))
    page = Integer()
    per_page = Integer()
    total = Integer()
