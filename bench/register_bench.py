"""The buyer register's measures (issue 7), on a database that already holds the register:

1. purchases recorded per second through the API: gunicorn with the production settings,
   16 approved dealers each with a token, bench/register_load.py as the load generator
   (one client per dealer: each dealer's register numbers its own entries);
2. retro-matching: ``entries`` purchase entries (default 1,000,000) are written straight
   into the purchase register (a bulk insert: this measures matching, not recording),
   then ``new_items`` stolen items (default 100,000) are imported, one in a hundred with
   the number of a purchased good; the time is that of ``dealers.matching.retro_match``
   until it has seen every new item, and every planted pair must raise its alert.
"""

from __future__ import annotations

import json
import random
import secrets
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from stopheling.app import create_app
from stopheling.config import normalize_database_url
from stopheling.extensions import db

REPO = Path(__file__).resolve().parents[1]
DEALERS = 16
MUNICIPALITY = "GM0363"  # Amsterdam
PLANT_EVERY = 100  # one new stolen item in a hundred was bought by a dealer
BATCH = 10_000


def _app(url: str) -> Any:
    return create_app({"SQLALCHEMY_DATABASE_URI": normalize_database_url(url)})


def approved_dealers(url: str, count: int, tag: str) -> list[tuple[int, str]]:
    """``count`` approved dealers in Amsterdam, each with a dealer token: (id, token)."""
    from stopheling.accounts.tokens import create_token
    from stopheling.dealers.service import decide_dealer, register_dealer

    out = []
    app = _app(url)
    with app.app_context():
        for i in range(count):
            dealer = register_dealer(
                db.session, name=f"Benchmark Opkoper {tag}{i} (verzonnen)",
                kvk=f"9{secrets.randbelow(10**7):07d}", address="Proefstraat 1",
                postcode="9999ZZ", city="Nergenshuizen", municipality=MUNICIPALITY,
                categories=["telefoon"], email=f"bench-{tag}{i}@example.invalid",
                password=secrets.token_urlsafe(16),
            )  # fmt: skip
            decide_dealer(db.session, dealer, approve=True, actor="bench")
            token = create_token(db.session, kind="dealer", dealer_id=dealer.id, label="bench")
            out.append((dealer.id, token))
        db.session.commit()
        db.engine.dispose()
    return out


def measure_recording(url: str, port: int, seconds: float, workdir: Path) -> dict[str, Any]:
    tokens = workdir / "dealer-tokens.txt"
    dealers = approved_dealers(url, DEALERS, "api")
    tokens.write_text("\n".join(t for _, t in dealers) + "\n", encoding="utf-8")
    args = [sys.executable, str(REPO / "bench" / "register_load.py"), "127.0.0.1", str(port),
            str(seconds), str(tokens)]  # fmt: skip
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out)
    result["verify"] = _verify_chains(url, [d for d, _ in dealers])
    return result


def _verify_chains(url: str, dealer_ids: list[int]) -> str:
    """After the load: every register still has consecutive numbers and a sound chain."""
    from stopheling.dealers.register import verify_register

    app = _app(url)
    with app.app_context():
        broken = [b for d in dealer_ids if (b := verify_register(db.session, d)) is not None]
        db.engine.dispose()
    return "every chain verifies" if not broken else f"BROKEN: {broken[0]}"


def _entry_rows(rng: random.Random, dealer_id: int, start: int, count: int,
                now: datetime) -> list[dict[str, Any]]:  # fmt: skip
    return [
        {"dealer_id": dealer_id, "number": n, "acquired_at": now, "recorded_at": now,
         "recorded_by": "bench", "category": "telefoon", "brand": "", "model": "",
         "colour": "", "description": "benchmark (verzonnen)", "price_cents": 1000,
         "terms": "purchase", "paid_in_cash": False, "seller_digest": "0" * 64,
         "prev_hash": "0" * 64, "hash": f"{rng.getrandbits(256):064x}"}
        for n in range(start, start + count)
    ]  # fmt: skip


