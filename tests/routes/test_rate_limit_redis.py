"""With Redis configured, app servers share one rate limit per client (Flask-Limiter)."""

import os
import uuid

REDIS = os.environ.get("STOPHELING_TEST_REDIS", "redis://127.0.0.1:6379/15")


def test_two_app_servers_share_the_limit_through_redis(app_with):
    config = {"RATELIMIT_STORAGE_URI": REDIS, "CHECK_RATE_LIMIT": "4/minute"}
    first, second = app_with(**config).test_client(), app_with(**config).test_client()
    # A client address of its own keeps this run apart from others sharing the Redis.
    client_address = {"REMOTE_ADDR": f"127.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7"}

    def check(client, q="ABC123456"):
        return client.get("/api/v1/check", query_string={"q": q},
                          environ_base=client_address).status_code  # fmt: skip

    assert [check(c) for c in (first, second, first, second, first)] == [200] * 4 + [429]
    assert check(second, "X1234567") == 429
