"""Administrators: the units' delivery channels and secrets, users and roles, API tokens,
and deliveries that failed (with a retry)."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import current_app, redirect, render_template, request, url_for

from .. import enumeration
from ..accounts import tokens, users
from ..accounts.models import ROLES
from ..errors import StophelingError
from ..extensions import db
from ..reference.models import PoliceUnit
from ..reports import channels
from .login import require_role

# An APIBlueprint only so that apiflask accepts a blueprint-wide before_request hook;
# these are HTML pages and stay out of the OpenAPI document.
bp = APIBlueprint("admin", __name__, url_prefix="/beheer", enable_openapi=False)
bp.before_request(require_role("admin"))


@bp.get("/")
def index() -> str:
    return _page()


def _page(status: int = 200, **context: Any) -> Any:
    page = render_template(
        "admin/index.html",
        channels=channels.list_channels(db.session),
        users=users.list_users(db.session),
        tokens=tokens.list_tokens(db.session),
        failed=channels.failed_jobs(db.session),
        flagged=enumeration.list_flags(db.session),
        roles=ROLES,
        units=db.session.query(PoliceUnit).order_by(PoliceUnit.code).all(),
        **context,
    )
    return page, status


def _form(*names: str) -> dict[str, str]:
    return {name: request.form.get(name, "").strip() for name in names}


def _done() -> Any:
    db.session.commit()
    return redirect(url_for("admin.index"), code=303)


def _refused(exc: StophelingError) -> Any:
    db.session.rollback()
    return _page(422, error=exc.message)


@bp.post("/kanalen")
def add_channel() -> Any:
    data = _form("unit", "kind", "target")
    try:
        channels.add_channel(
            db.session,
            data["unit"],
            data["kind"],
            data["target"],
            allow_http=current_app.config["DELIVERY_ALLOW_HTTP"],
        )
    except StophelingError as exc:
        return _refused(exc)
    return _done()


@bp.post("/kanalen/<int:channel_id>/actief")
def toggle_channel(channel_id: int) -> Any:
    channels.set_channel_active(db.session, channel_id, request.form.get("active") == "1")
    return _done()


@bp.post("/gebruikers")
def add_user() -> Any:
    data = _form("email", "name", "password", "role", "unit", "municipality")
    try:
        users.create_user(
            db.session,
            email=data["email"],
            name=data["name"],
            password=request.form.get("password", ""),
            role=data["role"],
            police_unit=data["unit"] or None,
            municipality=data["municipality"] or None,
        )
    except StophelingError as exc:
        return _refused(exc)
    return _done()


@bp.post("/gebruikers/<int:user_id>")
def change_user(user_id: int) -> Any:
    data = _form("role", "unit", "municipality", "active")
    user = users.get_user(db.session, user_id)
    try:
        users.set_role(
            db.session,
            user,
            data["role"],
            police_unit=data["unit"] or None,
            municipality=data["municipality"] or None,
        )
    except StophelingError as exc:
        return _refused(exc)
    user.active = data["active"] == "1"
    return _done()


@bp.post("/tokens")
def add_token() -> Any:
    data = _form("kind", "unit", "label")
    try:
        kind = "app" if data["kind"] == "app" else "police"
        unit = data["unit"] or None if kind == "police" else None
        token = tokens.create_token(db.session, kind=kind, police_unit=unit, label=data["label"])
    except StophelingError as exc:
        return _refused(exc)
    db.session.commit()
    return _page(new_token=token)  # shown this once; only its hash is stored


@bp.post("/tokens/<int:token_id>/intrekken")
def revoke_token(token_id: int) -> Any:
    tokens.revoke_token(db.session, token_id)
    return _done()


@bp.post("/leveringen/<int:job_id>/opnieuw")
def retry(job_id: int) -> Any:
    channels.retry_job(db.session, job_id)
    return _done()
