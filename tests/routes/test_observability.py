"""Request ids on answers and in log lines; JSON log lines."""

import json
import logging

from stopheling.observability import JsonFormatter, RequestIdFilter


def test_every_answer_has_a_request_id_and_a_sane_given_one_is_kept(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second
    kept = client.get("/healthz", headers={"X-Request-ID": "app-4711.retry-2"})
    assert kept.headers["X-Request-ID"] == "app-4711.retry-2"
    for forged in ("<script>alert(1)</script>", "x" * 500, "short"):
        answer = client.get("/healthz", headers={"X-Request-ID": forged})
        assert answer.headers["X-Request-ID"] != forged


def test_json_log_line_carries_the_request_id(app):
    record = logging.LogRecord("stopheling.test", logging.WARNING, __file__, 1, "hello %s",
                               ("world",), None)  # fmt: skip
    with app.test_request_context("/"):
        from flask import g

        g.request_id = "req-12345678"
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world" and line["request_id"] == "req-12345678"
    assert line["level"] == "WARNING"