def fill_register(url: str, entries: int) -> tuple[list[tuple[str, str]], float]:
    """``entries`` purchases with one identifier each, written in bulk for one dealer;
    returns (kind, identifier) of every entry and the seconds it took."""
    from stopheling.dealers.models import PurchaseIdentifier
    from stopheling.matching import parse
    from stopheling.matching.index import match_key
    from stopheling.stolen.demo import items

    ((dealer_id, _),) = approved_dealers(url, 1, "bulk")
    rng = random.Random(437)
    now = datetime.now(UTC)
    goods: list[tuple[str, str]] = []
    started = time.perf_counter()
    app = _app(url)
    source = items(entries, seed=9001)
    with app.app_context():
        for start in range(1, entries + 1, BATCH):
            count = min(BATCH, entries - start + 1)
            rows = _entry_rows(rng, dealer_id, start, count, now)
            ids = _insert_entries(rows)
            identifiers = []
            for entry_id, item in zip(ids, (next(source) for _ in range(count)), strict=True):
                p = parse(item["identifier"], item["kind"])
                goods.append((item["kind"], item["identifier"]))
                identifiers.append(
                    {"entry_id": entry_id, "position": 0, "kind": item["kind"],
                     "raw": item["identifier"], "normalized": p.normalized, "key": p.key,
                     "segments": "-".join(p.segments), "match_key": match_key(p)}
                )  # fmt: skip
            _bulk(PurchaseIdentifier.__table__, identifiers)
            db.session.commit()
        db.session.execute(
            text("UPDATE register_heads SET last_number = :n WHERE dealer_id = :d AND "
                 "register = 'purchase'"), {"n": entries, "d": dealer_id},
        )  # fmt: skip
        if db.engine.dialect.name == "postgresql":
            for table in ("purchase_entries", "purchase_identifiers"):
                db.session.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT max(id) FROM {table}))")
                )  # fmt: skip
            db.session.execute(text("ANALYZE purchase_entries"))
            db.session.execute(text("ANALYZE purchase_identifiers"))
        db.session.commit()
        db.engine.dispose()
    return goods, time.perf_counter() - started


def _insert_entries(rows: list[dict[str, Any]]) -> list[int]:
    """Insert entry rows with ids given here (the next free ones); returns the ids."""
    from stopheling.dealers.models import PurchaseEntry

    first = (db.session.scalar(select(func.max(PurchaseEntry.id))) or 0) + 1
    for offset, row in enumerate(rows):
        row["id"] = first + offset
    _bulk(PurchaseEntry.__table__, rows)
    return [row["id"] for row in rows]


def _bulk(table: Any, rows: list[dict[str, Any]]) -> None:
    """executemany on SQLite, COPY on PostgreSQL (the fastest each database offers)."""
    if db.engine.dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    raw = db.session.connection().connection.dbapi_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        names = ", ".join(f'"{c}"' for c in columns)
        with cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])


def new_stolen_lines(goods: list[tuple[str, str]], count: int) -> tuple[list[str], int]:
    """``count`` new stolen items; every PLANT_EVERY-th has a purchased good's number."""
    from stopheling.stolen.demo import items

    rng = random.Random(2027)
    lines, planted = [], 0
    for n, item in enumerate(items(count, seed=9002)):
        if n % PLANT_EVERY == 0:
            item["kind"], item["identifier"] = goods[rng.randrange(len(goods))]
            planted += 1
        item["source_id"] = f"BENCH-NEW-{n:07d}"
        lines.append(json.dumps(item, ensure_ascii=False))
    return lines, planted


def measure_retro(url: str, entries: int, new_items: int) -> dict[str, Any]:
    from stopheling.dealers.matching import retro_match
    from stopheling.dealers.models import RegisterAlert
    from stopheling.stolen.register import import_lines

    goods, fill_seconds = fill_register(url, entries)
    lines, planted = new_stolen_lines(goods, new_items)
    app = _app(url)
    with app.app_context():
        # the register's own items (imported before) are not what this measures
        db.session.execute(text("DELETE FROM retro_match_cursor"))
        db.session.execute(
            text("INSERT INTO retro_match_cursor (id, last_event_id, updated_at) "
                 "SELECT 1, coalesce(max(id), 0), :now FROM stolen_item_events"),
            {"now": datetime.now(UTC)},
        )  # fmt: skip
        db.session.commit()
        started = time.perf_counter()
        import_lines(db.session, lines, actor="bench")
        db.session.commit()
        import_seconds = time.perf_counter() - started
        alerts_before = db.session.scalar(select(func.count(RegisterAlert.id))) or 0
        db.session.commit()
        started = time.perf_counter()
        cycles = 0
        while True:
            cycles += 1
            retro_match(db.session, max_events=10**9)
            db.session.commit()
            top = db.session.scalar(text("SELECT coalesce(max(id), 0) FROM stolen_item_events"))
            done = db.session.scalar(text("SELECT last_event_id FROM retro_match_cursor"))
            if done >= top or cycles > 20:
                break
        seconds = time.perf_counter() - started
        alerts = (db.session.scalar(select(func.count(RegisterAlert.id))) or 0) - alerts_before
        db.engine.dispose()
    return {
        "entries": entries, "new_items": new_items, "planted": planted,
        "alerts": alerts, "seconds": round(seconds, 2), "cycles": cycles,
        "fill_seconds": round(fill_seconds, 1), "import_new_seconds": round(import_seconds, 1),
        "reported_on": date.today().isoformat(),
    }  # fmt: skip
