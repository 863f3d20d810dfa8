"""Graceful shutdown: on SIGTERM gunicorn finishes the requests in progress before it exits,
and the delivery worker finishes the delivery in hand and gives back the rest untried."""

from __future__ import annotations

import io
import signal
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import sqlalchemy as sa
from PIL import Image

from stopheling.extensions import db
from stopheling.reports.channels import add_channel
from stopheling.reports.models import DeliveryJob
from stopheling.reports.service import ReportInput, submit_report
from tests.e2e.conftest import free_port

from .conftest import gunicorn, start_worker

pytestmark = [pytest.mark.slow]


def noisy_photo() -> bytes:
    """A 12-megapixel photo of noise: every scanner stage runs, about a second or more."""
    pixels = np.random.default_rng(7).integers(0, 255, (3000, 4000, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=75)
    return out.getvalue()


def test_gunicorn_finishes_the_requests_in_progress_on_sigterm(database_url):
    photo = noisy_photo()
    boundary = "----drain"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
        f'filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
    ).encode()
    body += photo + f"\r\n--{boundary}--\r\n".encode()  # fmt: skip
    with gunicorn(database_url, STOPHELING_WORKERS="1") as (base, server):
        answer: dict = {}

        def scan() -> None:
            request = urllib.request.Request(
                base + "/api/v1/scan", data=body,
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )  # fmt: skip
            with urllib.request.urlopen(request, timeout=60) as response:  # loopback
                answer["status"], answer["at"] = response.status, time.monotonic()
                response.read()

        thread = threading.Thread(target=scan)
        thread.start()
        time.sleep(0.5)  # the upload is in; the scan runs (it takes more than a second)
        signalled = time.monotonic()
        server.send_signal(signal.SIGTERM)
        thread.join(timeout=60)
        assert server.wait(timeout=40) == 0
    assert answer["status"] == 200
    assert answer["at"] > signalled  # it was answered after the signal: drained, not cut


class SlowEndpoint:
    """A webhook that takes ``delay`` seconds to answer 200; records every request."""

    def __init__(self, delay: float) -> None:
        self.delay, self.started, self.finished = delay, threading.Event(), []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self.rfile.read(int(self.headers["Content-Length"]))
                endpoint.started.set()
                time.sleep(endpoint.delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                endpoint.finished.append(self.headers.get("Idempotency-Key"))

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_sigterm_lets_the_worker_finish_the_delivery_in_hand(app, add_items, database_url,
                                                             tmp_path):  # fmt: skip
    (ref,) = add_items({"kind": "serial", "identifier": "SIGTERM12345"})
    endpoint = SlowEndpoint(delay=2.0)
    with app.app_context():
        add_channel(db.session, "AM", "webhook", endpoint.url, secret="s", allow_http=True)
        for n in range(3):
            submit_report(db.session, ReportInput(ref=ref, where="markt", phone=f"06{n:08d}"))
        db.session.commit()
    worker = start_worker(database_url, tmp_path / "worker.log", STOPHELING_WORKER_BATCH="3")
    try:
        assert endpoint.started.wait(30), "the worker never started a delivery"
        worker.send_signal(signal.SIGTERM)  # mid-delivery: the endpoint is still answering
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        endpoint.stop()
    with app.app_context():
        states = dict(
            db.session.execute(
                sa.select(DeliveryJob.state, sa.func.count()).group_by(DeliveryJob.state)
            ).all()
        )
        pending = db.session.scalars(
            sa.select(DeliveryJob).where(DeliveryJob.state == "pending")).all()  # fmt: skip
        # The one in hand was finished and recorded; the others were given back untried.
        assert states == {"done": 1, "pending": 2} and len(endpoint.finished) == 1
        assert all(j.lease_until is None and j.attempts == 0 for j in pending)
        db.session.rollback()
