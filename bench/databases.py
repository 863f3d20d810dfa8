"""Benchmark databases: create, migrate, import (timed) and drop; the bare bulk insert.

SQLite is a file in the run's temporary folder; PostgreSQL gets its own database,
created and dropped through the ``test`` database (trust authentication).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
STOPHELING = [str(Path(sys.executable).with_name("stopheling"))]
PG_ADMIN = os.environ.get("STOPHELING_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
BARE_COLUMNS = ("kind", "identifier", "police_unit", "reported_on", "source_id", "case_ref",
                "category", "brand", "colour", "description")  # fmt: skip
BARE_BATCH = 10_000


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """A fresh, migrated database of ``kind``; yields its URL and drops it afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        try:
            migrate(url)
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                (workdir / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
        return
    name = f"stopheling_bench_{os.getpid()}"
    _pg_admin(f"CREATE DATABASE {name}")
    try:
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
        migrate(url)
        yield url
    finally:
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def migrate(url: str) -> None:
    env = os.environ | {"DATABASE_URL": url}
    subprocess.run([*STOPHELING, "db", "upgrade"], env=env, check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def timed_import(url: str, path: Path, items: int) -> dict[str, Any]:
    """``stopheling import-stolen`` as a child process: its rate and peak memory.

    The peak is the child's VmHWM in /proc, sampled until it exits: ru_maxrss would
    also count the copy of this (larger) process between fork and exec."""
    env = os.environ | {"DATABASE_URL": url}
    start = time.perf_counter()
    proc = subprocess.Popen([*STOPHELING, "import-stolen", str(path)], env=env, cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        status, peak_kb = _wait_sampling(proc.pid)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read().decode() if proc.stdout else ""
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise RuntimeError(f"import-stolen failed ({proc.returncode}): {err[-2000:]}")
    return {
        "items": items,
        "seconds": round(seconds, 1),
        "items_per_s": round(items / seconds),
        "peak_rss_mb": round(peak_kb / 1024),
        "output": out.strip(),
    }


def _wait_sampling(pid: int) -> tuple[int, int]:
    """Wait for ``pid``; returns its wait status and its peak resident size in kB."""
    peak = 0
    while True:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as f:
                hwm = next((line for line in f if line.startswith("VmHWM:")), "VmHWM: 0 kB")
            peak = max(peak, int(hwm.split()[1]))
        except OSError:
            pass
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, peak or usage.ru_maxrss
        time.sleep(0.25)


def bare_insert(url: str, path: Path, items: int) -> dict[str, Any]:
    """The floor: the same NDJSON rows, parsed and bulk-inserted into a plain table
    without indexes (executemany on SQLite, COPY on PostgreSQL), committed per batch."""
    start = time.perf_counter()
    if url.startswith("sqlite"):
        _bare_sqlite(url.removeprefix("sqlite:///"), path)
    else:
        _bare_postgresql(url, path)
    seconds = time.perf_counter() - start
    return {"items": items, "seconds": round(seconds, 1), "items_per_s": round(items / seconds)}


def _rows(path: Path) -> Iterator[tuple[Any, ...]]:
    with path.open("rb") as lines:
        for line in lines:
            data = json.loads(line)
            yield tuple(data.get(c) for c in BARE_COLUMNS)


def _batches(path: Path) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in _rows(path):
        batch.append(row)
        if len(batch) >= BARE_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _bare_ddl() -> str:
    return "CREATE TABLE bench_bare (" + ", ".join(f"{c} TEXT" for c in BARE_COLUMNS) + ")"


def _bare_sqlite(filename: str, path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(filename)
    try:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):  # as the app sets them
            conn.execute(f"PRAGMA {pragma}")
        conn.execute(_bare_ddl())
        marks = ", ".join("?" for _ in BARE_COLUMNS)
        for batch in _batches(path):
            conn.executemany(f"INSERT INTO bench_bare VALUES ({marks})", batch)
            conn.commit()
        conn.execute("DROP TABLE bench_bare")
        conn.commit()
    finally:
        conn.close()


def _bare_postgresql(url: str, path: Path) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(_bare_ddl())  # type: ignore[arg-type]
        conn.commit()
        copy = f"COPY bench_bare ({', '.join(BARE_COLUMNS)}) FROM STDIN"
        for batch in _batches(path):
            with conn.cursor().copy(copy) as cp:  # type: ignore[arg-type]
                for row in batch:
                    cp.write_row(row)
            conn.commit()
        conn.execute("DROP TABLE bench_bare")
        conn.commit()


def versions(url: str) -> str:
    """The database server's version, e.g. 'SQLite 3.40.1' or 'PostgreSQL 15.20'."""
    if url.startswith("sqlite"):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0].split()[0] if row else '?'}"
