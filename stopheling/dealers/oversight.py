"""Municipal oversight of the buyer register: register settings, compliance figures, BOAs'
register access and the review of who read sellers' data.

Every function is given the officer's municipality and answers NotFound for anything of
another municipality (the same as for a missing one). Services flush; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from ..accounts.audit import record
from ..accounts.models import AuditLog, User
from ..errors import NotFound, Unprocessable
from ..stolen.models import utcnow
from .models import HOLD_UNITS, Dealer, MunicipalityRegisterSettings, PurchaseEntry
from .oversight_models import RegisterGrant, RegisterReadScope

LOCAL = ZoneInfo("Europe/Amsterdam")
MAX_WEEKS = 26
LATE_LIST_LIMIT = 50
AUDIT_PAGE = 100


# --- register settings -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsInput:
    hold_period: int
    hold_unit: str
    sales_register_required: bool
    id_required_for_all_sellers: bool
    photo_required_without_number: bool


def register_settings(session: Session, municipality: str) -> MunicipalityRegisterSettings:
    """The municipality's settings; an unsaved row with the defaults when it has none."""
    row = session.get(MunicipalityRegisterSettings, municipality)
    if row is not None:
        return row
    from .rules import DEFAULT_RULES

    return MunicipalityRegisterSettings(
        municipality_code=municipality,
        hold_period=DEFAULT_RULES.hold_period,
        hold_unit=DEFAULT_RULES.hold_unit,
        sales_register_required=DEFAULT_RULES.sales_register_required,
        id_required_for_all_sellers=DEFAULT_RULES.id_required_for_all_sellers,
        photo_required_without_number=DEFAULT_RULES.photo_required_without_number,
        updated_by="",
    )


def save_register_settings(
    session: Session, municipality: str, data: SettingsInput, *, actor: str
) -> MunicipalityRegisterSettings:
    """Store the settings (APV rules) the registers of this municipality's dealers follow."""
    if not 0 <= data.hold_period <= 60:
        raise Unprocessable("The hold period is 0 to 60 days.", code="invalid_hold_period")
    if data.hold_unit not in HOLD_UNITS:
        raise Unprocessable("Unknown unit of the hold period.", code="invalid_hold_unit")
    row = session.get(MunicipalityRegisterSettings, municipality)
    if row is None:
        row = MunicipalityRegisterSettings(municipality_code=municipality)
        session.add(row)
    row.hold_period, row.hold_unit = data.hold_period, data.hold_unit
    row.sales_register_required = data.sales_register_required
    row.id_required_for_all_sellers = data.id_required_for_all_sellers
    row.photo_required_without_number = data.photo_required_without_number
    row.updated_at, row.updated_by = utcnow(), actor
    record(
        session,
        actor=actor,
        action="register_settings",
        subject=f"municipality:{municipality}",
        reason=(
            f"hold {data.hold_period} {data.hold_unit}; sales register "
            f"{data.sales_register_required}; ID all sellers {data.id_required_for_all_sellers}; "
            f"photo without number {data.photo_required_without_number}"
        ),
    )
    session.flush()
    return row


# --- compliance figures --------------------------------------------------------------


@dataclass(slots=True)
class DealerFigures:
    dealer: Dealer
    per_week: list[int]
    late: int = 0
    last_recorded_at: datetime | None = None

    @property
    def in_period(self) -> int:
        return sum(self.per_week)


@dataclass(frozen=True, slots=True)
class LateEntry:
    dealer: Dealer
    number: int
    acquired_at: datetime
    recorded_at: datetime

    @property
    def delay_hours(self) -> int:
        return int((self.recorded_at - self.acquired_at).total_seconds() // 3600)


@dataclass(slots=True)
class Compliance:
    weeks: list[date]  # the Monday of each week, oldest first
    late_hours: int
    dealers: list[DealerFigures] = field(default_factory=list)
    late_entries: list[LateEntry] = field(default_factory=list)

    @property
    def without_entries(self) -> list[DealerFigures]:
        """Approved dealers that recorded nothing in the period."""
        return [d for d in self.dealers if d.dealer.status == "approved" and not d.in_period]

    @property
    def late_total(self) -> int:
        return sum(d.late for d in self.dealers)


def week_starts(now: datetime, weeks: int) -> list[date]:
    """The Mondays (Amsterdam time) of the last ``weeks`` weeks, this week last."""
    today = now.astimezone(LOCAL).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL).astimezone(ZoneInfo("UTC"))


