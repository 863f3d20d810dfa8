"""The vault's operations: items, identifiers, files, theft and the owner's own check.

Every operation takes the owner and answers NotFound for an item that is not theirs, the
same as for one that does not exist (nobody can probe). Services flush; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ..accounts.models import User
from ..errors import NotFound, Unprocessable
from ..matching import KINDS, ImeiStatus, Kind, ParsedIdentifier, classify, parse
from ..reference.data import CATEGORIES
from ..stolen import lookup as stolen_lookup
from .crypto import VaultCipher
from .files import Checked, FileStore
from .models import FILE_ROLES, VaultFile, VaultIdentifier, VaultItem

MAX_IDENTIFIER = 100
MAX_IDENTIFIERS = 20
MAX_FILES_PER_ITEM = 20
MAX_SEARCH = 100
TEXT_LIMITS = {"brand": 100, "model": 100, "colour": 60, "shop": 100, "marks": 2000, "notes": 5000}


@dataclass(frozen=True, slots=True)
class IdentifierInput:
    """One identifier as typed; ``kind`` is ``auto`` or one of the matching core's kinds."""

    text: str
    kind: str = "auto"


@dataclass(slots=True)
class ItemInput:
    category: str = "overig"
    brand: str = ""
    model: str = ""
    colour: str = ""
    marks: str = ""
    purchase_date: date | None = None
    price_cents: int | None = None
    shop: str = ""
    notes: str = ""
    identifiers: list[IdentifierInput] = field(default_factory=list)


class InvalidItem(Unprocessable):
    """One or more fields are wrong: ``errors`` maps a field (``identifiers-2``) to a code."""

    code = "invalid_item"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("The item has invalid fields: " + ", ".join(sorted(errors)))
        self.errors = errors


# --- identifiers ----------------------------------------------------------------------


def parse_identifier(text: str, kind: str = "auto") -> ParsedIdentifier:
    """Classify (for ``auto``) and normalize; raise Unprocessable with a code explaining
    what is wrong: ``imei_check_digit``, ``imei_length``, ``not_imei``, ``plate_invalid``,
    ``vin_invalid``, ``unusable``, ``too_long``, ``unknown_kind``."""
    text = text.strip()
    if len(text) > MAX_IDENTIFIER:
        raise Unprocessable("An identifier has at most 100 characters.", code="too_long")
    if kind == "auto":
        chosen = classify(text)[0]
    elif kind in KINDS:
        chosen = Kind(kind)
    else:
        raise Unprocessable("Unknown kind of identifier.", code="unknown_kind")
    p = parse(text, chosen.value)
    problem = _problem(p)
    if problem:
        raise Unprocessable(f"Not a usable {chosen.value}: {problem}.", code=problem)
    return p


def _problem(p: ParsedIdentifier) -> str | None:
    if p.kind is Kind.IMEI:
        return {
            ImeiStatus.INVALID: "imei_check_digit",
            ImeiStatus.ODD: "imei_length",
            ImeiStatus.NOT_IMEI: "not_imei",
        }.get(p.imei_status)  # type: ignore[arg-type]
    if p.key is None:
        return "unusable"
    if p.kind is Kind.PLATE and not p.valid:
        return "plate_invalid"
    if p.kind is Kind.VIN and not p.valid:
        return "vin_invalid"
    return None


def lookup_key(p: ParsedIdentifier) -> str:
    """What equality means for the owner's search: the folded key, for an IMEI its
    canonical 15 digits (14 digits, 15 or an IMEISV are the same phone)."""
    assert p.key is not None
    return p.normalized if p.kind is Kind.IMEI else p.key


def _stored(cipher: VaultCipher, owner_id: int, position: int, p: ParsedIdentifier) -> Any:
    value = {"text": p.text.strip(), "normalized": p.normalized, "display": p.display}
    return VaultIdentifier(
        position=position,
        kind=p.kind.value,
        value=cipher.encrypt(value),
        lookup=cipher.lookup(owner_id, p.kind.value, lookup_key(p)),
    )


def identifiers_of(cipher: VaultCipher, item: VaultItem) -> list[dict[str, str]]:
    """The item's identifiers in plain text (for its owner only), in their order."""
    return [{"kind": i.kind, **cipher.decrypt(i.value)} for i in item.identifiers]


