"""Real processes for the operations tests: gunicorn servers and delivery workers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.conftest import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("STOPHELING_TEST_REDIS", "redis://127.0.0.1:6379/15")


@contextmanager
def gunicorn(database_url: str, **settings: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn serving the app with ``settings`` (environment variables) on a free port;
    yields its base URL and the process. Its log goes to a file (a pipe nobody reads would
    fill up and block the server)."""
    port = free_port()
    env = (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "STOPHELING_BIND": f"127.0.0.1:{port}",
            "STOPHELING_WORKERS": "1",
            "STOPHELING_ACCESS_LOG": "/dev/null",
            "STOPHELING_CHECK_RATE_LIMIT": "100000/minute",
            "STOPHELING_SCAN_RATE_LIMIT": "100000/minute",
            "STOPHELING_REPORT_RATE_LIMIT": "100000/minute",
            "STOPHELING_LOGIN_RATE_LIMIT": "100000/minute",
        }
        | settings
    )
    with tempfile.NamedTemporaryFile("wb", prefix="gunicorn-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_up(base + "/healthz", process)
        except RuntimeError:
            raise RuntimeError(Path(log.name).read_text()[-3000:]) from None
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        Path(log.name).unlink(missing_ok=True)


def start_worker(database_url: str, log: Path, **settings: str) -> subprocess.Popen:
    """`stopheling worker` with JSON logs into ``log`` (appended)."""
    env = os.environ | {"DATABASE_URL": database_url, "STOPHELING_WORKER_POLL_MS": "50",
                        "STOPHELING_LOG_FORMAT": "json"} | settings  # fmt: skip
    with log.open("ab") as stream:
        return subprocess.Popen([str(Path(sys.executable).parent / "stopheling"), "worker"],
                                cwd=ROOT, env=env, stdout=stream, stderr=stream)  # fmt: skip
