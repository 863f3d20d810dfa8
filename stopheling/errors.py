"""Domain exceptions. The web layer turns them into HTTP answers (see routes/errors.py).

Kept free of Flask so that the matching and scan cores can raise them.
"""

from __future__ import annotations


class StophelingError(Exception):
    """Base class: ``code`` is the machine-readable error code of the API contract."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(StophelingError):
    status = 400
    code = "invalid_input"


class Unprocessable(StophelingError):
    status = 422
    code = "unprocessable"


class NotFound(StophelingError):
    status = 404
    code = "not_found"


class NotAllowed(StophelingError):
    status = 403
    code = "forbidden"


class Conflict(StophelingError):
    status = 409
    code = "conflict"


class TooLarge(StophelingError):
    status = 413
    code = "too_large"


class UnsupportedMedia(StophelingError):
    status = 415
    code = "unsupported_media_type"


class Busy(StophelingError):
    """Capacity is full; retry after ``retry_after`` seconds."""

    status = 503
    code = "busy"

    def __init__(self, message: str, *, retry_after: int = 5, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


# Image errors raised by stopheling.scan.loader
class ImageError(StophelingError):
    status = 422
    code = "broken_image"


class ImageTooLarge(TooLarge):
    code = "image_too_large"


class NotAnImage(UnsupportedMedia):
    code = "not_an_image"


class Unavailable(StophelingError):
    """A dependency (the database) is down."""

    status = 503
    code = "unavailable"
