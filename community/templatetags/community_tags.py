"""The community's parts of other apps' pages, reached by name (the apps above never import this one's views)."""

from django import template

from community import services
from community.models import Preference, Suggestion

register = template.Library()


@register.inclusion_tag("community/_account.html", takes_context=True)
def account_community(context) -> dict:
    """On the account page: notices and email choice, follows, watches and
    suggestions. Two queries, whatever their number."""
    request = context["request"]
    summary = services.account_summary(request.user)
    return {
        "request": request,
        **summary,
        "email_label": Preference.Email(summary["email"]).label,
        "suggestions": list(Suggestion.objects.of(request.user)[:50]),
    }
