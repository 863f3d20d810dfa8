"""Configuration: defaults in code, overridden by environment variables (STOPHELING_*,
DATABASE_URL, REDIS_URL, SECRET_KEY). Refuses a development secret in production."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - refused outside development
DEV_VAULT_KEY = "dev-only-vault-key"  # refused outside development
DEFAULT_INSTANCE = Path(os.environ.get("STOPHELING_INSTANCE", Path.cwd() / "instance"))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def from_environment() -> dict[str, Any]:
    """Every setting with its default; the README lists them."""
    env = os.environ.get("STOPHELING_ENV", "development")
    return {
        "ENV_NAME": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_INSTANCE / 'stopheling.sqlite3'}")
        ),
        # hide_parameters: a database error's message never carries the values (identifiers
        # and plates are personal data and must not reach the logs).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "memory://"),
        "CHECK_RATE_LIMIT": os.environ.get("STOPHELING_CHECK_RATE_LIMIT", "60/minute;2000/day"),
        "CHECK_RATE_LIMIT_APP": os.environ.get("STOPHELING_CHECK_RATE_LIMIT_APP", "6000/minute"),
        "SCAN_RATE_LIMIT": os.environ.get("STOPHELING_SCAN_RATE_LIMIT", "20/minute"),
        # Any request body; the scan limit below is the contract's (413 above it).
        "MAX_CONTENT_LENGTH": _int("STOPHELING_MAX_REQUEST_BYTES", 11 * 1024 * 1024),
        "SCAN_MAX_BYTES": _int("STOPHELING_SCAN_MAX_BYTES", 10 * 1024 * 1024),
        "SCAN_MAX_PIXELS": _int("STOPHELING_SCAN_MAX_PIXELS", 40_000_000),
        "SCAN_CONCURRENCY": _int("STOPHELING_SCAN_CONCURRENCY", 1),
        "OCR_ENGINE": os.environ.get("STOPHELING_OCR_ENGINE", "rapidocr"),
        "IMPORT_MAX_BYTES": _int("STOPHELING_IMPORT_MAX_BYTES", 512 * 1024 * 1024),
        "TRUSTED_PROXIES": _int("STOPHELING_TRUSTED_PROXIES", 0),
        "LOG_FORMAT": os.environ.get(
            "STOPHELING_LOG_FORMAT", "json" if env == "production" else "text"
        ),
        "REPORT_RATE_LIMIT": os.environ.get("STOPHELING_REPORT_RATE_LIMIT", "10/hour;30/day"),
        "LOGIN_RATE_LIMIT": os.environ.get("STOPHELING_LOGIN_RATE_LIMIT", "10/minute;50/hour"),
        "PUBLIC_BASE_URL": os.environ.get("STOPHELING_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
        **delivery_settings(),
        **operations_settings(),
        **vault_settings(),
        **register_oversight_settings(),
        "BABEL_DEFAULT_LOCALE": "nl",
        "LANGUAGES": ("nl", "en"),
        "SESSION_COOKIE_SECURE": False,  # forced on in production by check()
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "OPENAPI_VERSION": "3.1.0",
        "SYNC_LOCAL_SPEC": False,
        "VALIDATION_ERROR_STATUS_CODE": 400,
    }


def delivery_settings() -> dict[str, Any]:
    """The delivery worker: retries, backoff, circuit breaker, SMTP (README lists them)."""
    return {
        "DELIVERY_BACKOFF_BASE_MS": _int("STOPHELING_DELIVERY_BACKOFF_BASE_MS", 2000),
        "DELIVERY_BACKOFF_MAX_MS": _int("STOPHELING_DELIVERY_BACKOFF_MAX_MS", 3_600_000),
        "DELIVERY_MAX_ATTEMPTS": _int("STOPHELING_DELIVERY_MAX_ATTEMPTS", 15),
        "DELIVERY_LEASE_SECONDS": float(os.environ.get("STOPHELING_DELIVERY_LEASE_SECONDS", 60)),
        "DELIVERY_TIMEOUT_SECONDS": float(
            os.environ.get("STOPHELING_DELIVERY_TIMEOUT_SECONDS", 10)
        ),
        "DELIVERY_BREAKER_THRESHOLD": _int("STOPHELING_DELIVERY_BREAKER_THRESHOLD", 5),
        "DELIVERY_BREAKER_COOLDOWN_MS": _int("STOPHELING_DELIVERY_BREAKER_COOLDOWN_MS", 30_000),
        "DELIVERY_ALLOW_HTTP": os.environ.get("STOPHELING_DELIVERY_ALLOW_HTTP", "0") == "1",
        "WORKER_BATCH": _int("STOPHELING_WORKER_BATCH", 20),
        "WORKER_POLL_MS": _int("STOPHELING_WORKER_POLL_MS", 1000),
        "SMTP_HOST": os.environ.get("STOPHELING_SMTP_HOST", ""),
        "SMTP_PORT": _int("STOPHELING_SMTP_PORT", 25),
        "SMTP_STARTTLS": os.environ.get("STOPHELING_SMTP_STARTTLS", "0") == "1",
        "SMTP_USERNAME": os.environ.get("STOPHELING_SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("STOPHELING_SMTP_PASSWORD", ""),
        "MAIL_FROM": os.environ.get(
            "STOPHELING_MAIL_FROM", "stopheling <noreply@stopheling.invalid>"
        ),
    }


def vault_settings() -> dict[str, Any]:
    """Residents' accounts and vaults (README lists them)."""
    return {
        "VAULT_KEY": os.environ.get("STOPHELING_VAULT_KEY", DEV_VAULT_KEY),
        "VAULT_FILES_DIR": os.environ.get(
            "STOPHELING_VAULT_FILES_DIR", str(DEFAULT_INSTANCE / "vault-files")
        ),
        "VAULT_MAX_FILE_BYTES": _int("STOPHELING_VAULT_MAX_FILE_BYTES", 10 * 1024 * 1024),
        "VAULT_MAX_PIXELS": _int("STOPHELING_VAULT_MAX_PIXELS", 40_000_000),
        "VAULT_IMPORT_MAX_BYTES": _int("STOPHELING_VAULT_IMPORT_MAX_BYTES", 200 * 1024 * 1024),
        "ACCOUNT_RATE_LIMIT": os.environ.get("STOPHELING_ACCOUNT_RATE_LIMIT", "5/minute;30/hour"),
    }


