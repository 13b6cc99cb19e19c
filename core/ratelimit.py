"""A fixed-window rate limit on the shared cache, so every app server counts together.

When the shared cache cannot count (Redis down), each process counts on its
own in memory, so the limit still holds in every process; when not even that
can decide (its table is full of live counters), the attempt is refused with
`RateLimitUnavailable`, which the site answers with a 503 page that says so.

Limits per client count by `client_ip()`: the address the request came from,
or, behind TRUSTED_PROXY_COUNT proxies of our own, the address the outermost
of them saw. django-allauth's sign-in limits use the same rule
(accounts/adapter.py).
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

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


# Clients


def _address(value: str) -> str | None:
    """An IP address as written in REMOTE_ADDR or X-Forwarded-For, or None.

    Proxies may add a port ("203.0.113.9:4711", "[2001:db8::1]:4711").
    """
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [IPv6] or [IPv6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4:port
        value = value.partition(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent `request`.

    REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies of ours stand in front:
    each appends the address it received the request from to
    X-Forwarded-For, so the client is the entry that many places from the
    right. Entries further left were written by the client itself and are
    never believed. With fewer entries than proxies the request skipped the
    outer ones, and the leftmost entry is what the first proxy of ours saw.
    Without trusted proxies X-Forwarded-For is ignored, so a client cannot
    pass itself off as another by sending one. "" when no address is known.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "") or ""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR") or ""
    if proxies <= 0 or not forwarded:
        return remote
    entries = forwarded.split(",")
    entry = entries[-proxies] if len(entries) >= proxies else entries[0]
    return _address(entry) or remote


def client_key(request, purpose: str) -> str:
    """A short salted hash of the client's address, for rate-limit keys.

    IPv6 clients count by their /64 network (one household or server gets a
    whole /64, so rotating within it changes nothing). The hash, salted with
    SECRET_KEY and `purpose`, keeps the address itself out of the cache.
    """
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    if isinstance(parsed, ipaddress.IPv6Address) and not parsed.ipv4_mapped:
        address = str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    elif isinstance(parsed, ipaddress.IPv6Address):
        address = str(parsed.ipv4_mapped)
    return salted_hmac(
        f"core.ratelimit.{purpose}", address, algorithm="sha256"
    ).hexdigest()[:32]


def _count_shared(bucket: str, window: int) -> int:
    if counter := getattr(cache, "count", None):  # Redis: one round trip
        return counter(bucket, window + 1)
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
