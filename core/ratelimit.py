"""A fixed-window rate limit on the shared cache, so every app server counts together.

When the shared cache cannot count (Redis down), each process counts on its
own in memory, so the limit still holds in every process; when not even that
can decide (its table is full of live counters), the attempt is refused with
`RateLimitUnavailable`, which the site answers with a 503 page that says so.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache

from .throttled_log import ThrottledLog

throttled = ThrottledLog(logging.getLogger("core.ratelimit"))

# Counters one process keeps while the shared cache is down.
LOCAL_MAX_KEYS = 10_000


class RateLimitUnavailable(Exception):
    """Neither the shared cache nor this process could count the attempt."""


class LocalCounter:
    """Fixed windows counted in this process's memory, bounded to `max_keys` live counters."""

    def __init__(self, max_keys: int = LOCAL_MAX_KEYS):
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}  # bucket -> (expires, count)

    def count(self, bucket: str, window: int) -> int:
        now = time.monotonic()
        with self._lock:
            expires, count = self._counts.get(bucket, (0.0, 0))
            if expires <= now:
                if bucket not in self._counts and len(self._counts) >= self.max_keys:
                    self._counts = {k: v for k, v in self._counts.items() if v[0] > now}
                    if len(self._counts) >= self.max_keys:
                        raise RateLimitUnavailable("local rate-limit table is full")
                expires, count = now + window + 1, 0
            count += 1
            self._counts[bucket] = (expires, count)
            return count

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


local_counter = LocalCounter()


def _count_shared(bucket: str, window: int) -> int:
    shared = getattr(cache, "strict", cache)  # strict: raise rather than miss
    if shared.add(bucket, 1, timeout=window + 1):
        return 1
    try:
        return shared.incr(bucket)
    except ValueError:  # expired between add() and incr()
        shared.set(bucket, 1, timeout=window + 1)
        return 1


def _shared_cache_failed(exc: Exception) -> None:
    throttled.warning(
        "shared",
        "Rate limits counted per process, the shared cache failed: %s: %s",
        type(exc).__name__,
        exc,
    )


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt for `key`; False once more than `limit` fall in one window (seconds).

    Raises RateLimitUnavailable when the attempt cannot be counted at all.
    """
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    try:
        count = _count_shared(bucket, window)
    except Exception as exc:  # noqa: BLE001 - any failure of the shared cache
        _shared_cache_failed(exc)
        count = local_counter.count(bucket, window)
    return count <= limit


def cooldown(key: str, *, seconds: int) -> bool:
    """True when `key` had no allowed attempt in the last `seconds`, and starts the wait.

    Unlike `allow`, whose windows are fixed on the clock (two attempts either
    side of a window's end both pass), the wait runs from the attempt itself.
    """
    bucket = f"cooldown:{key}"
    try:
        shared = getattr(cache, "strict", cache)
        return bool(shared.add(bucket, 1, timeout=seconds))
    except Exception as exc:  # noqa: BLE001 - any failure of the shared cache
        _shared_cache_failed(exc)
        return local_counter.count(bucket, seconds) <= 1
