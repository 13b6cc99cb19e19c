from datetime import date, datetime
from urllib.parse import urlencode

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from core.site import absolute

register = template.Library()


@register.simple_tag
def time_ago(value: date | datetime | None, prefix: str = "") -> str:
    """“2 months ago” in a <time> element, with the exact date (and time) on hover."""
    if value is None:
        return ""
    now = timezone.now()
    if isinstance(value, datetime):
        seconds = (now - value).total_seconds()
        ago = "just now" if seconds < 60 else f"{timesince(value, now, depth=1)} ago"
        exact = format_date(timezone.localtime(value), "j F Y, H:i")
        # Whole seconds: HTML allows at most three digits of a fraction.
        stamp = value.replace(microsecond=0).isoformat()
    else:
        # A date (say, the day a page was reviewed) has no time of day.
        today = timezone.localdate()
        ago = "today" if value >= today else f"{timesince(value, today, depth=1)} ago"
        exact = format_date(value, "j F Y")
        stamp = value.isoformat()
    return format_html(
        '<time datetime="{}" title="{}">{}{}</time>',
        stamp,
        exact,
        prefix,
        ago,
    )


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split text on blank lines into paragraphs."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


@register.filter
def ld_json(data: dict) -> str:
    """A JSON-LD data block: data, not code, so the CSP allows it."""
    if not data:
        return ""
    # json_script escapes <, > and & so the data cannot close the element.
    block = json_script(data)
    return mark_safe(
        block.replace('type="application/json"', 'type="application/ld+json"', 1)
    )


# Query parameters that make a different page; the rest (ordering, tracking)
# point at the same content.
CANONICAL_PARAMS = ("category", "page")


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's address on the site (SITE_URL, never the request's Host)
    without ordering parameters."""
    request = context.get("request")
    if request is None:
        return ""
    base = absolute(request.path)
    params = [(k, request.GET[k]) for k in CANONICAL_PARAMS if request.GET.get(k)]
    if ("page", "1") in params:
        params.remove(("page", "1"))
    query = f"?{urlencode(params)}" if params else ""
    return base + query
