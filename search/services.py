"""Finding remedies, ailments and evidence pages by what people type."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from ailments.models import Ailment
from remedies.models import EvidencePage, Remedy

GROUP_LIMIT = 10


@dataclass
class Results:
    remedies: list[Remedy]
    ailments: list[Ailment]
    pages: QuerySet[EvidencePage]

    @property
    def is_empty(self) -> bool:
        return not (self.remedies or self.ailments or self.pages.exists())


def search(query: str) -> Results:
    """Names and synonyms of remedies and ailments, then the text of evidence pages.

    Remedies and ailments whose names match come first; evidence pages match on
    the remedy or ailment names and on their own text.
    """
    by_name = Q(name__icontains=query) | Q(synonyms__icontains=query)
    remedies = list(
        Remedy.objects.published()
        .filter(by_name)
        .select_related("category")
        .order_by("name")[:GROUP_LIMIT]
    )
    ailments = list(
        Ailment.objects.published().filter(by_name).order_by("name")[:GROUP_LIMIT]
    )
    pages = (
        EvidencePage.objects.published()
        .filter(
            Q(remedy__name__icontains=query)
            | Q(ailment__name__icontains=query)
            | Q(ailment__synonyms__icontains=query)
            | Q(summary__icontains=query)
            | Q(why_it_works__icontains=query)
        )
        .select_related("remedy", "ailment")
        .order_by("-score", "remedy__name")
    )
    return Results(remedies=remedies, ailments=ailments, pages=pages)
