"""The dealer's pages (/handelaar): sign-up, the purchase and sales registers, verification,
CSV export and API keys. Views translate; stopheling.dealers decides.

A dealer sees only its own business's registers (the business comes from the logged-in
user, never from the address). A dealer whose notice is not yet approved can fill in the
forms but the register refuses to record.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from apiflask import APIBlueprint
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import func, select

from ..accounts import mail
from ..accounts.audit import record
from ..dealers import register as reg
from ..dealers import service
from ..dealers.alerts import held_entry_ids
from ..dealers.models import Dealer, PurchaseEntry, SaleEntry
from ..dealers.rules import LOCAL, rules_for, sellable_from
from ..errors import NotFound, Unprocessable
from ..extensions import db
from ..reference.data import CATEGORIES
from ..reference.models import Municipality
from ..reports.delivery import DeliveryError
from . import dealer_forms as forms
from .login import require_role

log = logging.getLogger(__name__)
bp = APIBlueprint("dealer", __name__, url_prefix="/handelaar", enable_openapi=False)
PUBLIC_ENDPOINTS = ("dealer.signup_form", "dealer.signup")
PER_PAGE = 50
_require = require_role("dealer")


@bp.before_request
def _only_dealers() -> Any:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return _require()


@bp.app_template_filter("local_datetime")
def local_datetime(value: datetime | None) -> str:
    """A register time in Dutch local time (stored in UTC; SQLite gives it back naive)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value.astimezone(LOCAL), "d MMM yyyy, HH:mm", rebase=False)


def current_dealer() -> Dealer:
    try:
        return service.dealer_of(db.session, current_user)
    except NotFound:
        abort(404)


def refusal_text(error: reg.RegisterRefused) -> str:
    """The refusal in the page's language (field labels too)."""
    params = {k: _(v) if k == "label" else v for k, v in error.params.items()}
    return _(error.template, **params) if params else _(error.template)


def _local(day: Any, moment: time | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, moment or time(0, 0), tzinfo=LOCAL)  # no time: start of day


