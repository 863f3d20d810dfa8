"""The application factory: a readable list of steps."""

from __future__ import annotations

from datetime import date
from typing import Any

from apiflask import APIFlask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings
from .extensions import babel, csrf, db, limiter, login_manager, migrate
from .i18n import select_locale

API_DESCRIPTION = """Check whether an identifier (serial number, IMEI, bicycle frame number,
Dutch licence plate, VIN) is registered as stolen; scan a photo; report a hit; police
systems maintain the register. Every error has the shape
`{{"error": {{"code": "…", "message": "…"}}}}`.

Limits of this server (a limited request gets 429 with `Retry-After`): checks
{CHECK_RATE_LIMIT} per client address, or {CHECK_RATE_LIMIT_APP} per app key (`X-API-Key`);
scans {SCAN_RATE_LIMIT} per client; hit reports {REPORT_RATE_LIMIT} per client. Walking
through identifiers is throttled: {ENUMERATION_MISSES} different unregistered identifiers
that differ only in their last three characters within {ENUMERATION_WINDOW_SECONDS} seconds
block the client's checks for {ENUMERATION_BLOCK_SECONDS} seconds (429, code
`enumeration_throttled`). When too many checks or scans run at once the answer is 503 with
`Retry-After`: retry after that many seconds."""


def create_app(config: dict[str, Any] | None = None) -> APIFlask:
    app = APIFlask(
        __name__,
        title="stopheling API",
        version="1",
        spec_path="/api/v1/openapi.json",
        docs_path="/api/v1/docs",
        json_errors=False,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(settings.from_environment())
    app.config.from_mapping(config or {})
    settings.check(app.config)
    app.config["DESCRIPTION"] = API_DESCRIPTION.format_map(app.config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security(app)
    register_observability(app)
    register_metrics(app)
    register_template_helpers(app)
    register_commands(app)
    register_proxy(app)
    return app


def register_extensions(app: APIFlask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # psycopg prepares a statement after five runs, and PostgreSQL then may plan it
        # once for any value: for "key LIKE $1" that generic plan scans the whole table
        # instead of using the trigram index. Unprepared, every query is planned for its
        # own values.
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {})["prepare_threshold"] = None
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    from . import models  # noqa: F401 - every model known to the metadata


def register_blueprints(app: APIFlask) -> None:
    from .routes import admin, api, login, police, public, reports, scan

    app.register_blueprint(public.bp)
    app.register_blueprint(scan.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(login.bp)
    app.register_blueprint(police.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api.ops)
    from .routes import account, vault

    app.register_blueprint(account.bp)  # residents' accounts (issue 4)
    app.register_blueprint(vault.bp)
    from .routes import inspection

    app.register_blueprint(inspection.bp)  # inspection of dealers' registers (issue 6)
    from .routes import dealer, dealer_api, municipality

    app.register_blueprint(dealer.bp)  # dealers' registers (issue 6)
    app.register_blueprint(dealer_api.bp)
    app.register_blueprint(municipality.bp)
    csrf.exempt(dealer_api.bp)  # tokens, never cookies
    csrf.exempt(api.bp)  # the API authenticates with tokens, never with cookies


def register_errorhandlers(app: APIFlask) -> None:
    from .routes import errors

    errors.register(app)


def register_observability(app: APIFlask) -> None:
    from . import observability

    observability.register(app)


def register_metrics(app: APIFlask) -> None:
    from . import metrics

    metrics.register(app)


def register_security(app: APIFlask) -> None:
    from . import security

    security.register(app)


def register_template_helpers(app: APIFlask) -> None:
    from flask_babel import format_date, format_datetime, get_locale

    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "nl")
    app.jinja_env.filters["date_nl"] = lambda value: format_date(
        date.fromisoformat(value) if isinstance(value, str) else value, "long"
    )
    app.jinja_env.filters["datetime_nl"] = lambda value: format_datetime(value, "medium")


def register_commands(app: APIFlask) -> None:
    from .cli import register

    register(app)


def register_proxy(app: APIFlask) -> None:
    """Behind a reverse proxy, trust its X-Forwarded-* headers (for the client address)."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _migrations_dir() -> Any:
    from pathlib import Path

    return Path(__file__).resolve().parent / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys, let readers work during writes (WAL), wait on locks."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
