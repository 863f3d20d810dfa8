"""The citizen's side of a hit report: the form (linked from a flagged result) and the
private status page behind the secret link. No account is needed for either."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..errors import Unprocessable
from ..extensions import db, limiter
from ..reference.data import CATEGORIES
from ..reports import service
from ..stolen import lookup
from ..stolen.register import get_item

bp = Blueprint("reports", __name__)


def _report_limit() -> str:
    return str(current_app.config["REPORT_RATE_LIMIT"])


@bp.get("/melden/<ref>")
def form(ref: str) -> str:
    item = lookup.public_item(get_item(db.session, ref, unit=None), "exact")
    return render_template(
        "reports/form.html",
        item=item,
        categories=CATEGORIES,
        values={"query": request.args.get("q", "")},
    )


@bp.post("/melden/<ref>")
@limiter.limit(_report_limit)
def submit(ref: str) -> Any:
    item = get_item(db.session, ref, unit=None)
    values = {
        name: request.form.get(name, "")
        for name in ("query", "where", "name", "email", "phone", "remarks")
    }
    try:
        submitted = service.submit_report(
            db.session, service.ReportInput(ref=ref, photo=_photo(), **values)
        )
    except Unprocessable as exc:
        db.session.rollback()
        return render_template(
            "reports/form.html",
            item=lookup.public_item(item, "exact"),
            categories=CATEGORIES,
            values=values,
            error=exc.code,
        ), 422
    db.session.commit()
    return redirect(status_url(submitted.report.public_id, new=True), code=303)


def _photo() -> bytes | None:
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return None
    return bytes(upload.stream.read(service.MAX_PHOTO + 1))


@bp.get("/melding/<public_id>/<token>")
def status(public_id: str, token: str) -> str:
    report = service.report_by_link(db.session, public_id, token, current_app.config["SECRET_KEY"])
    return render_template(
        "reports/status.html",
        report=report,
        new=request.args.get("nieuw") == "1",
        link=status_url(public_id, external=True),
    )


def status_url(public_id: str, *, new: bool = False, external: bool = False) -> str:
    """The secret link to a report's status page."""
    token = service.status_token(current_app.config["SECRET_KEY"], public_id)
    extra = {"nieuw": "1"} if new else {}
    return url_for("reports.status", public_id=public_id, token=token, _external=external, **extra)
