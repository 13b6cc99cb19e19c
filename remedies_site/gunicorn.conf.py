"""gunicorn settings for production: `./dev serve`, or

    gunicorn -c remedies_site/gunicorn.conf.py remedies_site.wsgi

Every figure can be changed by an environment variable (README, "Run in
production"). The site's own settings still come from its variables
(SECRET_KEY, DATABASE_URL, REDIS_URL, ALLOWED_HOSTS…).
"""

import os


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


if os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}:
    raise RuntimeError(
        "The production server runs with DEBUG off: unset DEBUG or set DEBUG=0 "
        "(use `./dev run` for local development)."
    )

bind = os.environ.get("BIND") or f"127.0.0.1:{env_int('PORT', 8000)}"

# Worker processes: two per core plus one (WEB_CONCURRENCY overrides), each
# with a few threads so a request waiting on PostgreSQL or Redis does not
# hold up the process, and so keep-alive connections are kept.
workers = env_int("WEB_CONCURRENCY", 2 * _cores() + 1)
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 4)
# A process never needs more database connections than it has threads. (The
# settings module reads these when each worker loads the site.)
os.environ.setdefault("DATABASE_POOL_MAX", str(threads))
os.environ.setdefault("DATABASE_POOL_MIN", "1")

# A request taking longer than this is killed (and its worker restarted).
timeout = env_int("GUNICORN_TIMEOUT", 30)
# On SIGTERM or SIGHUP (graceful restart), workers finish their requests first.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds an idle keep-alive connection stays open; behind a proxy that keeps
# connections open, make it longer than the proxy's idle timeout.
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# Recycle each worker after a number of requests (jittered, so they do not all
# restart at once): a slow leak can never grow without bound.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 1_000)

# Logs to stdout/stderr. The access log records the path without its query
# string (searches stay out of the logs), the status, size and milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# No client address either: addresses are kept only as long as rate limits need them.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* are trusted from these addresses only (the proxy in front).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "remedies"
