"""The `stopheling` command: Flask's commands (run, db upgrade, …) plus our own."""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from .extensions import db


def _create_app() -> Flask:
    from .app import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="stopheling: the stolen-goods check.")


def register(app: Flask) -> None:
    for command in (import_stolen, create_token, demo, worker, create_user):
        app.cli.add_command(command)
    app.cli.add_command(erase_expired_sellers)
    app.cli.add_command(verify_register)


class Progress:
    """A one-line progress report on a terminal: items, rate and time left."""

    def __init__(self, stream: IO[Any], total_bytes: int | None) -> None:
        self.stream, self.total, self.started = stream, total_bytes, time.monotonic()
        self.enabled = sys.stderr.isatty()

    def update(self, items: int, rejected: int) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-6)
        line = f"{items:,} items, {rejected:,} rejected, {items / elapsed:,.0f}/s"
        if self.total:
            done = self.stream.tell() / self.total
            left = elapsed / done - elapsed if done > 0 else 0
            line += f", {done:.0%}, {left:,.0f} s left"
        click.echo("\r" + line.ljust(70), nl=False, err=True)

    def finish(self) -> None:
        if self.enabled:
            click.echo(err=True)


@click.command("import-stolen")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--batch-size", default=5000, show_default=True)
@with_appcontext
def import_stolen(path: str, batch_size: int) -> None:
    """Import stolen items from an NDJSON file (one JSON object a line)."""
    from .stolen.register import import_lines

    stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    total = None if path == "-" else os.path.getsize(path)
    progress = Progress(stream, total)

    def committed(report: Any) -> None:
        db.session.commit()
        progress.update(report.created + report.updated + report.unchanged, report.rejected)

    def rejected(error: dict[str, Any]) -> None:
        if progress.enabled:
            click.echo(err=True)
        click.echo(f"line {error['line']}: {error['code']}: {error['message']}", err=True)

    with stream:
        report = import_lines(
            db.session, stream, actor=f"cli:{os.path.basename(path)}", batch_size=batch_size,
            after_batch=committed, on_error=rejected,
        )  # fmt: skip
    progress.finish()
    click.echo(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {report.rejected}"
    )
    if report.created + report.updated and db.engine.dialect.name == "postgresql":
        _vacuum_register()
    if report.rejected:
        sys.exit(1)


def _vacuum_register() -> None:
    """After a bulk import on PostgreSQL: fresh planner statistics, and the trigram index's
    pending list merged. Without it (autovacuum off, or not yet run) every check scans the
    pending list and plans without statistics: 30 ms a check instead of 10 at 100,000 items."""
    tables = "stolen_items, stolen_near_pieces, stolen_item_events"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM (ANALYZE) {tables}")
    click.echo("vacuumed and analyzed the register's tables")


@click.command("create-token")
@click.option("--police-unit", help="The unit's code (see stopheling/data/police_units.csv).")
@click.option("--app", "app_name", help="Create an app key (X-API-Key) with this label instead.")
@with_appcontext
def create_token(police_unit: str | None, app_name: str | None) -> None:
    """Print a new API token; only its hash is stored, so it is shown this once."""
    from .accounts.tokens import create_token as create
    from .errors import StophelingError

    if bool(police_unit) == bool(app_name):
        raise click.UsageError("Give exactly one of --police-unit CODE or --app NAME.")
    try:
        if police_unit:
            token = create(db.session, kind="police", police_unit=police_unit.upper())
        else:
            token = create(db.session, kind="app", label=app_name or "")
    except StophelingError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(token)


