"""Security headers on pages and API answers."""

import pytest

from stopheling.security import CSP


@pytest.mark.parametrize("path", ["/", "/controleren?q=ABC123456", "/scannen", "/api/v1/check?q=x",
                                  "/healthz", "/bestaat-niet"])  # fmt: skip
def test_every_answer_carries_the_security_headers(client, path):
    r = client.get(path)
    assert r.headers["Content-Security-Policy"] == CSP
    assert "'unsafe-inline'" not in CSP and "frame-ancestors 'none'" in CSP
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in r.headers  # development: no HTTPS


def test_api_answers_are_not_cached(client):
    assert client.get("/api/v1/check?q=ABC123456").headers["Cache-Control"] == "no-store"


def test_production_refuses_a_development_secret_and_sends_hsts(database_url):
    from stopheling.app import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SQLALCHEMY_DATABASE_URI": database_url})
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "x" * 40, "VAULT_KEY": "v" * 40,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
                      "SQLALCHEMY_DATABASE_URI": database_url})  # fmt: skip
    r = app.test_client().get("/healthz")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    from stopheling.extensions import db

    with app.app_context():
        db.engine.dispose()