def compliance(
    session: Session, municipality: str, *, now: datetime, weeks: int, late_hours: int
) -> Compliance:
    """Entries per dealer per week, approved dealers without entries and late entries.

    An entry is late when it was recorded more than ``late_hours`` after the acquisition
    (the law says "onverwijld", without delay). Weeks run Monday to Sunday, Amsterdam time.
    """
    weeks = max(1, min(weeks, MAX_WEEKS))
    starts = week_starts(now, weeks)
    bounds = [_utc(d) for d in starts] + [_utc(starts[-1] + timedelta(weeks=1))]
    result = Compliance(weeks=starts, late_hours=late_hours)
    dealers = list(
        session.scalars(
            select(Dealer)
            .where(Dealer.municipality_code == municipality, Dealer.status != "rejected")
            .order_by(Dealer.name, Dealer.id)
        )
    )
    if not dealers:
        return result
    E = PurchaseEntry
    late = _late(session, late_hours)
    columns = [
        func.sum(case((and_(E.recorded_at >= lo, E.recorded_at < hi), 1), else_=0))
        for lo, hi in zip(bounds, bounds[1:], strict=False)
    ]
    in_period = E.recorded_at >= bounds[0]
    stmt = (
        select(
            E.dealer_id,
            func.max(E.recorded_at),
            func.sum(case((and_(in_period, late), 1), else_=0)),
            *columns,
        )
        .where(E.dealer_id.in_([d.id for d in dealers]))
        .group_by(E.dealer_id)
    )
    rows = {row[0]: row for row in session.execute(stmt)}
    for dealer in dealers:
        row = rows.get(dealer.id)
        figures = DealerFigures(dealer=dealer, per_week=[0] * weeks)
        if row is not None:
            figures.last_recorded_at = row[1]
            figures.late = int(row[2] or 0)
            figures.per_week = [int(n or 0) for n in row[3:]]
        result.dealers.append(figures)
    by_id = {d.id: d for d in dealers}
    late_rows = session.execute(
        select(E.dealer_id, E.number, E.acquired_at, E.recorded_at)
        .where(E.dealer_id.in_(list(by_id)), in_period, late)
        .order_by(E.recorded_at.desc())
        .limit(LATE_LIST_LIMIT)
    )
    result.late_entries = [LateEntry(by_id[d], n, _aware(a), _aware(r)) for d, n, a, r in late_rows]
    return result


def _late(session: Session, hours: int) -> Any:
    """SQL: recorded more than ``hours`` after the acquisition (per database dialect)."""
    E = PurchaseEntry
    if session.get_bind().dialect.name == "postgresql":
        return E.recorded_at - E.acquired_at > timedelta(hours=hours)
    return (func.julianday(E.recorded_at) - func.julianday(E.acquired_at)) * 24 > hours


def _aware(value: datetime) -> datetime:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC"))


# --- BOAs: register access granted by the municipality -------------------------------


@dataclass(frozen=True, slots=True)
class BoaAccess:
    user: User
    grant: RegisterGrant | None  # the active grant, if any


def boas(session: Session, municipality: str) -> list[BoaAccess]:
    """The municipality's BOAs, each with its active grant (or None)."""
    users = session.scalars(
        select(User)
        .where(User.role == "boa", User.municipality_code == municipality)
        .order_by(func.lower(User.email))
    )
    active = {
        g.user_id: g
        for g in session.scalars(
            select(RegisterGrant).where(
                RegisterGrant.municipality_code == municipality, RegisterGrant.revoked_at.is_(None)
            )
        )
    }
    return [BoaAccess(u, active.get(u.id)) for u in users]


def grant_history(session: Session, municipality: str) -> list[RegisterGrant]:
    return list(
        session.scalars(
            select(RegisterGrant)
            .where(RegisterGrant.municipality_code == municipality)
            .order_by(RegisterGrant.granted_at.desc(), RegisterGrant.id.desc())
            .limit(200)
        )
    )


