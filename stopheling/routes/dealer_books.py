"""The dealer's sales register, the chain check, the CSV export and the API keys: routes
of the dealer's blueprint (stopheling/routes/dealer.py)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..accounts.audit import record
from ..dealers import register as reg
from ..dealers import sales as sales_register
from ..dealers import service
from ..dealers.export import purchase_rows, sale_rows
from ..dealers.models import SaleEntry
from ..dealers.rules import rules_for
from ..errors import NotFound
from ..extensions import db
from . import dealer_forms as forms
from .dealer import PER_PAGE, _cents, _local, _number, _page, bp, current_dealer, refusal_text

# --- the sales register --------------------------------------------------------------


@bp.get("/verkoop")
def sales() -> str:
    dealer, page = current_dealer(), _page()
    rows = db.session.scalars(
        select(SaleEntry)
        .where(SaleEntry.dealer_id == dealer.id)
        .order_by(SaleEntry.number.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return render_template(
        "dealer/sales.html", dealer=dealer, sales=rows, page=page, more=len(rows) == PER_PAGE,
        rules=rules_for(db.session, dealer.municipality_code),
    )  # fmt: skip


@bp.get("/verkoop/nieuw")
def new_sale() -> str:
    dealer = current_dealer()
    form = forms.SaleForm()
    form.purchase_number.data = request.args.get("inkoop", "")[:10]
    form.corrects_number.data = request.args.get("corrigeert", "")[:10]
    return render_template("dealer/sale_form.html", dealer=dealer, form=form)


@bp.post("/verkoop")
def add_sale() -> Any:
    dealer = current_dealer()
    form = forms.SaleForm()
    if not form.validate_on_submit():
        return render_template("dealer/sale_form.html", dealer=dealer, form=form), 400
    data = sales_register.SaleInput(
        purchase_number=_number(form.purchase_number.data),
        sold_at=_local(form.sold_date.data, form.sold_time.data),
        price_cents=_cents(form.price.data), buyer_name=form.buyer_name.data or "",
        buyer_address=form.buyer_address.data or "",
        corrects_number=_number(form.corrects_number.data),
        correction_reason=form.correction_reason.data or "",
    )  # fmt: skip
    try:
        entry = sales_register.record_sale(db.session, dealer, data, actor=current_user.actor)
    except (reg.RegisterRefused, NotFound) as exc:
        db.session.rollback()
        text = (
            refusal_text(exc)
            if isinstance(exc, reg.RegisterRefused)
            else _("Dit inkoopnummer staat niet in uw register.")
        )
        field = getattr(exc, "field", "purchase_number")
        return render_template(
            "dealer/sale_form.html", dealer=dealer, form=form, error=text, error_field=field
        ), 422
    db.session.commit()
    flash(_("Vastgelegd als verkoopregel %(number)s.", number=entry.number))
    return redirect(url_for("dealer.sales"), code=303)


# --- verification, export, API keys --------------------------------------------------


@bp.post("/controleren")
def verify() -> str:
    dealer = current_dealer()
    results = {r: reg.verify_register(db.session, dealer.id, r) for r in ("purchase", "sale")}
    texts = {r: (_(b.template, **b.params) if b is not None else None) for r, b in results.items()}
    return render_template("dealer/verify.html", dealer=dealer, results=results, texts=texts)


@bp.get("/export/<register>.csv")
def export(register: str) -> Response:
    dealer = current_dealer()
    if register not in ("inkoop", "verkoop"):
        abort(404)
    rows = (
        purchase_rows(db.session, dealer.id)
        if register == "inkoop"
        else sale_rows(db.session, dealer.id)
    )
    record(
        db.session, actor=current_user.actor, action="export_register",
        subject=f"dealer:{dealer.id}", reason=f"export {register}register (eigen register)",
    )  # fmt: skip
    db.session.commit()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in rows:
        writer.writerow(row)
    name = f"{register}register-{dealer.kvk}.csv"
    return Response(
        "\ufeff" + out.getvalue(),  # a BOM, so that spreadsheet programs read UTF-8
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/api-sleutels")
def tokens() -> str:
    dealer = current_dealer()
    return render_template(
        "dealer/tokens.html", dealer=dealer, form=forms.TokenForm(),
        tokens=service.dealer_tokens(db.session, dealer.id), new_token=None,
    )  # fmt: skip


@bp.post("/api-sleutels")
def add_token() -> Any:
    dealer = current_dealer()
    form = forms.TokenForm()
    if not form.validate_on_submit():
        return redirect(url_for("dealer.tokens"), code=303)
    token = service.new_dealer_token(
        db.session, dealer, label=form.label.data or "", actor=current_user.actor
    )
    db.session.commit()
    return render_template(
        "dealer/tokens.html", dealer=dealer, form=forms.TokenForm(formdata=None),
        tokens=service.dealer_tokens(db.session, dealer.id), new_token=token,
    )  # fmt: skip


@bp.post("/api-sleutels/<int:token_id>/intrekken")
def revoke_token(token_id: int) -> Any:
    dealer = current_dealer()
    try:
        service.revoke_dealer_token(db.session, dealer, token_id)
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("De sleutel is ingetrokken."))
    return redirect(url_for("dealer.tokens"), code=303)
