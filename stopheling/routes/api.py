"""The JSON API v1 (shared/api-v1.md). Views translate; services decide."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import current_app, request
from flask_limiter.util import get_remote_address
from sqlalchemy import text

from .. import enumeration, overload
from ..errors import InvalidInput, TooLarge, Unavailable, Unprocessable, UnsupportedMedia
from ..extensions import db, limiter
from ..reports import service as reports
from ..stolen import lookup, register, scanning
from . import schemas
from .auth import app_key, current_police_unit, police_actor, police_auth
from .reports import status_url

bp = APIBlueprint("api", __name__, url_prefix="/api/v1", tag="API v1")


def _check_limit() -> str:
    key = "CHECK_RATE_LIMIT_APP" if app_key() else "CHECK_RATE_LIMIT"
    return str(current_app.config[key])


def _check_client() -> str:
    token = app_key()
    return f"app:{token.id}" if token else f"ip:{get_remote_address()}"


@bp.get("/check")
@limiter.limit(_check_limit, key_func=_check_client)
@bp.input(schemas.CheckQuery, location="query", arg_name="args")
@bp.output(schemas.CheckOut)
@bp.doc(
    summary="Check an identifier",
    description="Is this identifier registered as stolen? Anonymous use is rate limited per "
    "client address; an app key (X-API-Key) gets its own, higher limit.",
    responses={400: "q empty or longer than 100 characters",
               429: "Rate limited, or throttled for walking through identifiers (code "
                    "enumeration_throttled); Retry-After says when to try again",
               503: "Too many checks at once (Retry-After)"},
)  # fmt: skip
def check(args: dict[str, Any]) -> dict[str, Any]:
    return guarded_check(args["q"], args["kind"])


def guarded_check(query: str, kind: str) -> dict[str, Any]:
    """The check behind the enumeration throttle (429) and the concurrency gate (503)."""
    config, client = current_app.config, _check_client()
    store = current_app.extensions.setdefault(
        "stopheling.enumeration", enumeration.make_store(config["RATELIMIT_STORAGE_URI"])
    )
    enumeration.refuse_if_throttled(store, client)
    wait = config["CHECK_QUEUE_MS"] / 1000
    with overload.slot("check", concurrency=config["CHECK_CONCURRENCY"], wait_seconds=wait):
        result = lookup.check(db.session, query, kind)
    limits = enumeration.Limits.from_config(config)
    if enumeration.record_check(db.session, store, client, result, secret=config["SECRET_KEY"],
                                limits=limits):  # fmt: skip
        db.session.commit()
    return result


def _scan_limit() -> str:
    return str(current_app.config["SCAN_RATE_LIMIT"])


@bp.post("/scan")
@limiter.limit(_scan_limit, key_func=_check_client)
@bp.input(schemas.ScanIn, location="files", arg_name="files", validation=False)
@bp.output(schemas.ScanOut)
@bp.doc(
    summary="Scan a photo",
    description="Reads barcodes, Dutch licence plates and printed serial/IMEI labels from a "
    "photo and checks every identifier found. An image with nothing readable gives an empty "
    "candidates list.",
    responses={413: "Larger than the limit", 415: "Not an image", 422: "A broken image",
               503: "All scanners busy (Retry-After)"},
)  # fmt: skip
def scan(files: Any) -> Any:
    upload = request.files.get("image")
    if upload is None:
        raise InvalidInput("Send the photo as the multipart field 'image'.", code="missing_image")
    return scanning.scan_and_check(db.session, read_upload(upload), **scan_settings())


def read_upload(upload: Any) -> bytes:
    """The upload's bytes, refusing more than the scan limit without reading it all."""
    limit = current_app.config["SCAN_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(
            f"The photo is larger than {limit // (1024 * 1024)} MiB.", code="image_too_large"
        )
    return bytes(data)


def scan_settings() -> dict[str, Any]:
    config = current_app.config
    return {
        "engine": config["OCR_ENGINE"], "max_bytes": config["SCAN_MAX_BYTES"],
        "max_pixels": config["SCAN_MAX_PIXELS"], "concurrency": config["SCAN_CONCURRENCY"],
    }  # fmt: skip


