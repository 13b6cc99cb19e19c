"""A warning logged at most once per interval, not once per request, during an outage."""

from __future__ import annotations

import logging
import threading
import time

# At most one log line per this many seconds for the same kind of outage.
LOG_INTERVAL = 30.0


class ThrottledLog:
    """Log a warning at most once per `interval` seconds per key, counting what was held back."""

    def __init__(self, log: logging.Logger, interval: float = LOG_INTERVAL):
        self.log = log
        self.interval = interval
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._held: dict[str, int] = {}

    def warning(self, key: str, message: str, *args) -> bool:
        """Log now unless this key was logged less than `interval` ago; True when logged."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval:
                self._held[key] = self._held.get(key, 0) + 1
                return False
            self._last[key] = now
            held = self._held.pop(key, 0)
        if held:
            message += " (%d more since the last report)"
            args = (*args, held)
        self.log.warning(message, *args)
        return True
