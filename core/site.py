"""The site's own address, for every absolute link it writes (canonical links,
structured data, share images, emails): never the Host of a request, which the
person asking chooses, and which a page stored for everyone must not carry."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def site_url() -> str:
    """SITE_URL, else https:// and the first host name in ALLOWED_HOSTS."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return f"https://{host}"
    raise ImproperlyConfigured(
        "Set SITE_URL (e.g. https://remedies.example): links are built from it."
    )


def absolute(path: str) -> str:
    """`path` on this site, as an absolute URL."""
    return site_url() + path
