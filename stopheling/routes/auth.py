"""Token authentication for the API: police systems (Bearer) and apps (X-API-Key)."""

from __future__ import annotations

from typing import Any

from apiflask import HTTPTokenAuth
from flask import request

from ..accounts.models import ApiToken
from ..accounts.tokens import find_token
from ..extensions import db
from .errors import respond

police_auth = HTTPTokenAuth(
    scheme="Bearer", description="A police unit's token (stopheling create-token)."
)


@police_auth.verify_token
def _verify_police(token: str) -> ApiToken | None:
    return find_token(db.session, token, "police")


@police_auth.error_processor
def _police_auth_error(error: Any) -> Any:
    return respond(
        401, "unauthorized", "A valid police token is required (Authorization: Bearer …)."
    )


def current_police_unit() -> str:
    token: ApiToken = police_auth.current_user
    assert token.police_unit_code is not None
    return token.police_unit_code


def police_actor() -> str:
    token: ApiToken = police_auth.current_user
    return f"token:{token.id}"


def app_key() -> ApiToken | None:
    """The app key in X-API-Key, if valid (cached on the request)."""
    cache = request.environ.setdefault("stopheling.app_key", {})
    if "token" not in cache:
        cache["token"] = find_token(db.session, request.headers.get("X-API-Key"), "app")
    return cache["token"]  # type: ignore[no-any-return]
