"""Request ids and structured logs.

Every answer carries ``X-Request-ID`` (the caller's, when it is a sane token, else a new
one), and every log line written while handling the request carries it too, so that a
citizen's or an app's complaint can be traced. In production the logs are JSON lines.
Identifiers and plates are personal data: nothing here logs query strings or bodies.
"""

from __future__ import annotations

import json
import logging
import re
import uuid

from flask import Flask, Response, g, has_request_context, request

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def register(app: Flask) -> None:
    @app.before_request
    def assign_request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def return_request_id(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        return response

    configure_logging(json_lines=app.config.get("LOG_FORMAT") == "json")


def configure_logging(*, json_lines: bool) -> None:
    """One handler on the stopheling logger; JSON lines or a readable text line."""
    logger = logging.getLogger("stopheling")
    if any(getattr(h, "stopheling", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.stopheling = True  # type: ignore[attr-defined]
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
