from django import template

from votes.scoring import wilson_interval

register = template.Library()


@register.inclusion_tag("votes/_interval.html")
def effectiveness_interval(tally):
    """Effectiveness with its 95% interval drawn around it (only for rated tallies)."""
    if not tally.is_rated:
        return {"rated": False}
    low, high = wilson_interval(tally.up, tally.total)
    low_pct, high_pct = round(low * 100), round(high * 100)
    return {
        "rated": True,
        "percent": tally.percent,
        "low": low_pct,
        "high": high_pct,
        "width": high_pct - low_pct,
    }