def _cents(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


def _page() -> int:
    value = request.args.get("pagina", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _category_choices() -> list[tuple[str, str]]:
    index = 0 if str(get_locale() or "nl") == "nl" else 1
    return [(code, labels[index]) for code, labels in CATEGORIES.items()]


# --- sign-up (public) -----------------------------------------------------------------


def _signup_form() -> forms.SignupForm:
    form = forms.SignupForm()
    form.municipality.choices = [("", _("— kies —"))] + [
        (m.code, m.name)
        for m in db.session.scalars(select(Municipality).order_by(Municipality.name))
    ]
    form.categories.choices = _category_choices()
    return form


@bp.get("/aanmelden")
def signup_form() -> str:
    return render_template("dealer/signup.html", form=_signup_form())


SIGNUP_ERRORS = {
    "email_taken": ("email", "Er is al een account met dit e-mailadres."),
    "invalid_email": ("email", "Vul een geldig e-mailadres in."),
    "weak_password": ("password", "Een wachtwoord heeft minstens 12 tekens."),
}


@bp.post("/aanmelden")
def signup() -> Any:
    form = _signup_form()
    if not form.validate_on_submit():
        return render_template("dealer/signup.html", form=form), 400
    try:
        dealer = service.register_dealer(
            db.session, name=form.name.data or "", kvk=form.kvk.data or "",
            address=form.address.data or "", postcode=form.postcode.data or "",
            city=form.city.data or "", municipality=form.municipality.data or "",
            categories=list(form.categories.data or []), email=form.email.data or "",
            password=form.password.data or "", phone=form.phone.data or "",
            starts_on=form.starts_on.data, person_name=form.person_name.data or "",
        )  # fmt: skip
    except reg.RegisterRefused as exc:
        db.session.rollback()
        return render_template(
            "dealer/signup.html", form=form, error=refusal_text(exc), error_field=exc.field
        ), 422
    except Unprocessable as exc:
        db.session.rollback()
        field, text = SIGNUP_ERRORS.get(exc.code, ("", exc.message))
        return render_template(
            "dealer/signup.html", form=form, error=_(text), error_field=field
        ), 422
    user = service.dealer_user(db.session, dealer.id)
    db.session.commit()
    _tell_municipality(dealer)
    login_user(user)
    flash(_("Uw aanmelding is verstuurd naar de gemeente. U hoort het als die is beoordeeld."))
    return redirect(url_for("dealer.index"), code=303)


def _tell_municipality(dealer: Dealer) -> None:
    """Mail the municipality's officers about the new notice (best effort: the notice is
    stored and on their list /gemeente/handelaren whatever the mail does)."""
    settings = mail.settings_from(current_app.config)
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/gemeente/handelaren"
    body = (
        f"{dealer.name} (KvK {dealer.kvk}), {dealer.address}, {dealer.postcode} {dealer.city}, "
        f"heeft zich aangemeld als opkoper in uw gemeente (art. 437ter Sr).\n"
        f"Beoordeel de aanmelding op {link}\n"
    )
    for address in service.municipality_addresses(db.session, dealer.municipality_code):
        message = EmailMessage()
        message["From"], message["To"] = settings.sender, address
        message["Subject"] = f"Nieuwe aanmelding opkoper: {dealer.name}"
        message.set_content(body)
        try:
            mail.send(message, settings)
        except DeliveryError as exc:
            log.warning("notice mail to the municipality failed: %s", exc)


# --- overview and the purchase register -----------------------------------------------


@bp.get("/")
def index() -> str:
    dealer = current_dealer()
    purchases = _purchases(dealer, 1, 10)
    held = held_entry_ids(db.session, [e.id for e in purchases])
    return render_template(
        "dealer/index.html", dealer=dealer, purchases=purchases, held=held,
        rules=rules_for(db.session, dealer.municipality_code), categories=CATEGORIES,
        counts=_counts(dealer),
    )  # fmt: skip


def _counts(dealer: Dealer) -> dict[str, int]:
    return {
        "purchases": db.session.scalar(
            select(func.count()).where(PurchaseEntry.dealer_id == dealer.id)
        ) or 0,
        "sales": db.session.scalar(select(func.count()).where(SaleEntry.dealer_id == dealer.id))
        or 0,
    }  # fmt: skip


def _purchases(dealer: Dealer, page: int, per_page: int = PER_PAGE) -> list[PurchaseEntry]:
    return list(
        db.session.scalars(
            select(PurchaseEntry)
            .where(PurchaseEntry.dealer_id == dealer.id)
            .order_by(PurchaseEntry.number.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    )


@bp.get("/inkoop")
def purchases() -> str:
    dealer, page = current_dealer(), _page()
    rows = _purchases(dealer, page)
    return render_template(
        "dealer/purchases.html", dealer=dealer, purchases=rows, page=page,
        held=held_entry_ids(db.session, [e.id for e in rows]), categories=CATEGORIES,
        more=len(rows) == PER_PAGE,
    )  # fmt: skip


def _purchase_form(corrects: PurchaseEntry | None = None) -> forms.PurchaseForm:
    form = forms.PurchaseForm()
    form.category.choices = [("", _("— kies —")), *_category_choices()]
    if corrects is not None and not form.is_submitted():
        _fill_from(form, corrects)
    return form


def _fill_from(form: forms.PurchaseForm, entry: PurchaseEntry) -> None:
    """A correction starts from the entry it corrects."""
    acquired = entry.acquired_at
    if acquired.tzinfo is None:
        acquired = acquired.replace(tzinfo=UTC)
    acquired = acquired.astimezone(LOCAL)
    form.acquired_date.data, form.acquired_time.data = acquired.date(), acquired.time()
    for name in ("category", "brand", "model", "colour", "description", "terms", "paid_in_cash"):
        getattr(form, name).data = getattr(entry, name)
    form.price.data = Decimal(entry.price_cents) / 100
    for name in ("surname", "first_names", "birth_date", "birth_place", "address", "id_type",
                 "id_number", "id_country"):  # fmt: skip
        getattr(form, f"seller_{name}").data = getattr(entry, f"seller_{name}") or ""
    seen: list[tuple[str, str]] = []
    for identifier in entry.identifiers:
        if identifier.position not in [p for p, _r in seen]:
            seen.append((identifier.position, identifier.raw))
    for n, (_position, raw) in enumerate(seen[: forms.IDENTIFIER_ROWS], start=1):
        getattr(form, f"number_{n}").data = raw
    form.corrects_number.data = str(entry.number)


@bp.get("/inkoop/nieuw")
def new_purchase() -> str:
    dealer = current_dealer()
    corrects_number = _number(request.args.get("corrigeert"))
    corrects = None
    if corrects_number is not None:
        corrects = _entry_or_404(dealer, corrects_number)
    return render_template(
        "dealer/purchase_form.html", dealer=dealer, form=_purchase_form(corrects),
        rules=rules_for(db.session, dealer.municipality_code), corrects=corrects,
    )  # fmt: skip


def _purchase_input(form: forms.PurchaseForm) -> reg.PurchaseInput:
    identifiers = tuple(
        (getattr(form, f"kind_{n}").data or "auto", getattr(form, f"number_{n}").data or "")
        for n in range(1, forms.IDENTIFIER_ROWS + 1)
    )
    photo = form.photo.data
    return reg.PurchaseInput(
        acquired_at=_local(form.acquired_date.data, form.acquired_time.data),
        category=form.category.data or "", description=form.description.data or "",
        price_cents=_cents(form.price.data), terms=form.terms.data or "",
        seller_surname=form.seller_surname.data or "",
        seller_first_names=form.seller_first_names.data or "",
        seller_birth_date=form.seller_birth_date.data,
        seller_birth_place=form.seller_birth_place.data or "",
        seller_address=form.seller_address.data or "", identifiers=identifiers,
        brand=form.brand.data or "", model=form.model.data or "", colour=form.colour.data or "",
        paid_in_cash=bool(form.paid_in_cash.data), seller_id_type=form.seller_id_type.data or "",
        seller_id_number=form.seller_id_number.data or "",
        seller_id_country=form.seller_id_country.data or "",
        photo=photo.read(reg.MAX_PHOTO + 1) if photo and hasattr(photo, "read") else None,
        corrects_number=_number(form.corrects_number.data),
        correction_reason=form.correction_reason.data or "",
    )  # fmt: skip


@bp.post("/inkoop")
def add_purchase() -> Any:
    dealer = current_dealer()
    form = _purchase_form()
    rules = rules_for(db.session, dealer.municipality_code)
    page = {"dealer": dealer, "form": form, "rules": rules, "corrects": None}
    if not form.validate_on_submit():
        return render_template("dealer/purchase_form.html", **page), 400
    try:
        entry = reg.record_purchase(
            db.session, dealer, _purchase_input(form), actor=current_user.actor
        )
    except reg.RegisterRefused as exc:
        db.session.rollback()
        return render_template(
            "dealer/purchase_form.html", **page, error=refusal_text(exc), error_field=exc.field
        ), 422
    db.session.commit()
    flash(_("Vastgelegd als inkoopregel %(number)s.", number=entry.number))
    return redirect(url_for("dealer.purchase", number=entry.number), code=303)


def _entry_or_404(dealer: Dealer, number: int) -> PurchaseEntry:
    try:
        return reg.purchase_by_number(db.session, dealer.id, number)
    except NotFound:
        abort(404)


@bp.get("/inkoop/<int:number>")
def purchase(number: int) -> str:
    dealer = current_dealer()
    entry = _entry_or_404(dealer, number)
    held = bool(held_entry_ids(db.session, [entry.id]))
    rules = rules_for(db.session, dealer.municipality_code)
    sales = db.session.scalars(
        select(SaleEntry).where(SaleEntry.purchase_entry_id == entry.id).order_by(SaleEntry.number)
    ).all()
    corrected_by = db.session.scalar(
        select(PurchaseEntry.number).where(
            PurchaseEntry.dealer_id == dealer.id, PurchaseEntry.corrects_number == number
        )
    )
    record(
        db.session, actor=current_user.actor, action="view_seller",
        subject=f"purchase:{entry.id}", reason="eigen inkoopregister",
    )  # fmt: skip
    db.session.commit()
    return render_template(
        "dealer/purchase.html", dealer=dealer, entry=entry, held=held, sales=sales,
        free_from=sellable_from(entry.acquired_at, entry.recorded_at, rules),
        corrected_by=corrected_by, categories=CATEGORIES,
    )  # fmt: skip


@bp.get("/inkoop/<int:number>/foto")
def photo(number: int) -> Any:
    entry = _entry_or_404(current_dealer(), number)
    if entry.photo is None:
        abort(404)
    headers = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}
    return Response(entry.photo, mimetype=entry.photo_type, headers=headers)


# The sales register, verification, export and API keys live beside this module.
from . import dealer_books  # noqa: E402, F401
