from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


def split_lines(text: str) -> list[str]:
    """The non-empty lines of a text field edited as "one item per line"."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Between a warning sign and its details, on one line of a red-flags field.
DETAILS_SEPARATOR = "|"

# What to do about the red flags, when the ailment does not say otherwise.
DEFAULT_RED_FLAG_ACTION = (
    "Call emergency services or go to A&E (the emergency department) now."
)


class RedFlag(NamedTuple):
    """A warning sign in a few plain words, and more about it for those who want it."""

    sign: str
    details: str = ""


def red_flag_items(text: str) -> list[RedFlag]:
    """The lines of a red-flags field: "sign | details", the details optional."""
    items = []
    for line in split_lines(text):
        sign, _, details = line.partition(DETAILS_SEPARATOR)
        if sign.strip():
            items.append(RedFlag(sign.strip(), details.strip()))
        elif details.strip():  # only details: they are the sign
            items.append(RedFlag(details.strip()))
    return items


RED_FLAGS_HELP = (
    "One warning sign per line, in a few plain words. More about a sign "
    "(what it can mean, who is most at risk) may follow on the same line after "
    "a “|”: readers open it when they want it."
)


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
            "Signs that mean “seek urgent care now”. They are shown first on every "
            "remedy page for this ailment. " + RED_FLAGS_HELP
        ),
    )
    red_flag_action = models.CharField(
        "what to do",
        max_length=200,
        blank=True,
        help_text=(
            "One line under the red flags saying what to do, e.g. “Call emergency "
            "services or go to A&E now.” Empty: “" + DEFAULT_RED_FLAG_ACTION + "”"
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
    def red_flag_items(self) -> list[RedFlag]:
        return red_flag_items(self.red_flags)

    @property
    def action(self) -> str:
        """The one line under the red flags: what to do."""
        return self.red_flag_action.strip() or DEFAULT_RED_FLAG_ACTION

    @property
    def synonym_list(self) -> list[str]:
        return split_lines(self.synonyms)
