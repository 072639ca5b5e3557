"""Per-client rate limits: a fixed window of one minute, counted in Redis when ARBITRATION_RATE_LIMIT_URL (or a
Redis queue) is configured, so that every app process shares the count; in the process otherwise (the embedded
default runs one process)."""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import redis
from flask import current_app

from arbitration import clock

WINDOW = 60


@dataclass(frozen=True)
class Verdict:
    limit: int
    remaining: int
    retry_after: int          # seconds until the window resets

    @property
    def allowed(self) -> bool:
        return self.remaining >= 0


class _Memory:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def incr(self, key: str, window_start: int) -> int:
        with self.lock:
            for old in [k for k in self.counts if not k.endswith(f":{window_start}")]:
                del self.counts[old]
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]


class _Redis:
    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)

    def incr(self, key: str, window_start: int) -> int:
        pipe = self.client.pipeline()
        pipe.incr(key)
        pipe.expire(key, WINDOW * 2)
        return int(pipe.execute()[0])


def _counter():
    ext = current_app.extensions
    if "api_rate_counter" not in ext:
        url = current_app.config.get("RATE_LIMIT_URL")
        ext["api_rate_counter"] = _Redis(url) if url else _Memory()
    return ext["api_rate_counter"]


def hit(client_key: str, limit: int, now: float | None = None) -> Verdict:
    """Count one request of the client (`client_key`: stable and unique per token) in the current window."""
    now = clock.now_utc().timestamp() if now is None else now
    window_start = int(now // WINDOW * WINDOW)
    count = _counter().incr(f"km:rate:{client_key}:{window_start}", window_start)
    return Verdict(limit, limit - count, max(1, math.ceil(window_start + WINDOW - now)))
