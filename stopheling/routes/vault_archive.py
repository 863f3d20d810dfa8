"""The owner's data are theirs: the vault exported as a zip, and that zip imported into a
(new) account. Routes of the vault's blueprint."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import audit
from ..errors import StophelingError
from ..extensions import db
from ..vault import archive, service
from . import vault_forms as forms
from .vault import _commit_or_discard, bp, cipher, msg, store


@bp.get("/export.zip")
def export() -> Response:
    items = service.list_items(db.session, cipher(), current_user)
    data = archive.export_zip(cipher(), store(), current_user, items)
    audit.record(
        db.session,
        actor=current_user.actor,
        action="vault_export",
        subject=current_user.actor,
        reason="the owner exported their vault",
    )
    db.session.commit()
    response = Response(data, mimetype="application/zip")
    name = f"stopheling-spullen-{date.today().isoformat()}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/importeren")
def import_form() -> str:
    return render_template("vault/import.html", form=forms.ImportForm(), error=None)


@bp.post("/importeren")
def import_archive() -> Any:
    form = forms.ImportForm()
    upload = request.files.get("archive")
    if upload is None or not upload.filename:
        return render_template(
            "vault/import.html", form=form, error=_("Kies eerst een zip-bestand.")
        ), 400
    try:
        created, names = archive.import_zip(
            db.session,
            cipher(),
            store(),
            current_user,
            upload.stream,
            max_file_bytes=current_app.config["VAULT_MAX_FILE_BYTES"],
            max_pixels=current_app.config["VAULT_MAX_PIXELS"],
        )
    except StophelingError as exc:
        db.session.rollback()
        detail = _import_detail(exc)
        return render_template(
            "vault/import.html", form=form, error=msg(exc.code), detail=detail
        ), 422
    _commit_or_discard(names)
    flash(_("%(n)s voorwerpen ingelezen.", n=len(created)))
    return redirect(url_for("vault.index"), code=303)


def _import_detail(exc: StophelingError) -> str:
    item = getattr(exc, "item", None)
    detail = getattr(exc, "detail", "")
    parts = []
    if item:
        parts.append(_("Voorwerp %(n)s", n=item))
    if detail:
        parts.append(detail)
    return " · ".join(parts)
