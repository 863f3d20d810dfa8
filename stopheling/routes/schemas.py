"""Request and response schemas of the JSON API; the OpenAPI document is generated from them."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Date, File, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf

from ..matching import KINDS
from ..reference.data import CATEGORIES, police_units
from ..stolen.models import STATUSES

KIND_CHOICES = ("auto", *KINDS)


class CheckQuery(Schema):
    q = String(
        required=True,
        validate=Length(1, 100),
        metadata={
            "description": "The identifier as the person typed it.",
            "example": "35 693803 564380 9",
        },
    )
    kind = String(
        load_default="auto",
        validate=OneOf(KIND_CHOICES),
        metadata={"description": "The kind of identifier; auto classifies it."},
    )


class PoliceUnitOut(Schema):
    code = String(metadata={"example": "AM"})
    name = String(metadata={"example": "Eenheid Amsterdam"})


class ItemOut(Schema):
    ref = String(metadata={"description": "Opaque, stable id of the stolen item."})
    match = String(metadata={"description": "exact or near"})
    kind = String()
    identifier = String()
    category = String(allow_none=True)
    brand = String(allow_none=True)
    model = String(allow_none=True)
    colour = String(allow_none=True)
    description = String(allow_none=True)
    reported_on = String(metadata={"format": "date"})
    police_unit = Nested(PoliceUnitOut)


class CheckOut(Schema):
    query = String()
    kind = String(metadata={"description": "The kind that was checked (chosen when auto)."})
    normalized = String(metadata={"description": "The identifier written canonically."})
    display = String(metadata={"description": "How to show it (a plate with its dashes)."})
    valid = Boolean(
        allow_none=True,
        metadata={
            "description": "Format or check digit valid (imei, plate, vin); null for other kinds."
        },
    )
    flagged = Boolean(metadata={"description": "true exactly when matches is not empty"})
    matches = List(Nested(ItemOut))
    near = List(
        Nested(ItemOut), metadata={"description": "Possible matches, best first, at most 5."}
    )


class HealthOut(Schema):
    status = String(metadata={"example": "ok"})


class StolenIn(Schema):
    kind = String(required=True, validate=OneOf(KINDS))
    identifier = String(required=True, validate=Length(1, 200))
    police_unit = String(required=True, validate=OneOf([u["code"] for u in police_units()]))
    reported_on = Date(required=True)
    source_id = String(required=True, validate=Length(1, 100))
    case_ref = String(validate=Length(max=100))
    category = String(validate=OneOf(list(CATEGORIES)))
    brand = String(validate=Length(max=100))
    model = String(validate=Length(max=100))
    colour = String(validate=Length(max=60))
    description = String(validate=Length(max=2000))


class StolenOut(ItemOut):
    status = String(validate=OneOf(STATUSES))
    source_id = String()
    case_ref = String(allow_none=True)


class StolenPatch(Schema):
    status = String(required=True, validate=OneOf(STATUSES))
    note = String(validate=Length(max=1000))


class ImportErrorOut(Schema):
    line = Integer()
    code = String()
    message = String()


class ImportOut(Schema):
    created = Integer()
    updated = Integer()
    unchanged = Integer()
    rejected = Integer()
    errors = List(Nested(ImportErrorOut))
    errors_truncated = Boolean()


class ScanIn(Schema):
    image = File(
        required=True,
        metadata={"description": "JPEG, PNG, WebP or HEIC photo, at most 10 MiB (configurable)."},
    )


class ImageOut(Schema):
    width = Integer()
    height = Integer()


class CandidateOut(Schema):
    kind = String(
        metadata={
            "description": "serial, imei, frame, plate, vin, or gtin (a product "
            "code: a candidate, but nothing to check)"
        }
    )
    text = String(metadata={"description": "What was read, as printed."})
    normalized = String()
    valid = Boolean(allow_none=True)
    source = String(metadata={"description": "barcode:<SYMBOLOGY> or ocr"})
    confidence = Float()
    confirmed = Boolean(
        metadata={
            "description": "false for a barcode only the fallback decoder "
            "read, or whose repeated reads disagreed"
        }
    )
    notes = List(String(), metadata={"description": "Why a read is uncertain, if it is."})
    box = List(Integer(), metadata={"description": "[x, y, width, height] in image pixels"})
    check = Nested(
        CheckOut,
        allow_none=True,
        metadata={
            "description": "The result of GET /api/v1/check for this candidate; null for a gtin."
        },
    )


class ScanOut(Schema):
    image = Nested(ImageOut)
    candidates = List(Nested(CandidateOut))
    elapsed_ms = Integer()


class ContactIn(Schema):
    name = String(validate=Length(max=100))
    email = String(validate=Length(max=254))
    phone = String(validate=Length(max=40))


class ReportIn(Schema):
    ref = String(required=True, metadata={"description": "The stolen item's ref (from a check)."})
    query = String(metadata={"description": "What the person checked or scanned."})
    where = String(
        required=True,
        metadata={"description": "Where and how the item is offered: a shop, a street, "
                  "an advert's address."},
    )  # fmt: skip
    contact = Nested(
        ContactIn, required=True, metadata={"description": "An e-mail address or a phone number."}
    )
    remarks = String(validate=Length(max=4000))


class ReportOut(Schema):
    id = String(
        metadata={"description": "The report's reference number.", "example": "M-7KQ3D-9F2AB"}
    )
    status = String(metadata={"description": "queued, delivered, acknowledged or closed"})
    police_unit = Nested(PoliceUnitOut)
    merged = Boolean(
        metadata={"description": "true when the same contact reported this item in the last "
                  "24 hours: the earlier report is answered"}
    )  # fmt: skip
    status_url = String(
        metadata={"description": "The private status page (a secret link; give it only to the "
                  "reporter)."}
    )  # fmt: skip
