"""Security headers on every response (issue: production readiness).

The pages load scripts and styles only from this site and never inline scripts;
photos on the scan result are data: URLs. The API's browsable docs page (Swagger UI)
is the one exception: it loads its assets from a CDN with an inline bootstrap script,
and shows no personal data.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request

from .errors import InvalidInput

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


# Endpoints whose text goes only through the matching core, which removes control
# characters itself (matching.md P2); everywhere else a NUL byte is refused at the edge.
NUL_ALLOWED = {"api.check", "public.check"}


class StrictRequest(Request):
    """Hostile input refused at the edge instead of failing deep inside (500).

    JSON bodies with a NUL character or a lone surrogate (``"\\ud800"``) are not valid
    text: PostgreSQL cannot store a NUL and no database can encode a lone surrogate, so
    such a body is invalid JSON (400)."""

    def __init__(self, environ: Any, *args: Any, **kwargs: Any) -> None:
        # A raw non-ASCII byte in the query string (not percent-encoded) would make
        # werkzeug's UTF-8 decoding of the arguments fail (500): encode it as %XX, which
        # decodes as any invalid escape does (to U+FFFD).
        query = environ.get("QUERY_STRING", "")
        if not query.isascii():
            environ["QUERY_STRING"] = "".join(
                c if c.isascii() else f"%{ord(c) & 0xFF:02X}" for c in query
            )
        super().__init__(environ, *args, **kwargs)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        value = super().get_json(force=force, silent=silent, cache=cache)
        if value is None or _clean(value):
            return value
        if silent:
            return None
        return self.on_json_loading_failed(ValueError("a NUL character or a lone surrogate"))


def _clean(value: Any) -> bool:
    if isinstance(value, str):
        return _encodable(value)
    if isinstance(value, dict):
        return all(_clean(k) and _clean(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_clean(v) for v in value)
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def refuse_nul_bytes() -> None:
    """400 for a NUL byte in the path, a query parameter or a form field (not in files)."""
    if request.endpoint in NUL_ALLOWED:
        return
    fields = [request.path, *(v for _, values in request.args.lists() for v in values)]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data",
    ):  # fmt: skip
        fields += (v for _, values in request.form.lists() for v in values)
    if any("\x00" in field for field in fields):
        raise InvalidInput("The request contains a NUL character.", code="invalid_characters")


def register(app: Flask) -> None:
    production = app.config.get("ENV_NAME") == "production"
    app.request_class = StrictRequest
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def headers(response: Response) -> Response:
        docs = request.path == "/api/v1/docs"
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(self), geolocation=(), microphone=()"
        )
        if production:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        if request.path.startswith("/api/") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
