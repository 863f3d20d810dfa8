"""Domain errors and HTTP errors become answers at the edge: JSON in the contract's shape
under /api/, a plain page elsewhere. Never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from apiflask import APIFlask, HTTPError
from flask import Response, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..errors import Busy, StophelingError

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "unprocessable", 429: "rate_limited", 500: "internal_error", 503: "unavailable",
}  # fmt: skip
_MESSAGES = {
    404: "There is nothing at this address.",
    405: "This method is not allowed here.",
    413: "The request is too large.",
    429: "Too many requests: wait a moment and try again.",
    500: "Something went wrong on our side. Try again later.",
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "machine-readable, snake_case"},
                "message": {"type": "string", "description": "a sentence a person can act on"},
            },
        }
    },
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def respond(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Any:
    if wants_json():
        response = jsonify(error_body(code, message))
    else:
        page = render_template(
            "errors/error.html", status=status, message=_localized(status, message)
        )
        response = Response(page, mimetype="text/html")
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _localized(status: int, message: str) -> str:
    pages = {
        404: _("Deze pagina bestaat niet."),
        429: _("U doet te veel verzoeken achter elkaar. Wacht even en probeer het opnieuw."),
        500: _("Er ging bij ons iets mis. Probeer het later opnieuw."),
    }
    return pages.get(status, message)


def _validation_message(detail: dict[str, Any]) -> str:
    parts = []
    for location in detail.values():
        if isinstance(location, dict):
            for field, messages in location.items():
                text = (
                    "; ".join(str(m) for m in messages) if isinstance(messages, list) else messages
                )
                parts.append(f"{field}: {text}")
    return " ".join(parts) or "The request is not valid."


def register(app: APIFlask) -> None:
    app.config["HTTP_ERROR_SCHEMA"] = ERROR_SCHEMA
    app.config["VALIDATION_ERROR_SCHEMA"] = ERROR_SCHEMA

    @app.error_processor
    def api_error(error: HTTPError) -> Any:  # validation errors and abort()
        if error.detail:
            return respond(error.status_code, "invalid_request", _validation_message(error.detail))
        code = error.extra_data.get("code") or _CODES.get(error.status_code, "error")
        return respond(error.status_code, code, error.message or "", error.headers)

    @app.errorhandler(StophelingError)
    def domain_error(error: StophelingError) -> Any:
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Busy) else None
        return respond(error.status, error.code, error.message, headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        message = _MESSAGES.get(status) or error.description or ""
        headers = {}
        if status == 429:
            headers["Retry-After"] = _retry_after(error)
        valid_methods = getattr(error, "valid_methods", None)
        if status == 405 and valid_methods:
            headers["Allow"] = ", ".join(valid_methods)
        return respond(status, _CODES.get(status, "error"), message, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500, "internal_error", _MESSAGES[500])


def _retry_after(error: HTTPException) -> str:
    limit = getattr(error, "limit", None)
    seconds = 60
    if limit is not None and hasattr(limit, "limit"):
        seconds = int(limit.limit.get_expiry())
    return str(seconds)
