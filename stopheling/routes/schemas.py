"""Request and response schemas of the JSON API; the OpenAPI document is generated from them."""

from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Date, File, Float, Integer, List, Nested, String
from apiflask.validators import Length, OneOf

from ..matching import KINDS
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
    police_unit = String(required=True, validate=Length(1, 8))
    reported_on = Date(required=True)
    source_id = String(required=True, validate=Length(1, 100))
    case_ref = String(validate=Length(max=100))
    category = String(validate=Length(max=40))
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
    notes = List(String())
