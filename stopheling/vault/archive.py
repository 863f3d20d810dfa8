"""The owner's data is theirs: export the vault as a zip, import such a zip again.

The zip holds ``items.json`` (everything, the format to import), ``items.csv`` (the same
for a spreadsheet) and ``files/`` (photos and receipts). An import is checked completely
before anything is stored: the zip's size and entry count, each entry's real (not only
declared) size and compression ratio (zip bombs), names (no absolute paths, no ``..``),
the JSON's shape, every item by the same rules as the form, and every file by its content.
Any problem gives one clear message and stores nothing.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy.orm import Session

from ..accounts.models import User
from ..errors import StophelingError, Unprocessable
from .crypto import VaultCipher
from .files import EXTENSIONS, Checked, FileStore, check_upload
from .models import FILE_ROLES, VaultItem
from .service import (
    MAX_FILES_PER_ITEM,
    IdentifierInput,
    InvalidItem,
    ItemInput,
    add_file,
    create_item,
    identifiers_of,
    mark_stolen,
    validate,
)

log = logging.getLogger(__name__)
FORMAT = "stopheling-vault"
VERSION = 1
MAX_ENTRIES = 2000
MAX_ITEMS = 1000
MAX_JSON_BYTES = 20 * 1024 * 1024
MAX_RATIO = 200  # uncompressed/compressed; photos and PDFs barely compress
CSV_FIELDS = [
    "nummer", "soort", "merk", "type", "kleur", "nummers", "kenmerken", "gekocht_op", "prijs",
    "winkel", "opmerkingen", "gestolen_op", "gestolen_plaats", "gestolen_hoe",
    "zaaknummer_politie", "bestanden",
]  # fmt: skip


class ImportProblem(Unprocessable):
    """Why an import was refused: ``code``, and where (``item``: 1-based, ``detail``)."""

    code = "import_invalid"

    def __init__(self, code: str, *, item: int | None = None, detail: str = "") -> None:
        where = f" (item {item})" if item else ""
        super().__init__(
            f"The archive cannot be imported: {code}{where} {detail}".strip(), code=code
        )
        self.item = item
        self.detail = detail


# --- export -----------------------------------------------------------------------------


def export_zip(cipher: VaultCipher, store: FileStore, owner: User, items: list[VaultItem]) -> bytes:
    out = io.BytesIO()
    documents = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for n, item in enumerate(items, start=1):
            files = []
            for m, f in enumerate(item.files, start=1):
                path = f"files/{n:04d}-{m:02d}-{f.role}{EXTENSIONS.get(f.content_type, '')}"
                try:
                    content = store.read(f.stored_name)
                except OSError:  # lost on disk: export the rest rather than nothing
                    log.exception("vault export: file %s is missing", f.stored_name)
                    continue
                zf.writestr(zipfile.ZipInfo(path, _stamp(f.created_at)), content)
                files.append({"role": f.role, "path": path, "content_type": f.content_type,
                              "original_name": f.original_name})  # fmt: skip
            documents.append(_document(cipher, item, files))
        body = {"format": FORMAT, "version": VERSION, "owner": {"name": owner.name,
                "email": owner.email}, "items": documents}  # fmt: skip
        zf.writestr("items.json", json.dumps(body, ensure_ascii=False, indent=2))
        zf.writestr("items.csv", _csv(documents))
    return out.getvalue()


def _stamp(moment: datetime) -> tuple[int, int, int, int, int, int]:
    moment = max(moment, datetime(1980, 1, 1, tzinfo=moment.tzinfo))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _document(cipher: VaultCipher, item: VaultItem, files: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "category": item.category,
        "brand": item.brand,
        "model": item.model,
        "colour": item.colour,
        "marks": item.marks,
        "purchase_date": item.purchase_date.isoformat() if item.purchase_date else None,
        "price_cents": item.price_cents,
        "shop": item.shop,
        "notes": item.notes,
        "identifiers": [
            {"kind": i["kind"], "text": i["text"], "normalized": i["normalized"]}
            for i in identifiers_of(cipher, item)
        ],
        "stolen": {
            "on": item.stolen_on.isoformat(),
            "place": item.stolen_place,
            "how": item.stolen_how,
            "police_case": item.police_case,
        }
        if item.stolen_on
        else None,  # fmt: skip
        "files": files,
    }


def _csv(documents: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for n, d in enumerate(documents, start=1):
        stolen = d["stolen"] or {}
        row = [
            n, d["category"], d["brand"], d["model"], d["colour"],
            "; ".join(f"{i['kind']}: {i['normalized']}" for i in d["identifiers"]),
            d["marks"], d["purchase_date"] or "",
            "" if d["price_cents"] is None else f"{d['price_cents'] / 100:.2f}",
            d["shop"], d["notes"], stolen.get("on", ""), stolen.get("place", ""),
            stolen.get("how", ""), stolen.get("police_case", ""),
            "; ".join(f["path"] for f in d["files"]),
        ]  # fmt: skip
        writer.writerow([_spreadsheet_safe(str(v)) for v in row])
    return out.getvalue()


def _spreadsheet_safe(value: str) -> str:
    """A cell starting with = + - @ would be a formula in a spreadsheet: quote it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- import -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Planned:
    data: ItemInput
    stolen: dict[str, Any] | None
    files: list[tuple[str, Checked, str]]  # role, checked upload, original name


