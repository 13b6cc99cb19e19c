from django import template

from remedies import share

register = template.Library()


@register.simple_tag(takes_context=True)
def share_image_url(context, page) -> str:
    """The absolute, versioned URL of an evidence page's share image."""
    return share.url(context["request"], page)


@register.simple_tag
def share_image_alt(page) -> str:
    return share.alt_text(page)
