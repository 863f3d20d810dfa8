"""The citizen's web pages: the home page with one input, and the check result."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..extensions import limiter
from ..i18n import LANG_COOKIE
from ..matching import KINDS
from ..reference.data import CATEGORIES
from .api import guarded_check

bp = Blueprint("public", __name__)
MAX_QUERY = 100


@bp.get("/")
def home() -> str:
    return render_template("public/home.html", kinds=KINDS)


@bp.get("/controleren")
@limiter.limit(lambda: current_app.config["CHECK_RATE_LIMIT"])
def check() -> Any:
    query = request.args.get("q", "").strip()
    kind = request.args.get("kind", "auto")
    if kind not in ("auto", *KINDS):
        kind = "auto"
    if not query or len(query) > MAX_QUERY:
        return render_template(
            "public/home.html", kinds=KINDS, query=query, kind=kind,
            error="empty" if not query else "too_long",
        ), 400  # fmt: skip
    result = guarded_check(query, kind)
    return render_template("public/result.html", result=result, categories=CATEGORIES)


@bp.get("/taal/<lang>")
def set_language(lang: str) -> Any:
    """Switch the language and remember it; go back to a page of this site only."""
    target = request.args.get("next") or url_for("public.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for("public.home")
    response = redirect(target)
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )  # fmt: skip
    return response
