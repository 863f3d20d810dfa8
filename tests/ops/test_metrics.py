"""/metrics: Prometheus text of requests, latencies, checks, scans, deliveries and the queue,
added up over gunicorn's worker processes and the delivery worker; hidden from the public."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request

import pytest
from PIL import Image

from stopheling.extensions import db
from stopheling.metrics import allowed
from stopheling.reports.channels import add_channel
from stopheling.reports.service import ReportInput, submit_report
from tests.e2e.conftest import free_port
from tests.e2e.delivery import Endpoint, start_worker, stop_worker, wait_for

from .conftest import gunicorn


def value(text: str, name: str, **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        match = re.match(rf"^{name}(?:\{{(.*)\}})? (\S+)$", line)
        if not match:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            total += float(match.group(2))
    return total


def test_checks_scans_requests_and_the_queue_are_counted(client, add_items, app):
    before = client.get("/metrics").get_data(as_text=True)
    (ref,) = add_items({"kind": "serial", "identifier": "METRIC12345"})
    client.get("/api/v1/check", query_string={"q": "METRIC12345"})  # hit
    client.get("/api/v1/check", query_string={"q": "METRIC12346"})  # near
    client.get("/controleren", query_string={"q": "QQQQQ99999"})  # miss (the page)
    png = io.BytesIO()
    Image.new("RGB", (200, 100), (255, 255, 255)).save(png, "PNG")
    client.post("/api/v1/scan", data={"image": (io.BytesIO(png.getvalue()), "x.png")},
                content_type="multipart/form-data")  # fmt: skip
    client.post("/api/v1/scan", data={"image": (io.BytesIO(b"%PDF-1.4"), "x.jpg")},
                content_type="multipart/form-data")  # fmt: skip
    with app.app_context():
        add_channel(db.session, "AM", "webhook", "https://politie.invalid/h", secret="s")
        submit_report(db.session, ReportInput(ref=ref, where="markt", phone="0612345678"))
        db.session.commit()
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    after = response.get_data(as_text=True)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("stopheling_checks_total", kind="serial", outcome="hit") == 1
    assert grew("stopheling_checks_total", kind="serial", outcome="near") == 1
    assert grew("stopheling_checks_total", outcome="miss") >= 1
    assert grew("stopheling_scans_total", outcome="nothing") == 1
    assert grew("stopheling_scans_total", outcome="not_an_image") == 1
    assert grew("stopheling_http_requests_total", endpoint="api.check", method="GET",
                status="200") == 2  # fmt: skip
    assert grew("stopheling_http_request_duration_seconds_count", endpoint="api.scan") == 2
    assert value(after, "stopheling_delivery_jobs", kind="webhook", state="pending") == 1
    assert value(after, "stopheling_delivery_queue_depth") == 1
    assert value(after, "stopheling_delivery_queue_oldest_seconds") >= 0
    assert "METRIC12345" not in after  # identifiers never become labels


@pytest.mark.parametrize(
    ("config", "authorization", "address", "expected"),
    [
        ({"ENV_NAME": "development"}, "", "203.0.113.9", True),
        ({"ENV_NAME": "production"}, "", "127.0.0.1", False),
        ({"ENV_NAME": "production", "METRICS_TOKEN": "t0ken-1234567890"}, "", "127.0.0.1", False),
        ({"ENV_NAME": "production", "METRICS_TOKEN": "t0ken-1234567890"}, "Bearer wrong", None,
         False),
        ({"ENV_NAME": "production", "METRICS_TOKEN": "t0ken-1234567890"},
         "Bearer t0ken-1234567890", "203.0.113.9", True),
        ({"ENV_NAME": "production", "METRICS_ALLOW": "10.0.0.0/8, 192.0.2.7"}, "", "10.1.2.3",
         True),
        ({"ENV_NAME": "production", "METRICS_ALLOW": "10.0.0.0/8, 192.0.2.7"}, "", "192.0.2.7",
         True),
        ({"ENV_NAME": "production", "METRICS_ALLOW": "10.0.0.0/8"}, "", "11.0.0.1", False),
        ({"ENV_NAME": "production", "METRICS_ALLOW": "10.0.0.0/8"}, "", "not-an-ip", False),
        ({"ENV_NAME": "development", "METRICS_TOKEN": "abc"}, "", "127.0.0.1", False),
    ],
)  # fmt: skip
def test_who_may_read_the_metrics(config, authorization, address, expected):
    assert allowed(config, authorization, address) is expected


def test_outside_development_metrics_are_hidden_unless_configured(app_with):
    hidden = app_with(ENV_NAME="staging").test_client()
    assert hidden.get("/metrics").status_code == 404
    token = app_with(ENV_NAME="staging", METRICS_TOKEN="s3cret-metrics-token").test_client()
    assert token.get("/metrics").status_code == 404
    bad = token.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 404
    good = token.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
    assert good.status_code == 200 and b"stopheling_http_requests_total" in good.data
    by_address = app_with(ENV_NAME="staging", METRICS_ALLOW="10.0.0.0/8").test_client()
    assert by_address.get("/metrics", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 200
    assert by_address.get("/metrics", environ_base={"REMOTE_ADDR": "8.8.8.8"}).status_code == 404


def scrape(base: str, token: str) -> str:
    request = urllib.request.Request(
        base + "/metrics", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # our loopback server
        return response.read().decode()


@pytest.mark.slow
def test_the_processes_of_gunicorn_and_the_worker_are_added_up(
    database_url, app, add_items, tmp_path
):
    (ref,) = add_items({"kind": "serial", "identifier": "MULTI123456"})
    endpoint = Endpoint("metrics-secret", free_port()).start()
    with app.app_context():
        add_channel(db.session, "AM", "webhook", endpoint.url, secret=endpoint.secret,
                    allow_http=True)  # fmt: skip
        for n in range(3):
            submit_report(db.session, ReportInput(ref=ref, where="markt", phone=f"06{n:08d}"))
        db.session.commit()
    shared = str(tmp_path / "metrics")
    settings = {
        "STOPHELING_WORKERS": "3",
        "STOPHELING_ENV": "staging",
        "STOPHELING_METRICS_TOKEN": "tok-123456789",
        "PROMETHEUS_MULTIPROC_DIR": shared,
    }
    with gunicorn(database_url, **settings) as (base, _):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/metrics", timeout=10)  # no token
        assert refused.value.code == 404
        refused.value.close()
        for _ in range(30):  # fresh connections: the kernel spreads them over the workers
            with urllib.request.urlopen(f"{base}/api/v1/check?q=MULTI123456", timeout=10) as r:
                r.read()
        worker = start_worker(database_url, PROMETHEUS_MULTIPROC_DIR=shared)
        try:
            wait_for(lambda: len(endpoint.accepted_keys()) == 3, what="three deliveries")
        finally:
            stop_worker(worker)
            endpoint.stop()
        text = scrape(base, "tok-123456789")
    assert value(text, "stopheling_checks_total", kind="serial", outcome="hit") == 30
    assert value(text, "stopheling_http_requests_total", endpoint="api.check") == 30
    assert value(text, "stopheling_delivery_attempts_total", kind="webhook",
                 outcome="success") == 3  # fmt: skip
    assert value(text, "stopheling_delivery_jobs", kind="webhook", state="done") == 3
    assert value(text, "stopheling_delivery_queue_depth") == 0
