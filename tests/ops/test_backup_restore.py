"""Acceptance 3: scripts/backup and scripts/restore give back every table and every file
exactly: fill every table, dump, wipe, restore, compare row for row and byte for byte.

Tables are filled through the app's services where this test knows them, and with one
generated row otherwise (iterating the metadata), so that a table added later is covered
without touching this test."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import types

from stopheling.accounts.audit import record
from stopheling.accounts.tokens import create_token
from stopheling.backup import upload_dirs
from stopheling.extensions import db
from stopheling.reports.channels import add_channel
from stopheling.reports.service import ReportInput, submit_report

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]


# --- filling every table ------------------------------------------------------------------


def _in_choice(table: sa.Table, column: sa.Column) -> str | None:
    """The first value a CHECK (column IN ('a', 'b')) constraint allows."""
    for constraint in table.constraints:
        if isinstance(constraint, sa.CheckConstraint):
            found = re.search(rf"\b{column.name} IN \('([^']*)'", str(constraint.sqltext))
            if found:
                return found.group(1)
    return None


def _sample(table: sa.Table, column: sa.Column):
    choice = _in_choice(table, column)
    if choice is not None:
        return choice
    kind = column.type
    if isinstance(kind, types.Enum):
        return kind.enums[0]
    if isinstance(kind, types.Boolean):
        return True
    if isinstance(kind, types.Integer):
        return 1
    if isinstance(kind, types.Numeric):
        return 1.5
    if isinstance(kind, types.DateTime):
        return datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC if kind.timezone else None)
    if isinstance(kind, types.Date):
        return date(2026, 3, 4)
    if isinstance(kind, types.LargeBinary):
        return bytes(range(256))
    if isinstance(kind, types.JSON):
        return {"kleur": ["één", 2]}
    if isinstance(kind, types.String):
        text = f"é-{table.name}-{column.name}"
        return text[: kind.length] if kind.length else text
    raise AssertionError(f"no sample value for {table.name}.{column.name} ({kind!r})")


def fill_generically(conn: sa.Connection, table: sa.Table) -> None:
    """One row in every column, references pointing at existing rows."""
    row = {}
    for column in table.columns:
        single_int_key = (
            column.primary_key and len(table.primary_key.columns) == 1
            and isinstance(column.type, types.Integer) and not column.foreign_keys
        )  # fmt: skip
        if single_int_key:
            continue  # the database numbers it
        if column.foreign_keys:
            target = next(iter(column.foreign_keys)).column
            row[column.name] = conn.scalar(sa.select(target).order_by(target).limit(1))
        else:
            row[column.name] = _sample(table, column)
    conn.execute(table.insert().values(row))


def fill_every_table(app, add_items, make_user) -> None:
    (ref, _) = add_items(
        {"kind": "serial", "identifier": "BACKUP1234567", "brand": "Gazelle",
         "description": "Blauw, één mand \u202e"},
        {"kind": "plate", "identifier": "99-XYZ-9"},
    )  # fmt: skip
    make_user("police", "AM")
    make_user("admin")
    with app.app_context():
        add_channel(db.session, "AM", "webhook", "https://politie.invalid/hook", secret="s3cret")
        photo = (ROOT / "static" / "favicon.svg").read_bytes()  # any bytes; a PNG below
        png = b"\x89PNG\r\n\x1a\n" + photo
        submit_report(db.session, ReportInput(ref=ref, where="Marktplaats", phone="0612345678",
                                              email="a@example.invalid", photo=png))  # fmt: skip
        create_token(db.session, kind="app", label="backup-test")
        record(db.session, actor="test", action="view", subject="x", reason="backup test")
        db.session.commit()
        failures = {}
        for table in db.metadata.sorted_tables:
            try:
                with db.engine.begin() as conn:
                    if not conn.scalar(sa.select(sa.func.count()).select_from(table)):
                        fill_generically(conn, table)
            except sa.exc.DBAPIError as exc:
                failures[table.name] = str(exc.orig)[:300]
        db.engine.dispose()
    assert failures == {}, failures


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table (and the schema revision), in primary-key order."""
    tables = {}
    with app.app_context():
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = conn.execute(sa.select(table).order_by(*order))
                tables[table.name] = [tuple(row) for row in rows]
            version = conn.execute(sa.text("SELECT * FROM alembic_version"))
            tables["alembic_version"] = [tuple(row) for row in version]
        db.engine.dispose()
    return tables


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def write_files(folder: Path, seed: int) -> None:
    (folder / "ab" / "cd").mkdir(parents=True)
    (folder / "ab" / "cd" / f"{seed:08x}.jpg").write_bytes(os.urandom(100_000))
    (folder / "ab" / "leeg.bin").write_bytes(b"")
    (folder / "één – bon.pdf").write_bytes(bytes(range(256)) * 10)