# --- items ------------------------------------------------------------------------------


def validate(data: ItemInput) -> list[ParsedIdentifier]:
    """Check every field; return the parsed identifiers or raise InvalidItem."""
    errors: dict[str, str] = {}
    if data.category not in CATEGORIES:
        errors["category"] = "unknown_category"
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(data, name) or "") > limit:
            errors[name] = "too_long"
    if data.price_cents is not None and not 0 <= data.price_cents <= 100_000_000_00:
        errors["price"] = "price_range"
    if data.purchase_date is not None and data.purchase_date > date.today():
        errors["purchase_date"] = "future_date"
    parsed: list[ParsedIdentifier] = []
    seen: set[tuple[str, str]] = set()
    for n, ident in enumerate(data.identifiers):
        if not ident.text.strip():
            continue
        try:
            p = parse_identifier(ident.text, ident.kind)
        except Unprocessable as exc:
            errors[f"identifiers-{n}"] = exc.code
            continue
        if (p.kind.value, lookup_key(p)) in seen:
            errors[f"identifiers-{n}"] = "duplicate"
            continue
        seen.add((p.kind.value, lookup_key(p)))
        parsed.append(p)
    if len(parsed) > MAX_IDENTIFIERS:
        errors["identifiers"] = "too_many"
    if errors:
        raise InvalidItem(errors)
    return parsed


def create_item(session: Session, cipher: VaultCipher, owner: User, data: ItemInput) -> VaultItem:
    parsed = validate(data)
    item = VaultItem(owner_id=owner.id)
    _apply(item, data)
    item.identifiers = [_stored(cipher, owner.id, n, p) for n, p in enumerate(parsed)]
    session.add(item)
    session.flush()
    return item


def update_item(session: Session, cipher: VaultCipher, item: VaultItem, data: ItemInput) -> None:
    parsed = validate(data)
    _apply(item, data)
    item.identifiers = [_stored(cipher, item.owner_id, n, p) for n, p in enumerate(parsed)]
    session.flush()


def _apply(item: VaultItem, data: ItemInput) -> None:
    item.category = data.category
    for name in TEXT_LIMITS:
        setattr(item, name, (getattr(data, name) or "").strip())
    item.purchase_date = data.purchase_date
    item.price_cents = data.price_cents


def get_item(session: Session, owner: User, item_id: int) -> VaultItem:
    """The owner's item; NotFound for a missing item and for anyone else's alike."""
    item = session.get(VaultItem, item_id)
    if item is None or item.owner_id != owner.id:
        raise NotFound("No such item.", code="unknown_item")
    return item


def delete_item(session: Session, item: VaultItem) -> list[str]:
    """Delete the item with its identifiers and files; returns the stored file names,
    which the caller removes from disk after the commit."""
    names = [f.stored_name for f in item.files]
    session.delete(item)
    session.flush()
    return names


def list_items(
    session: Session, cipher: VaultCipher, owner: User, *, query: str = "", category: str = ""
) -> list[VaultItem]:
    """The owner's items, newest first; ``query`` finds an identifier in any spelling the
    matching core accepts (as any kind), or a brand or model containing it."""
    stmt = (
        select(VaultItem)
        .where(VaultItem.owner_id == owner.id)
        .options(selectinload(VaultItem.identifiers), selectinload(VaultItem.files))
        .order_by(VaultItem.created_at.desc(), VaultItem.id.desc())
        .limit(MAX_SEARCH if query else None)
    )
    if category:
        stmt = stmt.where(VaultItem.category == category)
    query = query.strip()[:MAX_IDENTIFIER]
    if query:
        hashes = _search_hashes(cipher, owner.id, query)
        by_identifier = select(VaultIdentifier.item_id).where(VaultIdentifier.lookup.in_(hashes))
        stmt = stmt.where(
            or_(
                VaultItem.id.in_(by_identifier),
                VaultItem.brand.icontains(query, autoescape=True),
                VaultItem.model.icontains(query, autoescape=True),
            )
        )
    return list(session.scalars(stmt))


def _search_hashes(cipher: VaultCipher, owner_id: int, query: str) -> list[str]:
    hashes = []
    for kind in KINDS:
        p = parse(query, kind)
        if p.key is not None:
            hashes.append(cipher.lookup(owner_id, kind, lookup_key(p)))
    return hashes or ["-"]


