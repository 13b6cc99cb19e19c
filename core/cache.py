"""Django's Redis cache, made to fail safe: Redis down is an empty cache, not an error.

`FailSafeRedisCache` is `django.core.cache.backends.redis.RedisCache` with short
socket timeouts. When Redis cannot be reached (refused, timed out, reset):

- reads are misses: `get` returns the default, `get_many` nothing, `has_key` False;
- writes do nothing: `set`, `set_many`, `delete`, `touch`, `clear` are no-ops and
  `add` stores nothing (False); `incr` finds no key (ValueError, as for a missing
  key);
- for `RETRY_INTERVAL` seconds after a failure Redis is not tried at all, so a
  page does not wait on it once per cache call; then the next call tries again,
  and the cache is in use again by itself as soon as Redis answers;
- a warning is logged at most once per 30 seconds, with the number held back.

Callers that must know whether the cache really answered (rate limits) use
`cache.strict`, whose methods raise `CacheUnavailable` instead.

Settings (OPTIONS): `RETRY_INTERVAL` (seconds, default 2), and any redis-py
connection option; `socket_connect_timeout` and `socket_timeout` default to
0.5 s, and a command is retried once on a fresh connection (a restart of Redis
breaks the pooled ones).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from .throttled_log import ThrottledLog

logger = logging.getLogger("core.cache")
throttled = ThrottledLog(logger)

# Redis is unreachable or refusing: the socket failed, timed out or was
# reset, or the server answered with an error such as "LOADING" or "MISCONF".
UNAVAILABLE_ERRORS = (RedisError, OSError)


class CacheUnavailable(Exception):
    """The shared cache could not be reached (raised only through `cache.strict`)."""


class _Strict:
    """The cache's methods, raising CacheUnavailable instead of answering as a miss."""

    def __init__(self, cache: FailSafeRedisCache):
        self._cache = cache

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            return self._cache._call(name, args, kwargs, strict=True)

        return call


class _OneClient(RedisCacheClient):
    """Django's Redis client keeping one `redis.Redis` per connection pool.

    Django builds a new one for every operation, which costs more than a
    GET on loopback; a `redis.Redis` is safe to share between threads.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        if (client := self._clients.get(index)) is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params}
        options = {**params.get("OPTIONS", {})}
        self.retry_interval = float(options.pop("RETRY_INTERVAL", 2.0))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("retry", Retry(NoBackoff(), 1))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = _OneClient
        self._down_until = 0.0
        self.strict = _Strict(self)

    @property
    def available(self) -> bool:
        """False while Redis is not tried after a failure."""
        return time.monotonic() >= self._down_until

    def _call(self, name: str, args, kwargs, *, fallback=None, strict=False):
        if not self.available:
            if strict:
                raise CacheUnavailable(f"cache {name}(): Redis was unreachable")
            return fallback
        method = getattr(RedisCache, name, None) or getattr(type(self), f"_{name}")
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE_ERRORS as exc:
            self._down_until = time.monotonic() + self.retry_interval
            throttled.warning(
                str(self._servers),
                "Cache unavailable, serving without it (%s): %s: %s",
                name,
                type(exc).__name__,
                exc,
            )
            if strict:
                raise CacheUnavailable(f"cache {name}(): {exc}") from exc
            return fallback

    # Reads: a miss.

    def get(self, key, default=None, version=None):
        return self._call("get", (key, default, version), {}, fallback=default)

    def get_many(self, keys, version=None):
        return self._call("get_many", (keys, version), {}, fallback={})

    def has_key(self, key, version=None):
        return self._call("has_key", (key, version), {}, fallback=False)

    # Writes: nothing stored.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", (key, value, timeout, version), {}, fallback=False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", (key, value, timeout, version), {})

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", (key, timeout, version), {}, fallback=False)

    def delete(self, key, version=None):
        return self._call("delete", (key, version), {}, fallback=False)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", (data, timeout, version), {}, fallback=list(data))

    def delete_many(self, keys, version=None):
        return self._call("delete_many", (keys, version), {})

    def clear(self):
        return self._call("clear", (), {}, fallback=False)

    def count(self, key, timeout, version=None):
        """Add one to `key`'s counter, which lives `timeout` seconds from its
        first count, and return it: one round trip (a rate limit's window).

        Raises CacheUnavailable when Redis cannot be reached.
        """
        return self._call("count", (key, timeout, version), {}, strict=True)

    def _count(self, key, timeout, version=None):
        key = self.make_and_validate_key(key, version=version)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, timeout, nx=True)
        count, _ = pipe.execute()
        return count

    def incr(self, key, delta=1, version=None):
        if not self.available:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        try:
            return self._call("incr", (key, delta, version), {}, strict=True)
        except CacheUnavailable as exc:
            raise ValueError(
                f"Key '{key}' not found (the cache is unavailable)."
            ) from exc