# --- wiping ----------------------------------------------------------------------------


def wipe(app, database_url: str, folders: list[Path]) -> None:
    with app.app_context():
        db.engine.dispose()
    if database_url.startswith("sqlite"):
        path = Path(sa.engine.make_url(database_url).database)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    for folder in folders:
        shutil.rmtree(folder)


def run(script: str, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run([str(ROOT / "scripts" / script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_backup_then_restore_gives_back_every_table_and_every_file(
    app, add_items, make_user, database_url, tmp_path
):
    vault, photos = tmp_path / "vault-files", tmp_path / "photos"
    write_files(vault, 1)
    write_files(photos, 2)
    fill_every_table(app, add_items, make_user)
    before = snapshot(app)
    assert all(before.values()), [name for name, rows in before.items() if not rows]
    env = os.environ | {
        "DATABASE_URL": database_url,
        "STOPHELING_INSTANCE": str(tmp_path / "instance"),
        "STOPHELING_UPLOAD_DIRS": os.pathsep.join([f"vault={vault}", f"photos={photos}"]),
    }
    target = tmp_path / "backup"
    run("backup", str(target), env=env)
    assert sorted(p.name for p in target.iterdir()) == sorted(
        ["manifest.json", "files.tar",
         "database.sqlite3" if database_url.startswith("sqlite") else "database.pgdump"]
    )  # fmt: skip
    expected_files = {"vault": files(vault), "photos": files(photos)}

    wipe(app, database_url, [vault, photos])
    assert not vault.exists()
    run("restore", str(target), "--yes", env=env)

    after = snapshot(app)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    assert {"vault": files(vault), "photos": files(photos)} == expected_files
    # The restored database works as before: the containment index answers a partial
    # number, and new rows get fresh ids (PostgreSQL's sequences came back too).
    client = app.test_client()
    partial = client.get("/api/v1/check", query_string={"q": "BACKUP12345"}).get_json()
    assert [m["identifier"] for m in partial["near"] + partial["matches"]] == ["BACKUP1234567"]
    add_items({"kind": "serial", "identifier": "AFTERRESTORE1"})


def test_a_damaged_backup_is_refused_before_anything_is_touched(
    app, add_items, database_url, tmp_path
):
    add_items({"kind": "serial", "identifier": "DAMAGED12345"})
    env = os.environ | {"DATABASE_URL": database_url, "STOPHELING_UPLOAD_DIRS": "",
                        "STOPHELING_INSTANCE": str(tmp_path / "instance")}  # fmt: skip
    target = tmp_path / "backup"
    run("backup", str(target), env=env)
    before = snapshot(app)
    with (target / "files.tar").open("ab") as tar:
        tar.write(b"\x00")
    done = subprocess.run([str(ROOT / "scripts" / "restore"), str(target), "--yes"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode != 0 and "checksum" in done.stderr
    assert snapshot(app) == before


def test_the_upload_folders_are_every_files_dir_setting_or_the_explicit_list():
    config = {"VAULT_FILES_DIR": "/srv/vault", "REPORT_FILES_DIR": "/srv/r", "OTHER": "/x",
              "UPLOAD_DIRS": ""}  # fmt: skip
    assert upload_dirs(config) == {"report": Path("/srv/r"), "vault": Path("/srv/vault")}
    config["UPLOAD_DIRS"] = os.pathsep.join(["kluis=/data/kluis", "/data/fotos"])
    assert upload_dirs(config) == {"kluis": Path("/data/kluis"), "fotos": Path("/data/fotos")}


def test_the_scripts_say_how_to_use_them():
    done = subprocess.run([sys.executable, "-m", "stopheling.backup"], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "dump" in done.stderr
