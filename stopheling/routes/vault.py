"""The vault's pages (/spullen): a resident's own items, files, theft sheet, export and import.

Only a logged-in citizen with a confirmed address gets in; every item and file is looked
up through the owner (the services answer NotFound for anyone else's, which becomes 404).
"""

from __future__ import annotations

import logging
from typing import Any

from apiflask import APIBlueprint
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import StophelingError
from ..extensions import db, limiter
from ..matching import KINDS
from ..reference.data import CATEGORIES
from ..stolen import scanning
from ..vault import service
from ..vault.crypto import VaultCipher
from ..vault.files import FileStore, check_upload
from ..vault.service import IdentifierInput, InvalidItem, ItemInput
from ..vault.sheet import euro
from . import vault_forms as forms
from .account import current_password_only
from .api import scan_settings
from .login import require_role

# An APIBlueprint (as apiflask expects of blueprints with hooks), out of the OpenAPI document.
bp = APIBlueprint("vault", __name__, url_prefix="/spullen", enable_openapi=False)
log = logging.getLogger(__name__)
_citizen = require_role("citizen")


@bp.before_request
def only_the_owner() -> Any:
    refused = _citizen() or current_password_only()
    if refused is not None:
        return refused
    if current_user.email_confirmed_at is None:
        return render_template("account/unconfirmed.html", form=forms.ActionForm())
    return None


@bp.url_value_preprocessor
def room_for_files(endpoint: str | None, _values: Any) -> None:
    """Room for a few photos in one form (each file has its own limit, checked in the
    view) and for an exported archive. Set here because URL preprocessors run before any
    before_request hook, and the app's hooks may read the form already."""
    config = current_app.config
    if endpoint == "vault.import_archive":
        request.max_content_length = config["VAULT_IMPORT_MAX_BYTES"]
    elif request.method == "POST":
        request.max_content_length = max(
            config["MAX_CONTENT_LENGTH"] or 0, config["VAULT_MAX_FILE_BYTES"] * 5 + 1024 * 1024
        )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error: Exception) -> Any:
    return render_template("vault/too_large.html", mb=_mb()), 413


def cipher() -> VaultCipher:
    ext = current_app.extensions
    if "vault_cipher" not in ext:
        ext["vault_cipher"] = VaultCipher.from_secret(current_app.config["VAULT_KEY"])
    return ext["vault_cipher"]  # type: ignore[no-any-return]


def store() -> FileStore:
    return FileStore(current_app.config["VAULT_FILES_DIR"])


