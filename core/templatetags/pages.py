"""`{% personal %}`: the part of a template that differs per person (docs/architecture.md).

    {% personal vote-controls page=page.pk remedy=remedy.slug %}
      …markup for the person asking…
    {% endpersonal %}

The block is a partial of its template too (`template.html#vote-controls`).
It sees its arguments, the person (`user`, `request`, `csrf_token`, `perms`,
`messages`) and what the slot's provider adds, never the page's own context:
so it renders the same inline as when the page pipeline fills it in.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.template.base import PartialTemplate, token_kwargs
from django.template.context import RequestContext

from core.pages import Slot, render_slot, rendering

register = template.Library()

# What a slot's arguments may be: they are stored with the page.
SIMPLE = (str, int, float, bool, type(None))


class PersonalNode(template.Node):
    def __init__(self, name: str, kwargs: dict, nodelist):
        self.name, self.kwargs, self.nodelist = name, kwargs, nodelist

    def render(self, context) -> str:
        args = {}
        for key, expr in self.kwargs.items():
            value = expr.resolve(context)
            if isinstance(value, datetime | date):
                value = value.isoformat()
            if not isinstance(value, SIMPLE):
                raise template.TemplateSyntaxError(
                    f"{{% personal {self.name} %}}: {key} must be a number or a "
                    f"short string, not {type(value).__name__}"
                )
            args[key] = value
        slot = Slot(self.origin.template_name, self.name, tuple(sorted(args.items())))
        request = context.get("request")
        shared = rendering(request)
        if shared is not None:
            return shared.mark(slot)
        if not isinstance(context, RequestContext):
            # A page rendered without the person on purpose (the 503 page,
            # which must not load the session): the visitor's version.
            return render_slot(None, slot)
        return render_slot(request, slot)


@register.tag
def personal(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'personal' needs a slot name")
    name = bits[1]
    kwargs = token_kwargs(bits[2:], parser, support_legacy=False)
    if len(kwargs) != len(bits) - 2:
        raise template.TemplateSyntaxError(
            f"{{% personal {name} %}} takes name=value arguments only"
        )
    nodelist = parser.parse(("endpersonal",))
    parser.delete_first_token()
    partials = parser.extra_data.setdefault("partials", {})
    if name in partials:
        raise template.TemplateSyntaxError(
            f"Slot '{name}' is already defined in '{parser.origin.name}'"
        )
    partials[name] = PartialTemplate(nodelist, parser.origin, name)
    return PersonalNode(name, kwargs, nodelist)
