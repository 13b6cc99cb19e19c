from __future__ import annotations

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


def split_lines(text: str) -> list[str]:
    """The non-empty lines of a text field edited as "one item per line"."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class AilmentQuerySet(models.QuerySet):
    def published(self) -> AilmentQuerySet:
        return self.filter(is_published=True)

    def visible_to(self, user) -> AilmentQuerySet:
        return self if user.is_staff else self.published()

    def with_remedy_counts(self) -> AilmentQuerySet:
        """Annotate `remedy_count`: published evidence pages of published remedies.

        A subquery per ailment (by the pages' ailment index), so a page of
        ailments counts only its own ailments' pages.
        """
        # The remedies app's model, reached through the relation (remedies
        # imports ailments, never the other way round).
        evidence_page = self.model._meta.get_field("evidence_pages").related_model
        pages = (
            evidence_page.objects.filter(
                ailment=models.OuterRef("pk"),
                is_published=True,
                remedy__is_published=True,
            )
            .order_by()
            .values("ailment")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            remedy_count=models.functions.Coalesce(models.Subquery(pages), 0)
        )


class Ailment(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    synonyms = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Other names people search for, one per line.",
    )
    description = models.TextField(max_length=5000)
    red_flags = models.TextField(
        max_length=5000,
        help_text=(
            "Signs that mean “seek urgent care now”, one per line. They are shown "
            "first on every remedy page for this ailment."
        ),
    )
    is_published = models.BooleanField("published", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AilmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ailments:ailment_detail", args=[self.slug])

    @property
    def red_flag_list(self) -> list[str]:
        return split_lines(self.red_flags)

    @property
    def synonym_list(self) -> list[str]:
        return split_lines(self.synonyms)
