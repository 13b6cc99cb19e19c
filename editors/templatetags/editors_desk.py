"""{% editors_desk %}: the editors' desk on the admin's index (templates/admin/index.html)."""

from django import template

from editors import desk

register = template.Library()


@register.inclusion_tag("editors/_desk.html", takes_context=True)
def editors_desk(context) -> dict:
    user = context["request"].user
    return {"items": desk.waiting(user), "changes": desk.latest_changes(user)}