def register_oversight_settings() -> dict[str, Any]:
    """Municipal oversight of the buyer register and retention of sellers' data (README)."""
    return {
        # Sellers' personal data is erased from register entries older than this (DOR: 4).
        "SELLER_RETENTION_YEARS": _int("STOPHELING_SELLER_RETENTION_YEARS", 4),
        # An entry recorded more than this many hours after the acquisition counts as late.
        "REGISTER_LATE_HOURS": _int("STOPHELING_REGISTER_LATE_HOURS", 24),
        "COMPLIANCE_WEEKS": _int("STOPHELING_COMPLIANCE_WEEKS", 8),
    }


def operations_settings() -> dict[str, Any]:
    """Overload, metrics, enumeration throttling and backups (README, docs/deploy.md)."""
    threads = _int("STOPHELING_THREADS", 4)
    return {
        # Checks at once per process (0: no limit); the rest wait CHECK_QUEUE_MS, then 503.
        "CHECK_CONCURRENCY": _int("STOPHELING_CHECK_CONCURRENCY", max(1, threads - 1)),
        "CHECK_QUEUE_MS": _int("STOPHELING_CHECK_QUEUE_MS", 250),
        # /metrics: a bearer token and/or client addresses (CIDRs); neither: 404 (dev: open).
        "METRICS_TOKEN": os.environ.get("STOPHELING_METRICS_TOKEN", ""),
        "METRICS_ALLOW": os.environ.get("STOPHELING_METRICS_ALLOW", ""),
        # Enumeration: this many distinct misses in the window throttle a client (429).
        "ENUMERATION_MISSES": _int("STOPHELING_ENUMERATION_MISSES", 50),
        "ENUMERATION_WINDOW_SECONDS": _int("STOPHELING_ENUMERATION_WINDOW_SECONDS", 600),
        "ENUMERATION_BLOCK_SECONDS": _int("STOPHELING_ENUMERATION_BLOCK_SECONDS", 900),
        # Folders of uploaded files in a backup (os.pathsep-separated); empty: every
        # setting named *_FILES_DIR.
        "UPLOAD_DIRS": os.environ.get("STOPHELING_UPLOAD_DIRS", ""),
    }


def normalize_database_url(url: str) -> str:
    """Accept the usual postgres:// and postgresql:// forms; we drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def check(config: dict[str, Any]) -> None:
    """Fail fast on settings that must never reach production; force secure cookies there."""
    if config.get("ENV_NAME") == "production":
        config["SESSION_COOKIE_SECURE"] = True
        if config.get("SECRET_KEY") in (None, "", DEV_SECRET) or len(config["SECRET_KEY"]) < 32:
            raise RuntimeError("SECRET_KEY must be set to a long random value in production.")
        if config.get("VAULT_KEY") in (None, "", DEV_VAULT_KEY) or len(config["VAULT_KEY"]) < 32:
            raise RuntimeError("STOPHELING_VAULT_KEY must be a long random value in production.")
        if config.get("RATELIMIT_STORAGE_URI", "").startswith("memory"):
            raise RuntimeError("Set REDIS_URL in production so that app servers share rate limits.")