def import_zip(
    session: Session,
    cipher: VaultCipher,
    store: FileStore,
    owner: User,
    data: bytes | IO[bytes],
    *,
    max_file_bytes: int,
    max_pixels: int,
) -> tuple[list[VaultItem], list[str]]:
    """Check the whole archive, then add its items to ``owner``'s vault. Returns the new
    items and the stored file names (for the caller to remove if the commit fails)."""
    planned = _plan(data, max_file_bytes=max_file_bytes, max_pixels=max_pixels)
    created: list[VaultItem] = []
    names: list[str] = []
    try:
        for p in planned:
            item = create_item(session, cipher, owner, p.data)
            if p.stolen:
                mark_stolen(item, on=p.stolen["on"], place=p.stolen["place"], how=p.stolen["how"])
                item.police_case = p.stolen["police_case"]
            for role, checked, original in p.files:
                row = add_file(
                    session, store, item, role=role, checked=checked, original_name=original
                )
                names.append(row.stored_name)
            created.append(item)
        session.flush()
    except Exception:
        store.discard(names)
        raise
    return created, names


def _plan(data: bytes | IO[bytes], *, max_file_bytes: int, max_pixels: int) -> list[_Planned]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ImportProblem("not_a_zip") from exc
    with zf:
        entries = zf.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ImportProblem("too_many_entries")
        by_name: dict[str, zipfile.ZipInfo] = {}
        for info in entries:
            _check_name(info.filename)
            by_name[info.filename] = info
        if "items.json" not in by_name:
            raise ImportProblem("no_items_json")
        document = _json(_read(zf, by_name["items.json"], MAX_JSON_BYTES))
        raw_items = document.get("items")
        if not isinstance(raw_items, list) or len(raw_items) > MAX_ITEMS:
            raise ImportProblem("bad_format", detail="items")
        planned = []
        for n, raw in enumerate(raw_items, start=1):
            p = _plan_item(n, raw)
            for role, path, original in _file_refs(n, raw):
                info = by_name.get(path)
                if info is None:
                    raise ImportProblem("file_missing", item=n, detail=path)
                content = _read(zf, info, max_file_bytes)
                try:
                    checked = check_upload(content, max_bytes=max_file_bytes, max_pixels=max_pixels)
                except StophelingError as exc:
                    raise ImportProblem(
                        "file_invalid", item=n, detail=f"{path}: {exc.code}"
                    ) from exc
                p.files.append((role, checked, original))
            planned.append(p)
    return planned


