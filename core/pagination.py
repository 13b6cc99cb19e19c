"""Lists that stay fast however deep the page: annotate only the rows shown."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page
from django.db.models import QuerySet


def annotate_page(page: Page, annotate: Callable[[QuerySet], QuerySet]) -> Page:
    """Give one page of a paginated queryset its costly annotations, in one query.

    Paginate the plain queryset (its ordering can use an index), then pass the
    annotations here: the page's rows are chosen by a subquery with the
    page's LIMIT and OFFSET, and only those rows are annotated. Annotating
    before paginating makes PostgreSQL compute the annotations for every
    row before the offset too: page 200 of the remedies took seconds.
    """
    rows = page.object_list
    chosen = rows.model._default_manager.filter(pk__in=rows.values("pk"))
    page.object_list = annotate(chosen).order_by(*rows.query.order_by)
    return page
