"""The scan page: take or choose a photo, see what was read, where, and whether it is stolen."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from ..errors import StophelingError
from ..extensions import db, limiter
from ..reference.data import CATEGORIES
from ..stolen import scanning
from .api import read_upload, scan_settings

bp = Blueprint("scan", __name__)


@bp.get("/scannen")
def form() -> str:
    return render_template("scan/form.html")


@bp.post("/scannen")
@limiter.limit(lambda: current_app.config["SCAN_RATE_LIMIT"])
def upload() -> Any:
    photo = request.files.get("image")
    if photo is None or not photo.filename:
        return render_template("scan/form.html", error="missing"), 400
    try:
        data = read_upload(photo)
        result = scanning.scan_and_check(db.session, data, **scan_settings())
    except StophelingError as exc:
        return render_template("scan/form.html", error=exc.code), exc.status
    preview = scanning.preview(data) if result["candidates"] else None
    return render_template(
        "scan/result.html", result=result, preview=preview, categories=CATEGORIES
    )