def _check_name(name: str) -> None:
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or ":" in name
        or any(part in ("..", ".") for part in parts)
        or "\x00" in name
    ):
        raise ImportProblem("unsafe_path", detail=name[:100])


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The entry's bytes, never more than ``limit`` whatever its header declares."""
    if info.file_size > limit:
        raise ImportProblem("entry_too_large", detail=info.filename[:100])
    if (
        info.compress_size
        and info.file_size > 1024 * 1024
        and (info.file_size / info.compress_size > MAX_RATIO)
    ):
        raise ImportProblem("zip_bomb", detail=info.filename[:100])
    try:
        with zf.open(info) as f:
            content = f.read(limit + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise ImportProblem("not_a_zip", detail=info.filename[:100]) from exc
    if len(content) > limit:
        raise ImportProblem("zip_bomb", detail=info.filename[:100])
    return content


def _json(content: bytes) -> dict[str, Any]:
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ImportProblem("bad_json") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportProblem("bad_format", detail="format")
    if document.get("version") != VERSION:
        raise ImportProblem("bad_format", detail="version")
    return document


def _text(raw: dict[str, Any], name: str, n: int) -> str:
    value = raw.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportProblem("bad_format", item=n, detail=name)
    return value


def _date(value: Any, n: int, name: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ImportProblem("bad_format", item=n, detail=name) from exc


def _plan_item(n: int, raw: Any) -> _Planned:
    if not isinstance(raw, dict):
        raise ImportProblem("bad_format", item=n)
    idents = raw.get("identifiers") or []
    if not isinstance(idents, list) or not all(
        isinstance(i, dict) and isinstance(i.get("text"), str) and isinstance(i.get("kind"), str)
        for i in idents
    ):
        raise ImportProblem("bad_format", item=n, detail="identifiers")
    price = raw.get("price_cents")
    if price is not None and (not isinstance(price, int) or isinstance(price, bool)):
        raise ImportProblem("bad_format", item=n, detail="price_cents")
    data = ItemInput(
        category=_text(raw, "category", n) or "overig",
        **{k: _text(raw, k, n) for k in ("brand", "model", "colour", "marks", "shop", "notes")},
        purchase_date=_date(raw.get("purchase_date"), n, "purchase_date"),
        price_cents=price,
        identifiers=[IdentifierInput(i["text"], i["kind"]) for i in idents],
    )
    try:
        validate(data)
    except InvalidItem as exc:
        field, code = sorted(exc.errors.items())[0]
        raise ImportProblem("item_invalid", item=n, detail=f"{field}: {code}") from exc
    return _Planned(data, _stolen(raw.get("stolen"), n), [])


def _stolen(raw: Any, n: int) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ImportProblem("bad_format", item=n, detail="stolen")
    stolen = {
        "on": _date(raw.get("on"), n, "stolen.on"),
        "place": _text(raw, "place", n),
        "how": _text(raw, "how", n),
        "police_case": _text(raw, "police_case", n)[:60],
    }
    try:
        mark_stolen(VaultItem(), on=stolen["on"], place=stolen["place"], how=stolen["how"])
    except InvalidItem as exc:
        raise ImportProblem("item_invalid", item=n, detail="stolen") from exc
    return stolen


def _file_refs(n: int, raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    files = raw.get("files") or []
    if not isinstance(files, list):
        raise ImportProblem("bad_format", item=n, detail="files")
    if len(files) > MAX_FILES_PER_ITEM:
        raise ImportProblem("bad_format", item=n, detail="files")
    refs = []
    for f in files:
        if not (
            isinstance(f, dict)
            and f.get("role") in FILE_ROLES
            and isinstance(f.get("path"), str)
            and f["path"].startswith("files/")
        ):
            raise ImportProblem("bad_format", item=n, detail="files")
        _check_name(f["path"])
        original = f.get("original_name") if isinstance(f.get("original_name"), str) else ""
        refs.append((f["role"], f["path"], original))
    return refs
