"""Stand-ins for a police unit's systems: a webhook endpoint that verifies signatures, an
SMTP server (aiosmtpd), and the delivery worker as a real process."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Endpoint:
    """A unit's webhook: answers 200 (or 500 when ``failing``), can stop listening and come
    back on the same port; records every request and whether its signature was valid."""

    def __init__(self, secret: str, port: int) -> None:
        self.secret, self.port = secret, port
        self.failing = False
        self.received: list[dict] = []  # every request: key, valid, status answered, body
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Endpoint:
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                expected = (
                    "sha256=" + hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
                )
                valid = hmac.compare_digest(
                    expected, self.headers.get("X-Stopheling-Signature", "")
                )
                status = 500 if endpoint.failing or not valid else 200
                with endpoint.lock:
                    endpoint.received.append(
                        {
                            "key": self.headers.get("Idempotency-Key"),
                            "valid": valid,
                            "status": status,
                            "body": json.loads(body),
                            "timestamp": self.headers.get("X-Stopheling-Timestamp"),
                        }
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def accepted_keys(self) -> Counter:
        """How often each idempotency key was answered with 200."""
        with self.lock:
            return Counter(r["key"] for r in self.received if r["status"] == 200)

    def requests(self) -> list[dict]:
        with self.lock:
            return list(self.received)


class Mailbox:
    """aiosmtpd on a free port; collects the messages it receives."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        mailbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                message = message_from_bytes(envelope.content, policy=policy.default)
                mailbox.messages.append((envelope.rcpt_tos, message))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def start_worker(database_url: str, **settings: str) -> subprocess.Popen:
    """``stopheling worker`` as its own process, with short test timings."""
    env = (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "STOPHELING_DELIVERY_BACKOFF_BASE_MS": "50",
            "STOPHELING_DELIVERY_BACKOFF_MAX_MS": "400",
            "STOPHELING_DELIVERY_MAX_ATTEMPTS": "100",
            "STOPHELING_DELIVERY_BREAKER_THRESHOLD": "3",
            "STOPHELING_DELIVERY_BREAKER_COOLDOWN_MS": "200",
            "STOPHELING_DELIVERY_LEASE_SECONDS": "2",
            "STOPHELING_DELIVERY_TIMEOUT_SECONDS": "2",
            "STOPHELING_WORKER_POLL_MS": "50",
        }
        | settings
    )
    # The log goes to a file (a pipe nobody reads would fill up and block the worker);
    # the child keeps its own descriptor, so ours is closed at once.
    with tempfile.NamedTemporaryFile("wb", prefix="worker-", suffix=".log", delete=False) as log:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "stopheling"), "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


def stop_worker(process: subprocess.Popen) -> int | None:
    """SIGTERM and wait: the worker finishes the job in hand and exits 0."""
    process.terminate()
    try:
        process.wait(timeout=60)  # generous: CI machines can be slow under load
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()  # reap it, so no zombie outlives the test
    return process.returncode


def wait_for(condition, seconds: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
