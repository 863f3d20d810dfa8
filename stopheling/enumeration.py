"""Enumeration throttling: a client walking through identifiers is slowed down and shown
to administrators.

Walking means many *distinct* identifiers that are not in the register and that share
everything but their last three characters (ABC0001, ABC0002, …) within a sliding window:
a citizen or an app checks unrelated numbers, someone mapping the register or probing
for a batch of stolen phones checks neighbours. ``ENUMERATION_MISSES`` such misses in
``ENUMERATION_WINDOW_SECONDS`` throttle the client (address, or app key) for
``ENUMERATION_BLOCK_SECONDS``: every check answers 429 ``enumeration_throttled`` with
``Retry-After``. The window lives in Redis when ``REDIS_URL`` points at one (shared by all
app servers), else in the process's memory. The identifiers are kept only as keyed
hashes; the flagged client is recorded in ``enumeration_flags`` for the admin page.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .errors import Busy
from .extensions import db
from .stolen.models import utcnow

MAX_TRACKED_CLIENTS = 100_000  # memory store: the least recently seen are forgotten


class Throttled(Busy):
    """429: the client walks through identifiers; retry after ``retry_after`` seconds."""

    status = 429
    code = "enumeration_throttled"


class EnumerationFlag(db.Model):  # type: ignore[name-defined,misc]
    """A client that was throttled for walking through identifiers (one row per client)."""

    __tablename__ = "enumeration_flags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(80), unique=True)  # ip:… or app:<token id>
    distinct_misses: Mapped[int] = mapped_column(Integer)  # hashed identifiers in the window
    times_flagged: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    blocked_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True, slots=True)
class Limits:
    misses: int = 50
    window: int = 600
    block: int = 900

    @classmethod
    def from_config(cls, config: Any) -> Limits:
        return cls(config["ENUMERATION_MISSES"], config["ENUMERATION_WINDOW_SECONDS"],
                   config["ENUMERATION_BLOCK_SECONDS"])  # fmt: skip


class Store(Protocol):
    def blocked_for(self, client: str, now: float) -> int: ...
    def add_miss(self, client: str, bucket: str, digest: str, now: float, window: int) -> int: ...
    def block(self, client: str, now: float, seconds: int) -> None: ...


class MemoryStore:
    """One process's windows (development, one app server)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.windows: OrderedDict[tuple[str, str], dict[str, float]] = OrderedDict()
        self.blocks: dict[str, float] = {}

    def blocked_for(self, client: str, now: float) -> int:
        with self.lock:
            until = self.blocks.get(client, 0.0)
            if until <= now:
                self.blocks.pop(client, None)
                return 0
            return max(1, round(until - now))

    def add_miss(self, client: str, bucket: str, digest: str, now: float, window: int) -> int:
        with self.lock:
            seen = self.windows.pop((client, bucket), {})
            seen = {d: t for d, t in seen.items() if t > now - window}
            seen[digest] = now
            self.windows[(client, bucket)] = seen
            while len(self.windows) > MAX_TRACKED_CLIENTS:
                self.windows.popitem(last=False)
            return len(seen)

    def block(self, client: str, now: float, seconds: int) -> None:
        with self.lock:
            self.blocks[client] = now + seconds
            for key in [k for k in self.windows if k[0] == client]:
                del self.windows[key]


class RedisStore:
    """Windows in Redis sorted sets (member: hashed identifier, score: time), shared by
    every app server."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)

    def blocked_for(self, client: str, now: float) -> int:
        ttl = self.redis.ttl(f"stopheling:enum-block:{client}")
        return int(ttl) if ttl and int(ttl) > 0 else 0

    def add_miss(self, client: str, bucket: str, digest: str, now: float, window: int) -> int:
        key = f"stopheling:enum:{client}:{bucket}"
        pipe = self.redis.pipeline()
        pipe.zadd(key, {digest: now})
        pipe.zremrangebyscore(key, "-inf", now - window)
        pipe.zcard(key)
        pipe.expire(key, window)
        return int(pipe.execute()[2])

    def block(self, client: str, now: float, seconds: int) -> None:
        self.redis.set(f"stopheling:enum-block:{client}", "1", ex=max(1, seconds))


def make_store(storage_uri: str) -> Store:
    if storage_uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(storage_uri)
    return MemoryStore()


def bucket_of(result: dict[str, Any]) -> str:
    """Neighbouring identifiers share a bucket: the kind and all but the last 3 characters."""
    key = "".join(ch for ch in str(result["normalized"]).upper() if ch.isalnum())
    return f"{result['kind']}:{key[:-3] if len(key) > 4 else ''}"


def refuse_if_throttled(store: Store, client: str, *, now: float | None = None) -> None:
    seconds = store.blocked_for(client, time.time() if now is None else now)
    if seconds:
        from .metrics import THROTTLED

        THROTTLED.inc()
        raise Throttled(
            "Too many different numbers that are not registered, one after the other. "
            "Wait and try again later.", retry_after=seconds,
        )  # fmt: skip


def record_check(
    session: Session, store: Store, client: str, result: dict[str, Any], *, secret: str,
    limits: Limits, now: float | None = None,
) -> bool:  # fmt: skip
    """Count a miss; at the limit, throttle and record the client (the caller commits).
    Returns whether the client was flagged by this check."""
    if result["flagged"] or not result["normalized"]:
        return False
    now = time.time() if now is None else now
    identity = f"{result['kind']}:{result['normalized']}".encode()
    digest = hmac.new(secret.encode(), identity, hashlib.sha256).hexdigest()[:32]
    bucket = hmac.new(secret.encode(), bucket_of(result).encode(), hashlib.sha256).hexdigest()
    count = store.add_miss(client, bucket[:16], digest, now, limits.window)
    if count < limits.misses:
        return False
    store.block(client, now, limits.block)
    flag(session, client, count, until=datetime.fromtimestamp(now + limits.block, utcnow().tzinfo))
    return True


def flag(session: Session, client: str, misses: int, *, until: datetime) -> EnumerationFlag:
    found = session.scalar(select(EnumerationFlag).where(EnumerationFlag.client == client))
    now = utcnow()
    if found is None:
        found = EnumerationFlag(client=client[:80], distinct_misses=misses, times_flagged=1,
                                first_seen=now, last_seen=now, blocked_until=until)  # fmt: skip
        session.add(found)
    else:
        found.times_flagged += 1
        found.distinct_misses = max(found.distinct_misses, misses)
        found.last_seen, found.blocked_until = now, until
    session.flush()
    return found


def list_flags(session: Session, limit: int = 200) -> list[EnumerationFlag]:
    """The flagged clients, most recent first (the admin page)."""
    stmt = select(EnumerationFlag).order_by(EnumerationFlag.last_seen.desc()).limit(limit)
    return list(session.scalars(stmt))