@click.command("demo")
@click.option("--items", "count", default=12_000, show_default=True)
@with_appcontext
def demo(count: int) -> None:
    """Load invented stolen items (idempotent) and print a few identifiers to try."""
    from .stolen import demo as demo_data
    from .stolen.models import StolenItem
    from .stolen.register import get_item, import_lines, set_status

    report = import_lines(db.session, demo_data.ndjson(count), actor="demo")
    db.session.commit()
    click.echo(
        f"demo data: {report.created} created, {report.unchanged + report.updated} already there"
    )
    examples = {}
    for kind in ("imei", "serial", "frame", "plate", "vin"):
        examples[kind] = db.session.scalars(
            select(StolenItem).where(StolenItem.kind == kind, StolenItem.source_id.like("DEMO-%"))
            .order_by(StolenItem.source_id).limit(2)
        ).all()  # fmt: skip
    recovered = examples["serial"][1]
    set_status(
        db.session, get_item(db.session, recovered.ref, unit=None), "recovered", actor="demo"
    )
    db.session.commit()
    click.echo("Try these on the home page:")
    for kind, rows in examples.items():
        click.echo(f"  {kind:7} {rows[0].identifier}")
    imei = examples["imei"][0].identifier
    click.echo(
        f"  spaced  {imei[:2]} {imei[2:8]} {imei[8:14]} {imei[14]}  (the IMEI above, as printed)"
    )
    serial = examples["serial"][0].identifier
    click.echo(
        f"  near    {serial[:-1] + ('X' if serial[-1] != 'X' else 'Y')}  (one character off)"
    )
    click.echo(f"  recovered {recovered.identifier}  (no longer flagged)")
    if current_app.config["ENV_NAME"] == "production":
        return  # demo accounts with printed passwords never on a production database
    from .demo_accounts import make

    accounts = make(db.session, stolen_serial=examples["serial"][0].identifier)
    db.session.commit()
    click.echo("Demo accounts (invented; new passwords on every run), log in at /inloggen:")
    for account in accounts:
        click.echo(f"  {account.role:12} {account.email:28} {account.password}")


@click.command("worker")
@with_appcontext
def worker() -> None:
    """Deliver hit reports to the police units (runs until SIGTERM or Ctrl+C)."""
    import logging
    import signal
    import threading

    from flask import current_app

    from .reports.worker import Worker, WorkerSettings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    Worker(db.session, WorkerSettings.from_config(current_app.config)).run(stop)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(
    ["citizen", "dealer", "municipality", "boa", "police", "admin"]))  # fmt: skip
@click.option("--police-unit", help="The officer's unit (role police).")
@click.option("--municipality", help="The municipality's code (role municipality or boa).")
@click.option("--name", default="")
@click.password_option(help="Asked on the terminal when not given (at least 12 characters).")
@with_appcontext
def create_user(
    email: str, role: str, police_unit: str | None, municipality: str | None, name: str,
    password: str,
) -> None:  # fmt: skip
    """Create an account (the first administrator, say)."""
    from .accounts.users import create_user as create
    from .errors import StophelingError

    try:
        user = create(db.session, email=email, password=password, role=role, name=name,
                      police_unit=police_unit, municipality=municipality)  # fmt: skip
    except StophelingError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"created user {user.id} ({user.email}, {user.role})")


@click.command("erase-expired-sellers")
@click.option("--years", type=int, help="Years to keep (STOPHELING_SELLER_RETENTION_YEARS).")
@with_appcontext
def erase_expired_sellers(years: int | None) -> None:
    """Erase sellers' and buyers' personal data from register entries older than the
    retention period; the items stay and every chain still verifies (the worker runs it
    daily)."""
    from flask import current_app

    from .dealers.retention import erase_expired
    from .stolen.models import utcnow

    if years is None:
        years = current_app.config["SELLER_RETENTION_YEARS"]
    if years < 1:
        raise click.UsageError("The retention period is at least one year.")
    done = erase_expired(db.session, now=utcnow(), years=years)
    click.echo(
        f"erased the personal data of {done.purchases} purchase and {done.sales} sale entries "
        f"recorded before {done.cutoff.isoformat(timespec='seconds')}"
    )


@click.command("verify-register")
@click.argument("dealer")
@with_appcontext
def verify_register(dealer: str) -> None:
    """Verify a dealer's purchase and sales registers (DEALER: its id or KvK number); names
    the first entry that does not fit and exits 1, or exits 0 when both chains hold."""
    from .dealers.models import Dealer
    from .dealers.register import verify_register as verify

    found = list(db.session.scalars(select(Dealer).where(Dealer.kvk == dealer)))
    if not found and dealer.isdigit() and len(dealer) < 8:
        found = [d for d in [db.session.get(Dealer, int(dealer))] if d is not None]
    if not found:
        raise click.ClickException(f"No dealer with id or KvK number {dealer}.")
    failed = False
    for d in found:
        for register, name in (("purchase", "purchase register"), ("sale", "sales register")):
            broken = verify(db.session, d.id, register)
            if broken is None:
                click.echo(f"{d.name} (id {d.id}, KvK {d.kvk}) {name}: every entry fits")
            else:
                failed = True
                click.echo(f"{d.name} (id {d.id}, KvK {d.kvk}) {name}: entry {broken.number} "
                           f"does not fit: {broken.message}")  # fmt: skip
    if failed:
        sys.exit(1)
