"""The police pages: the unit's inbox of hit reports and the unit's stolen items.

Every officer belongs to one unit; the services are always given that unit, and answer
NotFound for another unit's report or item (the same as for a missing one).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from apiflask import APIBlueprint
from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user

from ..accounts.audit import record
from ..dealers import alerts as register_alerts
from ..dealers.alerts import alert_for_report
from ..errors import StophelingError, Unprocessable
from ..extensions import db
from ..matching import KINDS
from ..reference.data import CATEGORIES
from ..reports import inbox as reports
from ..reports.models import REPORT_STATUSES
from ..stolen import register
from ..stolen.models import STATUSES
from .login import require_role

# An APIBlueprint only so that apiflask accepts a blueprint-wide before_request hook;
# these are HTML pages and stay out of the OpenAPI document.
bp = APIBlueprint("police", __name__, url_prefix="/politie", enable_openapi=False)
bp.before_request(require_role("police"))


def unit() -> str:
    return str(current_user.police_unit_code)


@bp.get("/")
def index() -> Any:
    return redirect(url_for("police.inbox"))


@bp.get("/meldingen")
def inbox() -> str:
    status = request.args.get("status", "open")
    rows = reports.list_inbox(db.session, unit(), status)
    return render_template(
        "police/inbox.html", reports=rows, status=status, statuses=("open", *REPORT_STATUSES, "all")
    )


@bp.get("/meldingen/<int:report_id>")
def report(report_id: int) -> str:
    found = reports.open_report(db.session, report_id, unit=unit(), actor=current_user.actor)
    db.session.commit()  # the audit entry is written even though nothing else changes
    alert = alert_for_report(db.session, found.id) if found.source == "buyer_register" else None
    return render_template(
        "police/report.html", report=found, categories=CATEGORIES, register_alert=alert
    )


@bp.post("/meldingen/<int:report_id>/vrijgeven")
def release_hold(report_id: int) -> Any:
    """A dealer's good held for the police may be sold again (buyer register, issue 6)."""
    found = reports.get_report(db.session, report_id, unit())
    alert = alert_for_report(db.session, found.id)
    if alert is None:
        return Response(status=404)
    register_alerts.release_hold(
        db.session, alert.id, unit=unit(), actor=current_user.actor,
        note=request.form.get("note", ""),
    )  # fmt: skip
    db.session.commit()
    return redirect(url_for("police.report", report_id=report_id), code=303)


@bp.get("/meldingen/<int:report_id>/foto")
def photo(report_id: int) -> Any:
    found = reports.get_report(db.session, report_id, unit())
    if found.photo is None:
        return Response(status=404)
    record(
        db.session,
        actor=current_user.actor,
        action="view_photo",
        subject=f"hit_report:{found.public_id}",
        reason="afhandeling melding (Wpg)",
    )
    db.session.commit()
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return Response(found.photo, mimetype=found.photo_type, headers=headers)


@bp.post("/meldingen/<int:report_id>/bevestigen")
def acknowledge(report_id: int) -> Any:
    found = reports.get_report(db.session, report_id, unit())
    reports.acknowledge(db.session, found, actor=current_user.actor)
    db.session.commit()
    return redirect(url_for("police.report", report_id=report_id), code=303)


@bp.post("/meldingen/<int:report_id>/afsluiten")
def close(report_id: int) -> Any:
    found = reports.get_report(db.session, report_id, unit())
    try:
        reports.close(
            db.session, found, actor=current_user.actor, note=request.form.get("note", "")
        )
    except Unprocessable as exc:
        db.session.rollback()
        page = render_template(
            "police/report.html", report=found, categories=CATEGORIES, error=exc.code
        )
        return page, 422
    db.session.commit()
    return redirect(url_for("police.report", report_id=report_id), code=303)


@bp.get("/gestolen")
def items() -> str:
    query = request.args.get("q", "")[:100]
    return _items_page(query=query)


def _items_page(status: int = 200, **context: Any) -> Any:
    query = context.pop("query", "")
    rows = register.find_unit_items(db.session, unit(), query)
    page = render_template(
        "police/items.html",
        items=rows,
        query=query,
        kinds=KINDS,
        categories=CATEGORIES,
        today=date.today().isoformat(),
        **context,
    )
    return page, status


@bp.post("/gestolen")
def add_item() -> Any:
    fields = (
        "kind",
        "identifier",
        "reported_on",
        "source_id",
        "case_ref",
        "category",
        "brand",
        "model",
        "colour",
        "description",
    )
    data = {f: request.form.get(f, "").strip() for f in fields if request.form.get(f, "").strip()}
    try:
        item = register.create_item(
            db.session, data | {"police_unit": unit()}, actor=current_user.actor, only_unit=unit()
        )
    except StophelingError as exc:
        db.session.rollback()
        return _items_page(422, error=exc.message, values=data)
    db.session.commit()
    return redirect(url_for("police.item", ref=item.ref), code=303)


@bp.post("/gestolen/import")
def import_items() -> Any:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _items_page(400, error_import=True)
    report = register.import_lines(
        db.session, upload.stream, actor=current_user.actor, only_unit=unit()
    )
    db.session.commit()
    return _items_page(imported=report.as_dict())


@bp.get("/gestolen/<ref>")
def item(ref: str) -> str:
    found = register.get_item(db.session, ref, unit=unit())
    return render_template("police/item.html", item=found, statuses=STATUSES, categories=CATEGORIES)


@bp.post("/gestolen/<ref>/status")
def item_status(ref: str) -> Any:
    found = register.get_item(db.session, ref, unit=unit())
    register.set_status(
        db.session,
        found,
        request.form.get("status", ""),
        actor=current_user.actor,
        note=request.form.get("note") or None,
    )
    db.session.commit()
    return redirect(url_for("police.item", ref=ref), code=303)