def get_boa(session: Session, municipality: str, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.role != "boa" or user.municipality_code != municipality:
        raise NotFound("No BOA of this municipality with this number.", code="unknown_boa")
    return user


def active_grant(session: Session, user: User) -> RegisterGrant | None:
    """The BOA's active grant from its own municipality, if any."""
    if user.role != "boa" or not user.municipality_code:
        return None
    return session.scalar(
        select(RegisterGrant).where(
            RegisterGrant.user_id == user.id,
            RegisterGrant.municipality_code == user.municipality_code,
            RegisterGrant.revoked_at.is_(None),
        )
    )


def grant_access(
    session: Session, municipality: str, user_id: int, *, domain: str, basis: str, actor: str
) -> RegisterGrant:
    """Let one BOA of the municipality inspect its dealers' registers.

    ``basis`` names the appointment (akte) whose domain covers art. 437-437ter Sr."""
    user = get_boa(session, municipality, user_id)
    domain, basis = domain.strip()[:60], basis.strip()[:1000]
    if not basis:
        raise Unprocessable(
            "Name the appointment (akte) that covers art. 437 Sr.", code="missing_basis"
        )
    existing = active_grant(session, user)
    if existing is not None:
        return existing
    grant = RegisterGrant(
        municipality_code=municipality,
        user_id=user.id,
        domain=domain,
        basis=basis,
        granted_at=utcnow(),
        granted_by=actor,
    )
    session.add(grant)
    record(session, actor=actor, action="grant_register_access", subject=user.actor, reason=basis)
    session.flush()
    return grant


def revoke_access(session: Session, municipality: str, user_id: int, *, actor: str) -> None:
    """End the BOA's register access (kept in the history)."""
    user = get_boa(session, municipality, user_id)
    grant = active_grant(session, user)
    if grant is None:
        return
    grant.revoked_at, grant.revoked_by = utcnow(), actor
    record(
        session,
        actor=actor,
        action="revoke_register_access",
        subject=user.actor,
        reason=f"grant {grant.id}",
    )
    session.flush()


# --- the municipality's review of reads of its dealers' registers --------------------


@dataclass(frozen=True, slots=True)
class AuditRow:
    entry: AuditLog
    dealer: Dealer
    user: User | None  # None for the system (retention) and for tokens


def audit_officers(session: Session, municipality: str) -> list[User]:
    """Everyone who appears in the municipality's read log (for the filter)."""
    actors = session.scalars(
        select(AuditLog.actor)
        .join(RegisterReadScope, RegisterReadScope.audit_id == AuditLog.id)
        .where(RegisterReadScope.municipality_code == municipality)
        .distinct()
    )
    ids = [int(a.split(":", 1)[1]) for a in actors if a.startswith("user:")]
    if not ids:
        return []
    return list(session.scalars(select(User).where(User.id.in_(ids)).order_by(User.email)))


def audit_log(
    session: Session,
    municipality: str,
    *,
    since: date | None = None,
    until: date | None = None,
    officer: int | None = None,
    page: int = 1,
) -> tuple[list[AuditRow], bool]:
    """Reads (and erasures) of sellers' data in this municipality's registers, newest
    first; ``until`` includes that whole day (Amsterdam time). Returns (rows, more)."""
    stmt = (
        select(AuditLog, Dealer)
        .join(RegisterReadScope, RegisterReadScope.audit_id == AuditLog.id)
        .join(Dealer, Dealer.id == RegisterReadScope.dealer_id)
        .where(RegisterReadScope.municipality_code == municipality)
    )
    if since is not None:
        stmt = stmt.where(AuditLog.at >= _utc(since))
    if until is not None:
        stmt = stmt.where(AuditLog.at < _utc(until + timedelta(days=1)))
    if officer is not None:
        stmt = stmt.where(AuditLog.actor == f"user:{officer}")
    page = max(page, 1)
    found = session.execute(
        stmt.order_by(AuditLog.id.desc()).offset((page - 1) * AUDIT_PAGE).limit(AUDIT_PAGE + 1)
    ).all()
    ids = {int(a.actor.split(":", 1)[1]) for a, _ in found if a.actor.startswith("user:")}
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    rows = [
        AuditRow(a, d, people.get(int(a.actor[5:])) if a.actor.startswith("user:") else None)
        for a, d in found[:AUDIT_PAGE]
    ]
    return rows, len(found) > AUDIT_PAGE
