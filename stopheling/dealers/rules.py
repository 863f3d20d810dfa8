"""A municipality's register rules and the hold period (plain values, no Flask).

Defaults where a municipality has set nothing follow domain.md §4.2/§4.7 as the law stands:
a hold of 5 days (the common APV value), a sales register, the ID document only where the
national rule demands it (copper and metals paid in cash) and a photo of goods without a
unique number (municipal practice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from .models import MunicipalityRegisterSettings

LOCAL = ZoneInfo("Europe/Amsterdam")
# Goods for which the ID document is always required when paid in cash (Uitv.besl. art. 2(1)).
METAL_CATEGORIES = ("metaal",)


@dataclass(frozen=True, slots=True)
class RegisterRules:
    hold_period: int = 5
    hold_unit: str = "days"  # or "working_days" (Monday to Friday)
    sales_register_required: bool = True
    id_required_for_all_sellers: bool = False
    photo_required_without_number: bool = True


DEFAULT_RULES = RegisterRules()


def rules_for(session: Session, municipality_code: str) -> RegisterRules:
    """The municipality's settings, or the defaults when it has set none."""
    row = session.get(MunicipalityRegisterSettings, municipality_code)
    if row is None:
        return DEFAULT_RULES
    return RegisterRules(
        hold_period=row.hold_period,
        hold_unit=row.hold_unit,
        sales_register_required=row.sales_register_required,
        id_required_for_all_sellers=row.id_required_for_all_sellers,
        photo_required_without_number=row.photo_required_without_number,
    )


def id_document_required(rules: RegisterRules, category: str, paid_in_cash: bool) -> bool:
    return rules.id_required_for_all_sellers or (category in METAL_CATEGORIES and paid_in_cash)


def local_date(moment: datetime) -> date:
    if moment.tzinfo is None:  # SQLite gives naive UTC back
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL).date()


def last_hold_day(start: date, rules: RegisterRules) -> date | None:
    """The last day on which the good may not be sold, or None without a hold.

    The day of acquisition does not count ("n days after acquisition"); in working days
    Saturdays and Sundays are skipped (public holidays are not: they differ per year and
    the APVs do not name them)."""
    if rules.hold_period <= 0:
        return None
    if rules.hold_unit == "days":
        return start + timedelta(days=rules.hold_period)
    day, left = start, rules.hold_period
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def sellable_from(acquired_at: datetime, recorded_at: datetime, rules: RegisterRules) -> datetime:
    """The first moment the good may be sold. Counted from the later of the acquisition and
    the recording, so that back-dating an acquisition cannot shorten the hold."""
    start = max(local_date(acquired_at), local_date(recorded_at))
    last = last_hold_day(start, rules)
    if last is None:
        return datetime.combine(start, time(0), tzinfo=LOCAL)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=LOCAL)
