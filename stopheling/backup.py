"""Back up and restore the database and the uploaded files (scripts/backup, scripts/restore).

A backup is one folder:

- ``database.pgdump`` (PostgreSQL: ``pg_dump -Fc``, restored with ``pg_restore``) or
  ``database.sqlite3`` (SQLite: a consistent copy made with SQLite's online backup API,
  safe while the service runs);
- ``files.tar``: every folder of uploaded files, each under its name;
- ``manifest.json``: when, which database kind and schema revision, which folders, and the
  SHA-256 of every part (checked before anything is restored).

The folders are the settings named ``*_FILES_DIR`` (the vault's ``VAULT_FILES_DIR`` and any
added later), or the explicit list in ``STOPHELING_UPLOAD_DIRS`` (``name=path`` entries
separated by ``os.pathsep``). Restoring replaces the database's content and each folder's
content with the backup's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

MANIFEST = "manifest.json"
FILES = "files.tar"


def upload_dirs(config: Any) -> dict[str, Path]:
    """The folders of uploaded files, by name."""
    explicit = str(config.get("UPLOAD_DIRS") or "")
    if explicit:
        dirs = {}
        for entry in filter(None, explicit.split(os.pathsep)):
            name, _, path = entry.rpartition("=")
            dirs[name or Path(path).name] = Path(path)
        return dirs
    return {
        key.removesuffix("_FILES_DIR").lower(): Path(str(value))
        for key, value in sorted(config.items())
        if key.endswith("_FILES_DIR") and value
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(*args: str, database_url: str) -> None:
    """Run pg_dump or pg_restore against ``database_url``; the password goes through the
    environment (PGPASSWORD), never onto the command line where ``ps`` shows it."""
    parsed = make_url(database_url).set(drivername="postgresql")
    env = os.environ | ({"PGPASSWORD": parsed.password} if parsed.password else {})
    uri = parsed.set(password=None).render_as_string(hide_password=False)
    # The tools and their arguments are ours; the URL is the operator's own setting.
    subprocess.run([*args, f"--dbname={uri}"], check=True, env=env)  # noqa: S603


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise SystemExit("An in-memory SQLite database cannot be backed up.")
    return Path(database)


def dump(database_url: str, dirs: dict[str, Path], target: Path, revision: str | None) -> Path:
    """Write a backup into the new folder ``target``; returns the manifest's path."""
    target.mkdir(parents=True, exist_ok=False)
    kind = make_url(database_url).get_backend_name()
    if kind == "postgresql":
        database = target / "database.pgdump"
        _pg_tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                 f"--file={database}", database_url=database_url)  # fmt: skip
    elif kind == "sqlite":
        database = target / "database.sqlite3"
        source = sqlite3.connect(_sqlite_path(database_url))
        copy = sqlite3.connect(database)
        try:
            with copy:
                source.backup(copy)  # a consistent snapshot, even while others write
        finally:
            copy.close()
            source.close()
    else:
        raise SystemExit(f"No backup procedure for {kind} databases.")
    with tarfile.open(target / FILES, "w") as tar:
        for name, folder in dirs.items():
            if folder.is_dir():
                tar.add(folder, arcname=name)
    manifest = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "revision": revision,
        "folders": sorted(dirs),
        "parts": {p.name: _sha256(p) for p in (database, target / FILES)},
    }
    path = target / MANIFEST
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    return path


def verify(source: Path) -> dict[str, Any]:
    """The manifest, after checking every part's checksum."""
    manifest = json.loads((source / MANIFEST).read_text())
    for name, digest in manifest["parts"].items():
        if _sha256(source / name) != digest:
            raise SystemExit(f"{name} does not match its checksum: the backup is damaged.")
    return dict(manifest)


def restore(database_url: str, dirs: dict[str, Path], source: Path) -> None:
    """Replace the database's and the folders' content with the backup in ``source``."""
    manifest = verify(source)
    kind = make_url(database_url).get_backend_name()
    if kind != manifest["database"]:
        raise SystemExit(f"This is a {manifest['database']} backup; the database is {kind}.")
    missing = sorted(set(manifest["folders"]) - set(dirs))
    if missing:
        raise SystemExit(f"No folder is configured for {', '.join(missing)}.")
    if kind == "postgresql":
        _pg_tool("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                 "--single-transaction", "--exit-on-error", str(source / "database.pgdump"),
                 database_url=database_url)  # fmt: skip
    else:
        backup = sqlite3.connect(source / "database.sqlite3")
        live = sqlite3.connect(_sqlite_path(database_url))
        try:
            with live:
                backup.backup(live)  # page by page: the live file gets the backup's content
        finally:
            live.close()
            backup.close()
    _restore_files(source / FILES, {name: dirs[name] for name in manifest["folders"]})


def _restore_files(archive: Path, dirs: dict[str, Path]) -> None:
    for folder in dirs.values():
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            name, _, rest = member.name.partition("/")
            if name not in dirs or not rest:
                continue
            member.name = rest
            tar.extract(member, dirs[name], filter="data")  # no links out, no odd modes


def main(argv: list[str]) -> int:
    """``python -m stopheling.backup dump [FOLDER]`` or ``… restore FOLDER [--yes]``."""
    from sqlalchemy import text

    from .app import create_app
    from .extensions import db

    if not argv or argv[0] not in ("dump", "restore"):
        print(main.__doc__, file=sys.stderr)
        return 2
    app = create_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    dirs = upload_dirs(app.config)
    if argv[0] == "dump":
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(argv[1]) if len(argv) > 1 else Path("backups") / f"stopheling-{stamp}"
        with app.app_context():
            revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
            db.engine.dispose()
        print(dump(url, dirs, target, revision).parent)
        return 0
    if len(argv) < 2:
        print("Give the backup folder to restore.", file=sys.stderr)
        return 2
    if "--yes" not in argv and sys.stdin.isatty():
        answer = input(f"Replace the database and {', '.join(dirs) or 'no folders'}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            return 1
    restore(url, dirs, Path(argv[1]))
    print(f"restored {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
