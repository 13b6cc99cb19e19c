"""The discussion on remedy and evidence pages, and how comment text is shown.

The remedies templates call `{% discussion remedy %}` or `{% discussion page %}`,
so the remedies app never imports this one.
"""

from django import template
from django.utils.html import Urlizer, linebreaks
from django.utils.safestring import SafeString, mark_safe

from discussions.views import discussion_context

register = template.Library()


@register.inclusion_tag("discussions/_discussion.html", takes_context=True)
def discussion(context, target):
    """The discussion of a remedy (community) or of an evidence page."""
    ctx = discussion_context(context["request"], target)
    # An inclusion tag starts a fresh context: pass on the token forms need.
    ctx["csrf_token"] = context.get("csrf_token")
    return ctx


class _CommentUrlizer(Urlizer):
    # People's links: no endorsement, no referrer-window access.
    url_template = '<a href="{href}" rel="nofollow ugc noopener"{attrs}>{url}</a>'


_urlize = _CommentUrlizer()


@register.filter
def comment_text(text: str) -> SafeString:
    """Plain text as HTML: everything escaped, links clickable, paragraphs and line breaks kept."""
    # As a plain str: nothing that arrives marked safe skips escaping.
    linked = _urlize(str.__str__(text), trim_url_limit=60, autoescape=True)
    return mark_safe(linebreaks(linked))
