from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()


@register.simple_tag
def time_ago(value: datetime, prefix: str = "") -> str:
    """“2 months ago” in a <time> element, with the exact date on hover."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        value = datetime(
            value.year, value.month, value.day, tzinfo=timezone.get_current_timezone()
        )
    now = timezone.now()
    ago = "today" if (now - value).days < 1 else f"{timesince(value, now, depth=1)} ago"
    return format_html(
        '<time datetime="{}" title="{}">{}{}</time>',
        value.isoformat(),
        format_date(timezone.localtime(value), "j F Y"),
        prefix,
        ago,
    )


@register.filter
def paragraphs(text: str) -> list[str]:
    """Split text on blank lines into paragraphs."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
