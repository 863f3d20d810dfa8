"""Residents' accounts: register, confirm the address by mail, reset a forgotten password,
change name, address and password, delete the account with everything in it.

Links in mails are built on PUBLIC_BASE_URL, never on the request's Host header (a forged
Host must not put an attacker's address in a reset mail). Pages never tell whether an
address has an account.
"""

from __future__ import annotations

import logging
from typing import Any

from apiflask import APIBlueprint
from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..accounts import audit, registration
from ..accounts import mail as account_mail
from ..errors import Unprocessable
from ..extensions import db, limiter
from ..reports.delivery import DeliveryError
from ..vault import service as vault_service
from ..vault.files import FileStore
from . import vault_forms as forms
from .login import require_role

# An APIBlueprint (as apiflask expects of blueprints with hooks), out of the OpenAPI document.
bp = APIBlueprint("account", __name__, enable_openapi=False)
log = logging.getLogger(__name__)
_citizen = require_role("citizen")
PASSWORD_STAMP = "pw_stamp"  # noqa: S105 - a session key, not a password
ACCOUNT_PAGES = {
    "account.settings",
    "account.change_name",
    "account.change_email",
    "account.change_password",
    "account.delete",
}


def _limit() -> str:
    return str(current_app.config["ACCOUNT_RATE_LIMIT"])


@bp.before_request
def citizens_only() -> Any:
    if request.endpoint in ACCOUNT_PAGES:
        return _citizen() or current_password_only()
    return None


def current_password_only() -> Any:
    """End a session whose password was changed since (elsewhere, or by a reset link).

    The session remembers a digest of the password hash from its first page after the
    login (the login leads residents straight to their vault)."""
    stamp = registration.password_fingerprint(current_user)
    if session.setdefault(PASSWORD_STAMP, stamp) == stamp:
        return None
    logout_user()
    session.clear()
    flash(_("Uw wachtwoord is gewijzigd. Log opnieuw in."))
    return redirect(url_for("login.form"))


def _restamp() -> None:
    session[PASSWORD_STAMP] = registration.password_fingerprint(current_user)


def _link(endpoint: str, **values: Any) -> str:
    base = str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/")
    return base + url_for(endpoint, **values)


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


def _send(message: Any) -> bool:
    """Send now; False (and a log line) when the mail server refuses or is down."""
    try:
        account_mail.send(message, account_mail.settings_from(current_app.config))
    except DeliveryError as exc:
        log.warning("account mail not sent: %s", exc)
        return False
    return True


def _send_confirmation(user: Any, email: str | None = None) -> bool:
    token = registration.confirmation_token(_secret(), user, email)
    settings = account_mail.settings_from(current_app.config)
    link = _link("account.confirm", token=token)
    return _send(account_mail.confirmation_mail(settings, email or user.email, link))


# --- register and confirm ---------------------------------------------------------------


@bp.get("/registreren")
def register_form() -> str:
    return render_template("account/register.html", form=forms.RegisterForm(), error=None)


@bp.post("/registreren")
@limiter.limit(_limit)
def register() -> Any:
    form = forms.RegisterForm()
    if not form.validate():
        return render_template("account/register.html", form=form, error=None), 422
    try:
        outcome = registration.register(
            db.session, email=form.email.data, password=form.password.data, name=form.name.data
        )
    except Unprocessable as exc:
        db.session.rollback()
        return render_template(
            "account/register.html", form=form, error=forms.message(exc.code)
        ), 422
    db.session.commit()
    if outcome.new:
        sent = _send_confirmation(outcome.user)
    else:
        settings = account_mail.settings_from(current_app.config)
        sent = _send(
            account_mail.already_registered_mail(
                settings, outcome.user.email, _link("login.form"), _link("account.forgot_form")
            )
        )
    return render_template(
        "account/check_mail.html",
        email=outcome.user.email,
        sent=sent,
        form=forms.EmailForm(formdata=None),
    )


@bp.get("/account/bevestigen/<token>")
def confirm(token: str) -> Any:
    try:
        user = registration.confirm(db.session, _secret(), token)
    except Unprocessable as exc:
        db.session.rollback()
        return render_template(
            "account/link_problem.html",
            error=forms.message(exc.code),
            form=forms.EmailForm(formdata=None),
        ), 400
    db.session.commit()
    if current_user.is_authenticated and current_user.id == user.id:
        flash(_("Uw e-mailadres is bevestigd."))
        return redirect(url_for("vault.index"), code=303)
    return render_template("account/confirmed.html", email=user.email)


@bp.post("/account/bevestiging-opnieuw")
@limiter.limit(_limit)
def resend() -> Any:
    """Send the confirmation again: to the logged-in resident, or to the address given."""
    form = forms.EmailForm()
    if current_user.is_authenticated and current_user.role == "citizen":
        user = current_user
    else:
        if not form.validate():
            return render_template("account/check_mail.html", email="", sent=False, form=form), 422
        user = registration.find_by_email(db.session, form.email.data)
    sent = True
    if user is not None and user.role == "citizen" and user.email_confirmed_at is None:
        sent = _send_confirmation(user)
    email = user.email if user is not None else form.email.data
    return render_template(
        "account/check_mail.html",
        email=email,
        sent=sent,
        resent=True,
        form=forms.EmailForm(formdata=None),
    )


# --- forgotten password -----------------------------------------------------------------


