import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches


def _own_redis_database(settings) -> None:
    """With `-n`, each worker clears the cache between tests: give each its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not getattr(settings, "REDIS_URL", ""):
        return
    shared = settings.REDIS_URL
    url = urlsplit(shared)
    base = int(url.path.strip("/") or 0)
    own = urlunsplit(url._replace(path=f"/{base + 1 + int(worker[2:])}"))
    settings.REDIS_URL = own
    for cache in settings.CACHES.values():
        if cache.get("LOCATION") == shared:
            cache["LOCATION"] = own


def pytest_configure(config):
    # Every test client loads the middleware afresh, and whitenoise's reads
    # the whole of STATIC_ROOT (about 1,000 files) when it does: 0.13 s per
    # client, minutes over the suite. In tests it looks a file up when asked
    # instead; tests/site/test_static_files.py checks the production way.
    from django.conf import settings

    settings.WHITENOISE_AUTOREFRESH = True
    # Hashing a password the production way takes most of a second on purpose;
    # test members are made by the hundred. (tests/site/test_two_servers.py
    # hashes the production way: its servers run the production settings.)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The test client's host: canonical links and emails point here.
    settings.SITE_URL = "http://testserver"
    _own_redis_database(settings)


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages render fresh in tests; tests/site/test_page_cache.py turns caching on."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    yield
    caches["pages"].clear()
