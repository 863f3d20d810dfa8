"""Walking through serial numbers is throttled (429 enumeration_throttled, Retry-After) and
the client is shown to administrators; ordinary use is not affected."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from stopheling.enumeration import EnumerationFlag, Limits, MemoryStore, Throttled, record_check
from stopheling.enumeration import refuse_if_throttled as refuse
from stopheling.extensions import db
from tests.conftest import PASSWORD, csrf

from .conftest import REDIS

WALK = {"ENUMERATION_MISSES": 5, "ENUMERATION_WINDOW_SECONDS": 600,
        "ENUMERATION_BLOCK_SECONDS": 120}  # fmt: skip


def address() -> dict[str, str]:
    n = uuid.uuid4().int
    return {"REMOTE_ADDR": f"10.{n % 250}.{n // 250 % 250}.{n // 62500 % 250}"}


def check(client, q: str, environ: dict, **headers: str):
    return client.get("/api/v1/check", query_string={"q": q}, environ_base=environ,
                      headers=headers)  # fmt: skip


def test_walking_through_serial_numbers_is_throttled_and_others_are_not(app_with):
    client = app_with(**WALK).test_client()
    walker, other = address(), address()
    answers = [check(client, f"ZXCV{n:04d}", walker).status_code for n in range(1, 6)]
    assert answers == [200] * 5  # the fifth miss reaches the limit
    refused = check(client, "ZXCV0006", walker)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "enumeration_throttled"
    assert 0 < int(refused.headers["Retry-After"]) <= 120
    page = client.get("/controleren", query_string={"q": "ZXCV0007"}, environ_base=walker)
    assert page.status_code == 429 and page.headers["Retry-After"]
    assert check(client, "ZXCV0008", other).status_code == 200  # someone else: unaffected


def test_unrelated_numbers_and_registered_items_do_not_count(app_with, add_items):
    app = app_with(**WALK)
    client = app.test_client()
    person = address()
    for n in range(12):  # a citizen or app checks unrelated things: never throttled
        q = f"{uuid.uuid4().hex[:10].upper()}"
        assert check(client, q, person).status_code == 200, n
    refs = add_items(*({"kind": "serial", "identifier": f"REGD{n:04d}X"} for n in range(8)))
    assert len(refs) == 8
    for n in range(8):  # hits are not misses
        assert check(client, f"REGD{n:04d}X", person).get_json()["flagged"] is True


def test_an_app_key_is_throttled_as_itself_and_administrators_see_the_flag(app_with, make_user):
    from stopheling.accounts.tokens import create_token

    app = app_with(**WALK)
    with app.app_context():
        key = create_token(db.session, kind="app", label="walker-app")
        db.session.commit()
    client = app.test_client()
    for n in range(5):
        check(client, f"WALK{n:05d}", address(), **{"X-API-Key": key})
    assert check(client, "WALK00009", address(), **{"X-API-Key": key}).status_code == 429
    with app.app_context():
        flag = db.session.scalar(sa.select(EnumerationFlag))
        assert flag.client.startswith("app:") and flag.distinct_misses == 5
        assert flag.times_flagged == 1 and flag.first_seen <= flag.last_seen
    make_user("admin")
    token = csrf(client)
    client.post("/inloggen", data={"csrf_token": token, "email": "admin-x@example.invalid",
                                   "password": PASSWORD})  # fmt: skip
    page = client.get("/beheer/").get_data(as_text=True)
    assert "Afgeremde afnemers" in page and flag.client in page
    assert "WALK0000" not in page  # the identifiers are not kept, so not shown


def test_the_window_is_shared_through_redis(app_with):
    config = WALK | {"RATELIMIT_STORAGE_URI": REDIS}
    first, second = app_with(**config).test_client(), app_with(**config).test_client()
    walker = address()
    for n in range(5):
        assert check((first, second)[n % 2], f"RDSW{n:04d}", walker).status_code == 200
    assert check(second, "RDSW0005", walker).status_code == 429
    assert check(first, "RDSW0006", walker).status_code == 429
    import redis

    store = redis.Redis.from_url(REDIS)
    client = f"ip:{walker['REMOTE_ADDR']}"
    assert store.ttl(f"stopheling:enum-block:{client}") > 0
    keys = list(store.scan_iter(f"stopheling:enum:{client}:*"))
    members = [m for k in keys for m in store.zrange(k, 0, -1)]
    assert all(b"RDSW" not in m and b"RDSW" not in k for m in members for k in keys)


def test_the_block_ends_and_the_window_slides():
    store, limits = MemoryStore(), Limits(misses=3, window=60, block=30)
    result = {"flagged": False, "near": [], "kind": "serial"}

    class Session:  # the flag write is tested above; here only the store's timing
        def scalar(self, *_):
            return None

        def add(self, _):
            pass

        def flush(self):
            pass

    for t, n in ((0, 1), (20, 2), (70, 3)):  # the first miss has left the window at t=70
        flagged = record_check(Session(), store, "ip:x", result | {"normalized": f"AAAA{n:03d}"},
                               secret="k", limits=limits, now=t)  # fmt: skip
        assert flagged is False
    assert record_check(Session(), store, "ip:x", result | {"normalized": "AAAA004"},
                        secret="k", limits=limits, now=75) is True  # fmt: skip
    with pytest.raises(Throttled) as throttled:
        refuse(store, "ip:x", now=80)
    assert throttled.value.retry_after == 25 and throttled.value.status == 429
    refuse(store, "ip:x", now=106)  # the block is over
