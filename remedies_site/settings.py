"""Remedies settings: one module, configured by environment variables.

With nothing set (and DEBUG=1) it runs on an SQLite file in the project folder.
The README lists every variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string for "
            "production, or DEBUG=1 to run locally with a throwaway key."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")


def site_url_setting(value: str) -> str:
    """SITE_URL checked: a scheme and a host (and a port), nothing else."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or parts.path
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"SITE_URL must be the site's address, a scheme and a host name "
            f"such as https://remedies.example, not {value!r}."
        )
    return value


# The site's own address, for links in emails (password reset, email
# confirmation): never the Host header of the request that sent them. Without
# it, https:// and the first name in ALLOWED_HOSTS (accounts/adapter.py).
SITE_URL = site_url_setting(
    os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
)

# Proxies of ours in front of the app servers (the TLS proxy: 1), each adding
# the address it received a request from to X-Forwarded-For. Rate limits, our
# own and allauth's sign-in limits, count per client by that address; with 0
# (the default) X-Forwarded-For is ignored and REMOTE_ADDR counts.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

SITE_NAME = "Remedies"

INSTALLED_APPS = [
    "core",
    "accounts",
    "ailments",
    "remedies",
    "votes",
    "discussions",
    "search",
    "community",
    "editors",
    "demo",
    "core.apps.HardenedAdminConfig",  # django.contrib.admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Search's SearchVectorField and trigram lookups; harmless on SQLite.
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "django_htmx",
    "simple_history",
    # The queue of background tasks, a table in the database (`manage.py db_worker`).
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Bodies over the limits below: a 413 or 400 page (core/request_limits.py).
    "core.request_limits.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A real page for "method not allowed" (core/method_not_allowed.py).
    "core.method_not_allowed.MethodNotAllowedPageMiddleware",
    # Database down: a kind 503 page at once (core/resilience.py).
    "core.resilience.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "remedies_site.urls"
WSGI_APPLICATION = "remedies_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # time_ago and paragraphs are used by nearly every template and partial.
            # {% personal %}: the parts of a page that differ per person.
            "builtins": [
                "remedies.templatetags.remedies_tags",
                "core.templatetags.pages",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# Database: SQLite in the project folder unless DATABASE_URL names another.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's connection pool; it replaces persistent connections.
    # Fail fast while PostgreSQL is down, recover by itself when it is back:
    # connecting gives up after 3 s, a request waits at most 5 s for a
    # connection (then the 503 page), health checks make the pool
    # (ConnectionPool.check_connection) discard connections a restart broke,
    # and failed reconnections are retried by the next request, not after
    # ever longer back-offs.
    # core/postgres: Django's backend, failing at once while it is down.
    DATABASES["default"]["ENGINE"] = "core.postgres"
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2),
        "max_size": env_int("DATABASE_POOL_MAX", 10),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
        "reconnect_timeout": 2,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Cache, shared by every process: rate limits live here. Redis when REDIS_URL
# is set, otherwise a table in the database (`createcachetable` makes it).
# Redis down is an empty cache, not an error (core/cache.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
# "pages" holds the pages of the page pipeline (core/pages.py, docs/architecture.md):
# Redis too, or this process's memory. Whether a stored page is fresh is
# decided by versions every process shares: in Redis, or else in the
# database cache table ("default"), never in one process's memory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages"}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "remedies_cache",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 500)},
        },
    }
# Sessions: read from Redis, written through to the database (which keeps
# them when Redis restarts); without Redis, from the database.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
PAGES_CACHE = "pages"
FRESHNESS_CACHE = "pages" if REDIS_URL else "default"
# How long a stored page is kept: only to give memory back, since a write
# makes the pages that show it stale at once. 0 turns the pipeline's store off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves them compressed, with hashed names.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: printed to the console unless an SMTP host is given.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    # Headers and the text as people read it, links whole (core/mail.py).
    MAILERS = {"default": {"BACKEND": "core.mail.ConsoleBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Remedies <noreply@localhost>"
)

# Security: strict unless running locally.
# Request bodies: the largest real form (an evidence page with its steps, in
# the admin) is well under 1 MiB even percent-encoded; nothing takes uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 0
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it
# Everything from our own origin, nothing inline, nothing else: every response,
# the admin included (DESIGN.md, "Built to be cached and locked down").
# Violations are reported to /csp-report/, which logs them.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "report-uri": ["/csp-report/"],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: only ever set over HTTPS, for this host alone, on every path.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("TRUST_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# django-allauth: sign in by email, which must be verified first.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Remedies] "
ACCOUNT_USER_DISPLAY = "accounts.models.public_name"
# allauth's forms with a maximum length on every field (accounts/allauth_forms.py).
ACCOUNT_FORMS = {
    name: f"accounts.allauth_forms.{cls}"
    for name, cls in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "user_token": "UserTokenForm",
        "reauthenticate": "ReauthenticateForm",
        "request_login_code": "RequestLoginCodeForm",
        "confirm_login_code": "ConfirmLoginCodeForm",
    }.items()
}

# Background tasks (Django's Tasks framework): sending email and making the
# notices of a change run off the request path, queued in the database and run
# by `manage.py db_worker`. Any number of workers, on any machines, share it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The community's recurring tick (digests, work a stopped worker left), how
# long a worker holds an email it is sending, and when waiting work counts as
# lost and is queued again. Digests go out from this hour, UTC.
COMMUNITY_TICK_SECONDS = env_int("COMMUNITY_TICK_SECONDS", 60)
COMMUNITY_SEND_LEASE_SECONDS = env_int("COMMUNITY_SEND_LEASE_SECONDS", 300)
COMMUNITY_RECOVER_AFTER_SECONDS = env_int("COMMUNITY_RECOVER_AFTER_SECONDS", 300)
COMMUNITY_DIGEST_HOUR = env_int("COMMUNITY_DIGEST_HOUR", 7)

# Votes per member per minute: generous for people, a wall for scripts.
VOTE_RATE_LIMIT = env_int("VOTE_RATE_LIMIT", 60)

# Links in comments: "www.example.org" becomes https://, as Django 7 will do.
URLIZE_ASSUME_HTTPS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "without_traceback": {"()": "core.request_limits.WithoutTraceback"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # A request for a host we do not serve: one line, not a traceback.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