def _mb() -> int:
    return int(current_app.config["VAULT_MAX_FILE_BYTES"] // (1024 * 1024))


def msg(code: str) -> str:
    return forms.message(code, mb=_mb())


def categories() -> list[tuple[str, str]]:
    index = 0 if str(get_locale() or "nl") == "nl" else 1
    return [(code, labels[index]) for code, labels in CATEGORIES.items()]


def _item(item_id: int) -> Any:
    return service.get_item(db.session, current_user, item_id)


# --- list and search --------------------------------------------------------------------


@bp.get("/")
def index() -> str:
    form = forms.SearchForm(request.args)
    form.category.choices = forms.choices([("", _("Alle soorten")), *categories()])
    query = (request.args.get("q") or "").strip()
    category = request.args.get("category") or ""
    items = service.list_items(
        db.session,
        cipher(),
        current_user,
        query=query,
        category=category if category in CATEGORIES else "",
    )
    return render_template(
        "vault/index.html",
        form=form,
        items=items,
        query=query,
        searching=bool(query or category),
        identifiers={i.id: service.identifiers_of(cipher(), i) for i in items},
        labels=dict(categories()),
        total=service.count_items(db.session, current_user),
        stolen=sum(1 for i in items if i.stolen),
    )


# --- add, scan, edit, delete ------------------------------------------------------------


def _item_form(**kwargs: Any) -> forms.ItemForm:
    form = forms.ItemForm(**kwargs)
    form.category.choices = forms.choices(categories())
    return form


def _input(form: forms.ItemForm) -> ItemInput:
    price = form.price.data
    return ItemInput(
        category=form.category.data or "overig",
        brand=form.brand.data or "",
        model=form.model.data or "",
        colour=form.colour.data or "",
        marks=form.marks.data or "",
        purchase_date=form.purchase_date.data,
        price_cents=None if price is None else int(round(price * 100)),
        shop=form.shop.data or "",
        notes=form.notes.data or "",
        identifiers=[
            IdentifierInput(row.form.text.data or "", row.form.kind.data or "auto")
            for row in form.identifiers
        ],
    )


def _uploads(form: forms.ItemForm) -> list[tuple[str, Any, str]]:
    """(role, checked upload, name) of every chosen file; raises on the first bad one."""
    limits = {
        "max_bytes": current_app.config["VAULT_MAX_FILE_BYTES"],
        "max_pixels": current_app.config["VAULT_MAX_PIXELS"],
    }
    out = []
    for role, name in (("photo", "photos"), ("receipt", "receipts")):
        for upload in request.files.getlist(name):
            if not upload or not upload.filename:
                continue
            data = upload.stream.read(limits["max_bytes"] + 1)
            try:
                out.append((role, check_upload(data, **limits), upload.filename))
            except StophelingError as exc:
                raise _FileRefused(exc.code, upload.filename, name) from exc
    return out


class _FileRefused(Exception):
    def __init__(self, code: str, filename: str, field: str) -> None:
        super().__init__(code)
        self.code, self.filename, self.field = code, filename, field


def _render_item_form(
    form: forms.ItemForm,
    item: Any = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    **extra: Any,
) -> Any:
    return render_template(
        "vault/form.html", form=form, item=item, errors=errors or {}, **extra
    ), status


@bp.get("/nieuw")
def new() -> Any:
    return _render_item_form(_item_form(formdata=None))


@bp.post("/nieuw")
def create() -> Any:
    form = _item_form()
    if "more" in request.form:
        form.identifiers.append_entry()
        return _render_item_form(form)
    if not form.validate():
        return _render_item_form(form, status=422)
    try:
        uploads = _uploads(form)
        item = service.create_item(db.session, cipher(), current_user, _input(form))
        names = _store(item, uploads)
    except _FileRefused as exc:
        db.session.rollback()
        return _render_item_form(
            form, errors={exc.field: msg(exc.code) + f" ({exc.filename})"}, status=_status(exc.code)
        )
    except InvalidItem as exc:
        db.session.rollback()
        return _render_item_form(form, errors=_messages(exc.errors), status=422)
    _commit_or_discard(names)
    flash(_("Opgeslagen."))
    return redirect(url_for("vault.item", item_id=item.id), code=303)


def _store(item: Any, uploads: list[tuple[str, Any, str]]) -> list[str]:
    names: list[str] = []
    try:
        for role, checked, filename in uploads:
            row = service.add_file(
                db.session, store(), item, role=role, checked=checked, original_name=filename
            )
            names.append(row.stored_name)
    except Exception:
        store().discard(names)
        raise
    return names


def _commit_or_discard(names: list[str]) -> None:
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        store().discard(names)
        raise


def _status(code: str) -> int:
    return {"file_too_large": 413, "image_bomb": 413, "file_type": 415, "file_empty": 415}.get(
        code, 422
    )


def _messages(errors: dict[str, str]) -> dict[str, str]:
    return {field: msg(code) for field, code in errors.items()}


@bp.post("/scannen")
@limiter.limit(lambda: current_app.config["SCAN_RATE_LIMIT"])
def scan() -> Any:
    """Read the identifiers on a photo of the label, box or *#06# screen into the form."""
    form = _item_form(formdata=None)
    photo = request.files.get("image")
    if photo is None or not photo.filename:
        return _render_item_form(form, scan_error=_("Kies eerst een foto."), status=400)
    data = photo.stream.read(current_app.config["SCAN_MAX_BYTES"] + 1)
    try:
        result = scanning.scan_and_check(db.session, data, **scan_settings())
    except StophelingError as exc:
        text = {"busy": _("Het is nu erg druk. Probeer het over een paar seconden opnieuw.")}.get(
            exc.code,
            _("Deze foto kunnen wij niet lezen. Gebruik een scherpe JPEG-, PNG- of WebP-foto."),
        )
        return _render_item_form(form, scan_error=text, status=exc.status)
    found = []
    for c in result["candidates"]:
        if c["kind"] in KINDS and (c["kind"], c["normalized"]) not in {(k, t) for k, t in found}:
            found.append((c["kind"], c["normalized"]))
    form = _item_form(
        formdata=None, data={"identifiers": [{"kind": k, "text": t} for k, t in found]}
    )
    while len(form.identifiers) < len(found) + 2:
        form.identifiers.append_entry()
    return _render_item_form(form, scanned=len(found))


@bp.get("/<int:item_id>")
def item(item_id: int) -> str:
    it = _item(item_id)
    return render_template(
        "vault/item.html",
        item=it,
        identifiers=service.identifiers_of(cipher(), it),
        labels=dict(categories()),
        euro=euro,
        upload=forms.UploadForm(formdata=None),
        action=forms.ActionForm(),
        case_form=forms.CaseForm(formdata=None, data={"police_case": it.police_case}),
    )


@bp.get("/<int:item_id>/bewerken")
def edit(item_id: int) -> Any:
    it = _item(item_id)
    idents = service.identifiers_of(cipher(), it)
    price = None if it.price_cents is None else it.price_cents / 100
    form = _item_form(
        formdata=None,
        obj=it,
        data={
            "identifiers": [{"kind": i["kind"], "text": i["text"]} for i in idents],
            "price": price,
        },
    )
    while len(form.identifiers) < len(idents) + 2:
        form.identifiers.append_entry()
    return _render_item_form(form, item=it)


@bp.post("/<int:item_id>/bewerken")
def update(item_id: int) -> Any:
    it = _item(item_id)
    form = _item_form()
    if "more" in request.form:
        form.identifiers.append_entry()
        return _render_item_form(form, item=it)
    if not form.validate():
        return _render_item_form(form, item=it, status=422)
    try:
        uploads = _uploads(form)
        service.update_item(db.session, cipher(), it, _input(form))
        names = _store(it, uploads)
    except _FileRefused as exc:
        db.session.rollback()
        return _render_item_form(
            form,
            item=it,
            status=_status(exc.code),
            errors={exc.field: msg(exc.code) + f" ({exc.filename})"},
        )
    except InvalidItem as exc:
        db.session.rollback()
        return _render_item_form(form, item=it, errors=_messages(exc.errors), status=422)
    _commit_or_discard(names)
    flash(_("Opgeslagen."))
    return redirect(url_for("vault.item", item_id=it.id), code=303)


@bp.post("/<int:item_id>/verwijderen")
def delete(item_id: int) -> Any:
    it = _item(item_id)
    names = service.delete_item(db.session, it)
    db.session.commit()
    store().discard(names)
    flash(_("Het voorwerp is verwijderd, met zijn foto's en bonnen."))
    return redirect(url_for("vault.index"), code=303)


# --- files ------------------------------------------------------------------------------


@bp.post("/<int:item_id>/bestanden")
def upload(item_id: int) -> Any:
    it = _item(item_id)
    form = forms.UploadForm()
    role = form.role.data if form.role.data in ("photo", "receipt") else "photo"
    limits = {
        "max_bytes": current_app.config["VAULT_MAX_FILE_BYTES"],
        "max_pixels": current_app.config["VAULT_MAX_PIXELS"],
    }
    checked = []
    for f in request.files.getlist("files"):
        if not f or not f.filename:
            continue
        try:
            checked.append(
                (role, check_upload(f.stream.read(limits["max_bytes"] + 1), **limits), f.filename)
            )
        except StophelingError as exc:
            return _item_page_error(it, msg(exc.code) + f" ({f.filename})", _status(exc.code))
    if not checked:
        return _item_page_error(it, _("Kies eerst een bestand."), 400)
    try:
        names = _store(it, checked)
    except StophelingError as exc:
        db.session.rollback()
        return _item_page_error(it, msg(exc.code), exc.status)
    _commit_or_discard(names)
    flash(_("Opgeslagen."))
    return redirect(url_for("vault.item", item_id=it.id), code=303)


def _item_page_error(it: Any, error: str, status: int) -> Any:
    return render_template(
        "vault/item.html",
        item=it,
        identifiers=service.identifiers_of(cipher(), it),
        labels=dict(categories()),
        euro=euro,
        upload=forms.UploadForm(),
        upload_error=error,
        action=forms.ActionForm(),
        case_form=forms.CaseForm(formdata=None, data={"police_case": it.police_case}),
    ), status


@bp.get("/<int:item_id>/bestanden/<int:file_id>")
def file(item_id: int, file_id: int) -> Response:
    row = service.get_file(db.session, current_user, item_id, file_id)
    try:
        data = store().read(row.stored_name)
    except OSError:
        log.exception("vault file %s is missing on disk", row.stored_name)
        abort(404)
    disposition = "inline" if row.content_type.startswith("image/") else "attachment"
    name = f"{row.role}-{row.id}{_ext(row.content_type)}"
    response = Response(data, mimetype=row.content_type)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _ext(content_type: str) -> str:
    from ..vault.files import EXTENSIONS

    return EXTENSIONS.get(content_type, "")


@bp.post("/<int:item_id>/bestanden/<int:file_id>/verwijderen")
def delete_file(item_id: int, file_id: int) -> Any:
    row = service.get_file(db.session, current_user, item_id, file_id)
    name = service.delete_file(db.session, row)
    db.session.commit()
    store().discard([name])
    flash(_("Het bestand is verwijderd."))
    return redirect(url_for("vault.item", item_id=item_id), code=303)


# The theft and export routes live beside this module, on this blueprint.
from . import vault_archive, vault_theft  # noqa: E402, F401
