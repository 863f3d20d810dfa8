"""Acceptance 3: no stored serial number is in the database in plain text; the owner's
searches still work through the keyed hash, and a different key reads nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from stopheling.extensions import db
from stopheling.vault.crypto import VaultCipher

from .conftest import add_item

SECRETS = {
    "serial": ("sn: ab-47 11 xk 9", ["AB4711XK9", "ab-47 11 xk 9", "AB-47 11 XK 9"]),
    "imei": ("35 693803 564380 9", ["356938035643809", "35 693803 564380 9"]),
    "frame": ("WAW 123456 K", ["WAW123456K", "WAW 123456 K"]),
    "vin": ("WVWZZZ1JZXW000001", ["WVWZZZ1JZXW000001"]),
    "plate": ("12-AB-CD", ["12ABCD", "12-AB-CD"]),
}


def test_the_database_file_holds_no_identifier_in_plain_text(resident, vault_app):
    client = resident()
    add_item(
        client,
        identifiers=[(kind, typed) for kind, (typed, _) in SECRETS.items()],
        brand="Gazelle",
    )
    # every identifier works in the owner's search (through the keyed hash)
    for _, (_, spellings) in SECRETS.items():
        assert "Gazelle" in client.get("/spullen/", query_string={"q": spellings[0]}).text
    with vault_app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            path = Path(engine.url.database)
            blobs = [p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()]
        else:
            blobs = [_postgres_dump(engine)]
        engine.dispose()
    assert any(b"Gazelle" in blob for blob in blobs)  # the file does hold the item
    needles = {s for _, (typed, spellings) in SECRETS.items() for s in [typed, *spellings]}
    for needle in sorted(needles):
        for variant in {needle, needle.upper(), needle.replace(" ", ""), needle.replace("-", "")}:
            for blob in blobs:
                assert variant.encode() not in blob, variant
                assert variant.encode("utf-16-le") not in blob, variant


def _postgres_dump(engine) -> bytes:
    """Every vault row as text (the identifiers' bytea in hex and as escaped text)."""
    out = []
    with engine.connect() as conn:
        for table in ("vault_items", "vault_identifiers", "vault_files", "users", "audit_log"):
            out += [row[0] for row in conn.execute(sa.text(f"SELECT t::text FROM {table} t"))]
        out += [
            bytes(row[0]).decode("latin-1")
            for row in conn.execute(sa.text("SELECT value FROM vault_identifiers"))
        ]
    return "\n".join(out).encode()


def test_ciphertexts_are_random_and_need_the_key():
    a, b = VaultCipher.from_secret("key one " * 5), VaultCipher.from_secret("key two " * 5)
    value = {"text": "AB4711", "normalized": "AB4711", "display": "AB4711"}
    blob = a.encrypt(value)
    assert a.decrypt(blob) == value and a.encrypt(value) != blob
    with pytest.raises(ValueError):
        b.decrypt(blob)


def test_lookup_hashes_depend_on_owner_kind_and_key():
    c = VaultCipher.from_secret("k" * 40)
    base = c.lookup(1, "serial", "AB4711")
    assert base == c.lookup(1, "serial", "AB4711") and len(base) == 64
    assert base != c.lookup(2, "serial", "AB4711")  # two owners of one thing are not linkable
    assert base != c.lookup(1, "frame", "AB4711")
    assert base != VaultCipher.from_secret("x" * 40).lookup(1, "serial", "AB4711")


def test_production_refuses_the_development_vault_key():
    from stopheling import config

    settings = {
        "ENV_NAME": "production", "SECRET_KEY": "s" * 40, "VAULT_KEY": config.DEV_VAULT_KEY,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
    }  # fmt: skip
    with pytest.raises(RuntimeError, match="VAULT_KEY"):
        config.check(settings)
    config.check(settings | {"VAULT_KEY": "v" * 40})
    assert settings["SESSION_COOKIE_SECURE"] is True
