"""The vault after a theft: mark stolen, the police's case number, the owner's check, and
the theft-report sheet as a page and as a PDF. Routes of the vault's blueprint."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..reference.data import CATEGORIES
from ..vault import service
from ..vault.service import InvalidItem
from ..vault.sheet import SheetItem, euro, render_pdf
from . import vault_forms as forms
from .vault import _item, _item_page_error, _messages, bp, categories, cipher, log, msg, store


@bp.get("/<int:item_id>/gestolen")
def stolen_form(item_id: int) -> str:
    it = _item(item_id)
    form = forms.StolenForm(formdata=None, obj=it)
    return render_template("vault/stolen.html", item=it, form=form, errors={})


@bp.post("/<int:item_id>/gestolen")
def mark_stolen(item_id: int) -> Any:
    it = _item(item_id)
    form = forms.StolenForm()
    if not form.validate():
        return render_template("vault/stolen.html", item=it, form=form, errors={}), 422
    try:
        service.mark_stolen(
            it,
            on=form.stolen_on.data,
            place=form.stolen_place.data or "",
            how=form.stolen_how.data or "",
        )
    except InvalidItem as exc:
        db.session.rollback()
        return render_template(
            "vault/stolen.html", item=it, form=form, errors=_messages(exc.errors)
        ), 422
    db.session.commit()
    flash(
        _(
            "Gemarkeerd als gestolen. "
            "Download het aangifteformulier en neem het mee naar de politie."
        )
    )
    return redirect(url_for("vault.item", item_id=it.id), code=303)


@bp.post("/<int:item_id>/zaaknummer")
def case_number(item_id: int) -> Any:
    it = _item(item_id)
    form = forms.CaseForm()
    try:
        service.set_police_case(it, form.police_case.data or "")
    except InvalidItem as exc:
        db.session.rollback()
        return _item_page_error(it, msg(exc.errors["police_case"]), 422)
    db.session.commit()
    flash(_("Het zaaknummer is opgeslagen."))
    return redirect(url_for("vault.item", item_id=it.id), code=303)


@bp.post("/<int:item_id>/teruggevonden")
def recovered(item_id: int) -> Any:
    it = _item(item_id)
    service.recovered(it)
    db.session.commit()
    flash(_("Fijn dat u het terug heeft. De diefstal is van dit voorwerp verwijderd."))
    return redirect(url_for("vault.item", item_id=it.id), code=303)


@bp.get("/<int:item_id>/controleren")
def check(item_id: int) -> str:
    it = _item(item_id)
    results = service.check_item(db.session, cipher(), it)
    return render_template("vault/check.html", item=it, results=results, categories=CATEGORIES)


def _sheet_items(items: list[Any]) -> list[SheetItem]:
    out = []
    for it in items:
        entry = SheetItem(it, service.identifiers_of(cipher(), it))
        for f in it.files:
            try:
                data = store().read(f.stored_name)
            except OSError:  # lost on disk: the sheet without it beats no sheet
                log.exception("vault sheet: file %s is missing", f.stored_name)
                continue
            if f.role == "photo" and f.content_type.startswith("image/"):
                entry.photos.append(data)
            elif f.content_type.startswith("image/"):
                entry.image_receipts.append(data)
            else:
                entry.pdf_receipts.append((f.original_name, data))
        out.append(entry)
    return out


def _sheet_html(items: list[Any]) -> str:
    return render_template(
        "vault/sheet.html",
        items=items,
        identifiers={i.id: service.identifiers_of(cipher(), i) for i in items},
        labels=dict(categories()),
        euro=euro,
        today=date.today(),
    )


def _sheet_pdf(items: list[Any], filename: str) -> Response:
    pdf = render_pdf(
        _sheet_items(items),
        owner_name=current_user.name,
        owner_email=current_user.email,
        today=date.today(),
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/aangifte")
def sheet() -> str:
    return _sheet_html(service.stolen_items(db.session, current_user))


@bp.get("/aangifte.pdf")
def sheet_pdf() -> Any:
    items = service.stolen_items(db.session, current_user)
    if not items:
        flash(_("Er zijn geen voorwerpen als gestolen gemarkeerd."))
        return redirect(url_for("vault.index"), code=303)
    return _sheet_pdf(items, "aangifte-bijlage.pdf")


@bp.get("/<int:item_id>/aangifte")
def item_sheet(item_id: int) -> str:
    return _sheet_html([_item(item_id)])


@bp.get("/<int:item_id>/aangifte.pdf")
def item_sheet_pdf(item_id: int) -> Response:
    return _sheet_pdf([_item(item_id)], f"aangifte-bijlage-{item_id}.pdf")
