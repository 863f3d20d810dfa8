"""The municipality's pages (/gemeente): the dealers that trade in it, and the decision on
a dealer's notice (approve or reject). Officers see only their own municipality's dealers;
another municipality's dealer is 404, the same as a missing one."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..dealers import oversight, service
from ..dealers.models import DEALER_STATUSES
from ..errors import NotFound, StophelingError, Unprocessable
from ..extensions import db
from ..reference.data import CATEGORIES
from ..stolen.models import utcnow
from .dealer_forms import DecisionForm
from .login import require_role
from .oversight_forms import (
    AuditFilterForm,
    GrantForm,
    RegisterSettingsForm,
    SuspendForm,
    choices,
)

# An APIBlueprint only so that apiflask accepts a blueprint-wide before_request hook;
# these are HTML pages and stay out of the OpenAPI document.
bp = APIBlueprint("municipality", __name__, url_prefix="/gemeente", enable_openapi=False)
bp.before_request(require_role("municipality"))


def municipality_code() -> str:
    return str(current_user.municipality_code)


@bp.get("/handelaren")
def dealers() -> str:
    status = request.args.get("status", "")
    rows = service.dealers_of_municipality(
        db.session, municipality_code(), status if status in DEALER_STATUSES else None
    )
    pending = [d for d in rows if d.status == "pending"]
    others = [d for d in rows if d.status != "pending"]
    return render_template(
        "municipality/dealers.html", pending=pending, others=others, status=status,
        statuses=DEALER_STATUSES, form=DecisionForm(formdata=None), categories=CATEGORIES,
    )  # fmt: skip


@bp.post("/handelaren/<int:dealer_id>/besluit")
def decide_dealer(dealer_id: int) -> Any:
    try:
        dealer = service.dealer_in_municipality(db.session, dealer_id, municipality_code())
    except NotFound:
        abort(404)
    form = DecisionForm()
    decision = request.form.get("decision")
    if not form.validate_on_submit() or decision not in ("approve", "reject"):
        abort(400)
    try:
        service.decide_dealer(
            db.session, dealer, approve=decision == "approve", actor=current_user.actor,
            note=form.note.data or "",
        )  # fmt: skip
    except Unprocessable:
        db.session.rollback()
        flash(_("Over deze handelaar is al besloten."))
        return redirect(url_for("municipality.dealers"), code=303)
    db.session.commit()
    if decision == "approve":
        flash(_("%(name)s is goedgekeurd en kan het register gebruiken.", name=dealer.name))
    else:
        flash(_("De aanmelding van %(name)s is afgewezen.", name=dealer.name))
    return redirect(url_for("municipality.dealers"), code=303)


# --- oversight (issue 6, B2): suspension, register settings, compliance, BOAs, audit log -----


def _code() -> str:
    return str(current_user.municipality_code)


@bp.get("/handelaren/<int:dealer_id>/schorsen")
def suspend_form(dealer_id: int) -> str:
    found = service.dealer_in_municipality(db.session, dealer_id, _code())
    return render_template("municipality/suspend.html", dealer=found, form=SuspendForm())


@bp.post("/handelaren/<int:dealer_id>/schorsen")
def suspend_dealer(dealer_id: int) -> Any:
    found = service.dealer_in_municipality(db.session, dealer_id, _code())
    form = SuspendForm()
    if not form.validate():
        return render_template("municipality/suspend.html", dealer=found, form=form), 422
    return _set_status(found, "suspended", form.note.data, _("%(name)s is geschorst."))


@bp.post("/handelaren/<int:dealer_id>/herstellen")
def reinstate_dealer(dealer_id: int) -> Any:
    found = service.dealer_in_municipality(db.session, dealer_id, _code())
    note = request.form.get("note", "").strip() or "schorsing opgeheven"
    return _set_status(found, "approved", note, _("De schorsing van %(name)s is opgeheven."))


def _set_status(found: Any, status: str, note: str, done: str) -> Any:
    try:
        service.set_dealer_status(db.session, found, status, actor=current_user.actor, note=note)
    except StophelingError:
        db.session.rollback()
        flash(_("Dat kan niet bij de huidige status van %(name)s.", name=found.name))
        return redirect(url_for("municipality.dealers"), code=303)
    db.session.commit()
    flash(done % {"name": found.name})
    return redirect(url_for("municipality.dealers"), code=303)


@bp.get("/instellingen")
def settings() -> str:
    saved = oversight.register_settings(db.session, _code())
    form = RegisterSettingsForm(obj=saved)
    return render_template("municipality/settings.html", form=form, saved=saved)


@bp.post("/instellingen")
def save_settings() -> Any:
    form = RegisterSettingsForm()
    if not form.validate():
        saved = oversight.register_settings(db.session, _code())
        return render_template("municipality/settings.html", form=form, saved=saved), 422
    data = oversight.SettingsInput(
        hold_period=form.hold_period.data,
        hold_unit=form.hold_unit.data,
        sales_register_required=form.sales_register_required.data,
        id_required_for_all_sellers=form.id_required_for_all_sellers.data,
        photo_required_without_number=form.photo_required_without_number.data,
    )
    oversight.save_register_settings(db.session, _code(), data, actor=current_user.actor)
    db.session.commit()
    flash(_("De regels zijn opgeslagen. Ze gelden voor elke nieuwe regel in de registers."))
    return redirect(url_for("municipality.settings"), code=303)


@bp.get("/naleving")
def compliance() -> str:
    weeks = request.args.get("weken", "")
    config = current_app.config
    figures = oversight.compliance(
        db.session,
        _code(),
        now=utcnow(),
        weeks=int(weeks) if weeks.isdigit() else config["COMPLIANCE_WEEKS"],
        late_hours=config["REGISTER_LATE_HOURS"],
    )
    return render_template("municipality/compliance.html", figures=figures)


@bp.get("/boas")
def boas() -> str:
    return _boas_page()


def _boas_page(status: int = 200, failed: Any = None) -> Any:
    found = oversight.boas(db.session, _code())
    forms = {b.user.id: GrantForm(prefix=f"boa{b.user.id}", formdata=None) for b in found}
    if failed is not None:
        forms[failed[0]] = failed[1]
    history = oversight.grant_history(db.session, _code())
    page = render_template("municipality/boas.html", boas=found, forms=forms, history=history)
    return page, status


@bp.post("/boas/<int:user_id>/toegang")
def grant_boa(user_id: int) -> Any:
    form = GrantForm(prefix=f"boa{user_id}")
    if not form.validate():
        oversight.get_boa(db.session, _code(), user_id)  # 404 for another municipality's BOA
        return _boas_page(422, (user_id, form))
    grant = oversight.grant_access(
        db.session, _code(), user_id, domain=form.domain.data or "", basis=form.basis.data,
        actor=current_user.actor,
    )  # fmt: skip
    db.session.commit()
    flash(_("%(who)s heeft nu toegang tot de registers.", who=grant.user.email))
    return redirect(url_for("municipality.boas"), code=303)


@bp.post("/boas/<int:user_id>/intrekken")
def revoke_boa(user_id: int) -> Any:
    oversight.revoke_access(db.session, _code(), user_id, actor=current_user.actor)
    db.session.commit()
    flash(_("De toegang is ingetrokken."))
    return redirect(url_for("municipality.boas"), code=303)


AUDIT_ACTIONS = {
    "view_seller": _l("verkoper ingezien"),
    "view_buyer": _l("koper ingezien"),
    "search_identifier": _l("gezocht op nummer van een goed"),
    "search_seller_id": _l("gezocht op identiteitsbewijs"),
    "erase_seller": _l("verkopergegevens gewist"),
    "erase_buyer": _l("kopergegevens gewist"),
}


@bp.get("/auditlog")
def audit() -> str:
    form = AuditFilterForm(request.args)
    officers = oversight.audit_officers(db.session, _code())
    form.officer.choices = choices([("", _("Iedereen"))] + [(str(u.id), u.email) for u in officers])
    valid = form.validate()
    officer = request.args.get("officer", "")
    page = request.args.get("pagina", "1")
    rows, more = oversight.audit_log(
        db.session,
        _code(),
        since=form.since.data if valid else None,
        until=form.until.data if valid else None,
        officer=int(officer) if officer.isdigit() else None,
        page=int(page) if page.isdigit() and int(page) < 100_000 else 1,
    )
    filters = {k: v for k, v in request.args.items() if k in ("since", "until", "officer") and v}
    return render_template(
        "municipality/audit.html", form=form, rows=rows, more=more, actions=AUDIT_ACTIONS,
        page=int(page) if page.isdigit() else 1, filters=filters,
    )  # fmt: skip