def count_items(session: Session, owner: User) -> int:
    from sqlalchemy import func

    stmt = select(func.count()).select_from(VaultItem).where(VaultItem.owner_id == owner.id)
    return int(session.scalar(stmt) or 0)


# --- after a theft ----------------------------------------------------------------------


def mark_stolen(item: VaultItem, *, on: date | None, place: str, how: str) -> None:
    errors = {}
    if on is None:
        errors["stolen_on"] = "required"
    elif on > date.today():
        errors["stolen_on"] = "future_date"
    if not place.strip():
        errors["stolen_place"] = "required"
    elif len(place.strip()) > 200:
        errors["stolen_place"] = "too_long"
    if len(how) > 2000:
        errors["stolen_how"] = "too_long"
    if errors:
        raise InvalidItem(errors)
    item.stolen_on, item.stolen_place, item.stolen_how = on, place.strip(), how.strip()


def set_police_case(item: VaultItem, case: str) -> None:
    case = case.strip()
    if not case:
        raise InvalidItem({"police_case": "required"})
    if len(case) > 60:
        raise InvalidItem({"police_case": "too_long"})
    item.police_case = case


def recovered(item: VaultItem) -> None:
    """The owner has it back: the theft details and case number are cleared."""
    item.stolen_on, item.stolen_place, item.stolen_how, item.police_case = None, "", "", ""


def stolen_items(session: Session, owner: User) -> list[VaultItem]:
    stmt = (
        select(VaultItem)
        .where(VaultItem.owner_id == owner.id, VaultItem.stolen_on.is_not(None))
        .order_by(VaultItem.stolen_on.desc(), VaultItem.id)
    )
    return list(session.scalars(stmt))


def check_item(session: Session, cipher: VaultCipher, item: VaultItem) -> list[dict[str, Any]]:
    """The ordinary check for each of the item's identifiers (only the owner asks; the
    vault itself is never searched by a check)."""
    return [
        {
            "identifier": ident,
            "result": stolen_lookup.check(session, ident["normalized"], ident["kind"]),
        }
        for ident in identifiers_of(cipher, item)
    ]


# --- files ------------------------------------------------------------------------------


def add_file(
    session: Session,
    store: FileStore,
    item: VaultItem,
    *,
    role: str,
    checked: Checked,
    original_name: str = "",
) -> VaultFile:
    """Store a checked upload for ``item``; the file is removed again if the row fails."""
    if role not in FILE_ROLES:
        raise Unprocessable("Unknown file role.", code="unknown_role")
    if len(item.files) >= MAX_FILES_PER_ITEM:
        raise Unprocessable("This item has the most files allowed.", code="too_many_files")
    name = store.save(checked.data)
    try:
        row = VaultFile(
            role=role,
            stored_name=name,
            content_type=checked.content_type,
            size=len(checked.data),
            original_name=_safe_name(original_name),
        )
        item.files.append(row)
        session.flush()
    except Exception:
        store.discard([name])
        raise
    return row


def _safe_name(name: str) -> str:
    """Only the last path part, printable, at most 200 characters (shown to the owner)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in name if c.isprintable())[:200]


def get_file(session: Session, owner: User, item_id: int, file_id: int) -> VaultFile:
    item = get_item(session, owner, item_id)
    row = session.get(VaultFile, file_id)
    if row is None or row.item_id != item.id:
        raise NotFound("No such file.", code="unknown_file")
    return row


def delete_file(session: Session, row: VaultFile) -> str:
    name = row.stored_name
    row.item.files.remove(row)
    session.flush()
    return name


# --- the account ------------------------------------------------------------------------


def delete_account(session: Session, user: User) -> list[str]:
    """Delete the user with every item, identifier and file row; returns the stored file
    names, which the caller removes from disk after the commit."""
    items = list(session.scalars(select(VaultItem).where(VaultItem.owner_id == user.id)))
    names = [f.stored_name for item in items for f in item.files]
    for item in items:
        session.delete(item)
    session.flush()  # the items first: the user's row is not their parent in the ORM
    session.delete(user)
    session.flush()
    return names
