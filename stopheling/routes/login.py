"""Login and logout for people with an account (police officers, administrators, …).

``require_role`` is the one place where page access by role is decided; what a role may
see inside (its own unit only) is decided by the services, which answer NotFound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from ..accounts.models import User
from ..accounts.users import authenticate
from ..extensions import db, limiter, login_manager

bp = Blueprint("login", __name__)
HOME_OF_ROLE = {
    "police": "police.inbox", "admin": "admin.index", "citizen": "vault.index",
    "dealer": "dealer.index", "municipality": "municipality.dealers", "boa": "inspection.index",
}  # fmt: skip


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def require_role(*roles: str) -> Callable[[], Any]:
    """A before_request hook: log in first, then 403 for the wrong role."""

    def check() -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("login.form", next=request.full_path))
        if current_user.role not in roles:
            abort(403)
        return None

    return check


@bp.get("/inloggen")
def form() -> str:
    return render_template("auth/login.html", next=request.args.get("next", ""))


@bp.post("/inloggen")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def submit() -> Any:
    user = authenticate(db.session, request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        page = render_template(
            "auth/login.html",
            error=True,
            email=request.form.get("email", ""),
            next=request.form.get("next", ""),
        )
        return page, 401
    db.session.commit()
    session.clear()  # no data from before the login carries over
    login_user(user)
    return redirect(
        _safe_next(request.form.get("next")) or url_for(HOME_OF_ROLE.get(user.role, "public.home"))
    )


@bp.post("/uitloggen")
def logout() -> Any:
    logout_user()
    session.clear()
    return redirect(url_for("public.home"))


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