@bp.get("/wachtwoord-vergeten")
def forgot_form() -> str:
    return render_template("account/forgot.html", form=forms.EmailForm(), sent=None)


@bp.post("/wachtwoord-vergeten")
@limiter.limit(_limit)
def forgot() -> Any:
    form = forms.EmailForm()
    if not form.validate():
        return render_template("account/forgot.html", form=form, sent=None), 422
    user = registration.find_by_email(db.session, form.email.data)
    sent = True
    if user is not None and user.active:
        token = registration.reset_token(_secret(), user)
        settings = account_mail.settings_from(current_app.config)
        sent = _send(
            account_mail.reset_mail(settings, user.email, _link("account.reset", token=token))
        )
    return render_template("account/forgot.html", form=form, sent=sent)


@bp.get("/wachtwoord-herstellen/<token>")
def reset_form(token: str) -> Any:
    try:
        registration.user_for_reset(db.session, _secret(), token)
    except Unprocessable as exc:
        return render_template(
            "account/link_problem.html",
            error=forms.message(exc.code),
            reset=True,
            form=forms.EmailForm(formdata=None),
        ), 400
    return render_template("account/reset.html", form=forms.ResetForm(), token=token, error=None)


@bp.post("/wachtwoord-herstellen/<token>")
@limiter.limit(_limit)
def reset(token: str) -> Any:
    form = forms.ResetForm()
    if not form.validate():
        return render_template("account/reset.html", form=form, token=token, error=None), 422
    try:
        user = registration.reset_password(db.session, _secret(), token, form.password.data)
    except Unprocessable as exc:
        db.session.rollback()
        page = "account/reset.html" if exc.code in ("weak_password", "long_password") else None
        if page:
            return render_template(page, form=form, token=token, error=forms.message(exc.code)), 422
        return render_template(
            "account/link_problem.html",
            error=forms.message(exc.code),
            reset=True,
            form=forms.EmailForm(formdata=None),
        ), 400
    db.session.commit()
    session.clear()
    login_user(user)
    _restamp()
    flash(_("Uw nieuwe wachtwoord is ingesteld."))
    return redirect(url_for("vault.index" if user.role == "citizen" else "public.home"), code=303)


# --- the resident's own settings --------------------------------------------------------


def _settings(status: int = 200, **errors: str) -> Any:
    return render_template(
        "account/settings.html",
        name_form=forms.ChangeNameForm(
            formdata=None, data={"name": current_user.name}, prefix="name"
        ),
        email_form=forms.ChangeEmailForm(formdata=None, prefix="email"),
        password_form=forms.ChangePasswordForm(formdata=None, prefix="pw"),
        delete_form=forms.DeleteAccountForm(formdata=None, prefix="delete"),
        errors=errors,
        items=vault_service.count_items(db.session, current_user),
    ), status


@bp.get("/account")
def settings() -> Any:
    return _settings()


@bp.post("/account/naam")
def change_name() -> Any:
    form = forms.ChangeNameForm(prefix="name")
    try:
        registration.change_name(db.session, current_user, form.name.data or "")
    except Unprocessable as exc:
        db.session.rollback()
        return _settings(422, name=forms.message(exc.code))
    db.session.commit()
    flash(_("Uw naam is opgeslagen."))
    return redirect(url_for("account.settings"), code=303)


@bp.post("/account/e-mail")
@limiter.limit(_limit)
def change_email() -> Any:
    form = forms.ChangeEmailForm(prefix="email")
    if not form.validate():
        return _settings(422, email=forms.message("invalid_email"))
    try:
        email = registration.request_email_change(
            db.session, current_user, new_email=form.email.data, password=form.password.data
        )
    except Unprocessable as exc:
        return _settings(422, email=forms.message(exc.code))
    if not _send_confirmation(current_user, email):
        return _settings(503, email=forms.message("mail_failed"))
    flash(
        _(
            "Wij hebben een link gestuurd naar %(email)s. "
            "Uw e-mailadres verandert zodra u die link opent.",
            email=email,
        )
    )
    return redirect(url_for("account.settings"), code=303)


@bp.post("/account/wachtwoord")
@limiter.limit(_limit)
def change_password() -> Any:
    form = forms.ChangePasswordForm(prefix="pw")
    try:
        registration.change_password(
            db.session, current_user, current=form.current.data or "", new=form.new.data or ""
        )
    except Unprocessable as exc:
        db.session.rollback()
        return _settings(422, password=forms.message(exc.code))
    db.session.commit()
    _restamp()
    flash(_("Uw nieuwe wachtwoord is opgeslagen."))
    return redirect(url_for("account.settings"), code=303)


@bp.post("/account/verwijderen")
@limiter.limit(_limit)
def delete() -> Any:
    form = forms.DeleteAccountForm(prefix="delete")
    try:
        registration.verify_password(current_user, form.password.data or "")
    except Unprocessable as exc:
        return _settings(422, delete=forms.message(exc.code))
    actor = current_user.actor
    names = vault_service.delete_account(db.session, current_user._get_current_object())
    audit.record(
        db.session,
        actor=actor,
        action="account_deleted",
        subject=actor,
        reason="the resident deleted their account and vault",
    )
    db.session.commit()
    FileStore(current_app.config["VAULT_FILES_DIR"]).discard(names)
    logout_user()
    session.clear()
    return render_template("account/deleted.html")
