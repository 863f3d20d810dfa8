"""Inspection pages (/inspectie): police officers and BOAs with a grant read the registers
of the dealers in their area, search them, and verify their hash chains.

Who may inspect which dealer is decided in stopheling.dealers.inspection; these views only
translate. Sellers' and buyers' personal data are shown only on an entry's own page, after
the officer gives a reason, and every such read is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import Response, g, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..dealers import inspection
from ..dealers.models import PurchaseEntry
from ..errors import NotAllowed, StophelingError
from ..extensions import db
from ..reference.data import CATEGORIES
from .login import require_role
from .oversight_forms import RevealForm, SearchForm

# An APIBlueprint only so that apiflask accepts a blueprint-wide before_request hook;
# these are HTML pages and stay out of the OpenAPI document.
bp = APIBlueprint("inspection", __name__, url_prefix="/inspectie", enable_openapi=False)
_require = require_role("police", "boa")
REASON_KEY = "inspection_reason"  # the last reason given, to fill in the next form
SEARCH_ERRORS = {
    "missing_query": _l("Typ het nummer waarop u wilt zoeken (minstens 4 tekens)."),
    "missing_reason": _l("Geef de reden of het zaaknummer (minstens 3 tekens)."),
}


@bp.before_request
def _area() -> Any:
    refused = _require()
    if refused is not None:
        return refused
    try:
        g.area = inspection.inspection_area(db.session, current_user)
    except NotAllowed:
        return render_template("inspection/no_access.html"), 403
    return None


def _page(request_arg: str = "pagina") -> int:
    value = request.args.get(request_arg, "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _reason_form() -> RevealForm:
    form = RevealForm()
    if not form.reason.data:
        form.reason.data = session.get(REASON_KEY, "")
    return form


@bp.get("/")
def index() -> str:
    form = SearchForm(formdata=None)
    form.reason.data = session.get(REASON_KEY, "")
    return render_template(
        "inspection/index.html", dealers=inspection.dealers_in_area(db.session, g.area), form=form
    )


@bp.post("/zoeken")
def search() -> Any:
    form = SearchForm()
    dealers = inspection.dealers_in_area(db.session, g.area)
    if not form.validate():
        return render_template("inspection/index.html", dealers=dealers, form=form), 422
    find = (
        inspection.search_id_document
        if form.by.data == "id_document"
        else inspection.search_identifier
    )
    try:
        found = find(
            db.session, g.area, form.query.data, actor=current_user.actor, reason=form.reason.data
        )
    except StophelingError as exc:
        db.session.rollback()
        form.query.errors = [SEARCH_ERRORS.get(exc.code, exc.message)]
        return render_template("inspection/index.html", dealers=dealers, form=form), 422
    db.session.commit()  # the audit entries of the search
    session[REASON_KEY] = form.reason.data
    return render_template(
        "inspection/index.html",
        dealers=dealers,
        form=form,
        results=found,
        by=form.by.data,
        held=_held(found),
        categories=CATEGORIES,
    )


@bp.get("/handelaren/<int:dealer_id>")
def dealer(dealer_id: int) -> str:
    found = inspection.get_dealer(db.session, g.area, dealer_id)
    entries, more = inspection.purchases(db.session, found, _page())
    return render_template(
        "inspection/purchases.html",
        dealer=found,
        entries=entries,
        held=_held(entries),
        page=_page(),
        more=more,
        categories=CATEGORIES,
    )


@bp.get("/handelaren/<int:dealer_id>/verkoop")
def sales(dealer_id: int) -> str:
    found = inspection.get_dealer(db.session, g.area, dealer_id)
    entries, more = inspection.sales(db.session, found, _page())
    return render_template(
        "inspection/sales.html", dealer=found, entries=entries, page=_page(), more=more
    )


@bp.get("/handelaren/<int:dealer_id>/inkoop/<int:number>")
def purchase(dealer_id: int, number: int) -> str:
    entry = inspection.purchase_entry(db.session, g.area, dealer_id, number)
    return _purchase_page(entry, form=_reason_form())


@bp.post("/handelaren/<int:dealer_id>/inkoop/<int:number>")
def open_purchase(dealer_id: int, number: int) -> Any:
    form = RevealForm()
    if not form.validate():
        entry = inspection.purchase_entry(db.session, g.area, dealer_id, number)
        return _purchase_page(entry, form=form), 422
    entry = inspection.open_purchase(
        db.session, g.area, dealer_id, number, actor=current_user.actor, reason=form.reason.data
    )
    db.session.commit()  # the audit entry, before anything is shown
    session[REASON_KEY] = form.reason.data
    return _purchase_page(entry, form=form, revealed=True)


def _purchase_page(entry: PurchaseEntry, **context: Any) -> str:
    return render_template(
        "inspection/purchase.html",
        dealer=entry.dealer,
        entry=entry,
        held=_held([entry]),
        sales=inspection.sales_of(db.session, entry),
        categories=CATEGORIES,
        **context,
    )


@bp.get("/handelaren/<int:dealer_id>/inkoop/<int:number>/foto")
def photo(dealer_id: int, number: int) -> Any:
    entry = inspection.purchase_entry(db.session, g.area, dealer_id, number)
    if entry.photo is None:
        return Response(status=404)
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return Response(entry.photo, mimetype=entry.photo_type, headers=headers)


@bp.get("/handelaren/<int:dealer_id>/verkoop/<int:number>")
def sale(dealer_id: int, number: int) -> str:
    entry = inspection.sale_entry(db.session, g.area, dealer_id, number)
    return render_template(
        "inspection/sale.html", dealer=entry.dealer, entry=entry, form=_reason_form()
    )


@bp.post("/handelaren/<int:dealer_id>/verkoop/<int:number>")
def open_sale(dealer_id: int, number: int) -> Any:
    form = RevealForm()
    if not form.validate():
        entry = inspection.sale_entry(db.session, g.area, dealer_id, number)
        page = render_template("inspection/sale.html", dealer=entry.dealer, entry=entry, form=form)
        return page, 422
    entry = inspection.open_sale(
        db.session, g.area, dealer_id, number, actor=current_user.actor, reason=form.reason.data
    )
    db.session.commit()
    session[REASON_KEY] = form.reason.data
    return render_template(
        "inspection/sale.html", dealer=entry.dealer, entry=entry, form=form, revealed=True
    )


@bp.get("/handelaren/<int:dealer_id>/controle")
def verify(dealer_id: int) -> str:
    found = inspection.get_dealer(db.session, g.area, dealer_id)
    results = inspection.verify(db.session, g.area, dealer_id)
    return render_template("inspection/verify.html", dealer=found, results=results)


def _held(entries: list[PurchaseEntry]) -> set[int]:
    """Ids of the entries on police hold (a match with the stolen register)."""
    if not entries:
        return set()
    from ..dealers.alerts import held_entry_ids

    return set(held_entry_ids(db.session, [e.id for e in entries]))