@bp.post("/stolen")
@bp.auth_required(police_auth)
@bp.input(schemas.StolenIn, arg_name="data", validation=False)
@bp.output(schemas.StolenOut, status_code=201)
@bp.doc(summary="Register one stolen item", responses={422: "The item is not valid"})
def create_stolen(data: Any) -> Any:
    data = request.get_json(silent=True)
    if data is None:
        raise InvalidInput("The body must be a JSON object.", code="invalid_json")
    item = register.create_item(
        db.session, data, actor=police_actor(), only_unit=current_police_unit()
    )
    db.session.commit()
    return police_item(item)


@bp.post("/stolen/import")
@bp.auth_required(police_auth)
@bp.output(schemas.ImportOut)
@bp.doc(
    summary="Import stolen items (NDJSON)",
    description="application/x-ndjson, one item a line. Idempotent by (police unit, source_id). "
    "Bad lines are reported by line number; the good lines are imported.",
    responses={415: "Not application/x-ndjson", 413: "Too large"},
)
def import_stolen() -> Any:
    if request.mimetype not in ("application/x-ndjson", "application/jsonl"):
        raise UnsupportedMedia("Send the items as application/x-ndjson.", code="not_ndjson")
    request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]
    report = register.import_lines(
        db.session, request.stream, actor=police_actor(), only_unit=current_police_unit()
    )
    db.session.commit()
    register.refresh_statistics(db.session, report)
    return report.as_dict()


@bp.patch("/stolen/<ref>")
@bp.auth_required(police_auth)
@bp.input(schemas.StolenPatch, arg_name="data")
@bp.output(schemas.StolenOut)
@bp.doc(summary="Change a stolen item's status", responses={404: "Unknown ref (or another unit's)"})
def patch_stolen(ref: str, data: dict[str, Any]) -> Any:
    item = register.get_item(db.session, ref, unit=current_police_unit())
    register.set_status(
        db.session, item, data["status"], actor=police_actor(), note=data.get("note")
    )
    db.session.commit()
    return police_item(item)


def _report_limit() -> str:
    return str(current_app.config["REPORT_RATE_LIMIT"])


@bp.post("/reports")
@limiter.limit(_report_limit, key_func=_check_client)
@bp.input(schemas.ReportIn, arg_name="data", validation=False)
@bp.output(schemas.ReportOut, status_code=201)
@bp.doc(
    summary="Report a hit",
    description="Tell the police unit that recorded the theft of item `ref` where it is "
    "offered. Once 201 is answered the report is stored durably and will reach the unit. "
    "The same contact reporting the same item within 24 hours is merged (201 with the "
    "earlier id). Rate limited per client.",
    responses={404: "Unknown ref", 422: "Missing where, or no way to contact the reporter",
               429: "Rate limited (Retry-After)"},
)  # fmt: skip
def create_report(data: Any) -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("The body must be a JSON object.", code="invalid_json")
    submitted = reports.submit_report(db.session, report_input(body))
    db.session.commit()
    report = submitted.report
    return {
        "id": report.public_id, "status": report.status, "merged": submitted.merged,
        "police_unit": {"code": report.police_unit.code, "name": report.police_unit.name},
        "status_url": status_url(report.public_id, external=True),
    }  # fmt: skip


def report_input(body: dict[str, Any]) -> reports.ReportInput:
    """The JSON body as the service's input; wrong types count as missing (422 follows)."""
    contact = body.get("contact") if isinstance(body.get("contact"), dict) else {}

    def text(source: dict[str, Any], name: str) -> str:
        value = source.get(name)
        return value if isinstance(value, str) else ""

    if not text(body, "ref"):
        raise Unprocessable("Give the ref of the stolen item.", code="missing_ref")
    return reports.ReportInput(
        ref=text(body, "ref"), query=text(body, "query"), where=text(body, "where"),
        name=text(contact, "name"), email=text(contact, "email"), phone=text(contact, "phone"),
        remarks=text(body, "remarks"),
    )  # fmt: skip


def police_item(item: Any) -> dict[str, Any]:
    """The police's own view: public fields plus status, source_id and case_ref."""
    return lookup.public_item(item, "exact") | {
        "status": item.status, "source_id": item.source_id, "case_ref": item.case_ref,
    }  # fmt: skip


ops = APIBlueprint("ops", __name__, tag="Operations")


@ops.get("/healthz")
@ops.output(schemas.HealthOut)
@ops.doc(summary="Health", responses={503: "The database does not answer"})
def health() -> Any:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database does not answer
        db.session.rollback()
        raise Unavailable("The database does not answer.", code="database_unavailable") from None
    return {"status": "ok"}
