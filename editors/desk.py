"""The editors' desk: what needs editors, on the admin's first page.

Each item is a count and a link to the admin list that shows those things,
for editors who may see them. Five counting queries and one for the latest
changes of each kind of content, however much there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from ailments.models import Ailment
from community.models import Suggestion
from discussions.models import Comment
from remedies.models import EvidencePage, Remedy, Study

LATEST = 8


@dataclass(frozen=True)
class Item:
    label: str
    count: int
    url: str
    help: str = ""


@dataclass(frozen=True)
class Change:
    what: str
    kind: str
    verb: str
    by: str
    when: object
    url: str


def _changelist(label: str, query: str = "") -> str:
    app, model = label.split(".")
    return reverse(f"admin:{app}_{model}_changelist") + (f"?{query}" if query else "")


def waiting(user) -> list[Item]:
    """What needs editors now, as far as `user` may see it."""
    items: list[Item] = []
    if user.has_perm("discussions.view_flaggedcomment"):
        flagged = Comment.objects.filter(
            flag_count__gt=0,
            state__in=[Comment.State.PENDING, Comment.State.PUBLISHED],
        ).count()
        items.append(
            Item(
                "Flagged comments waiting",
                flagged,
                _changelist("discussions.flaggedcomment"),
                "Approve or remove what members flagged.",
            )
        )
    if user.has_perm("community.view_suggestion"):
        items.append(
            Item(
                "Suggestions waiting",
                Suggestion.objects.waiting().count(),
                _changelist("community.suggestion", "status__exact=pending"),
                "New remedies, remedies for ailments and corrections from members.",
            )
        )
    if user.has_perm("remedies.view_evidencepage"):
        due = EvidencePage.objects.published().past_review(timezone.localdate()).count()
        items.append(
            Item(
                "Pages past their review date",
                due,
                _changelist("remedies.evidencepage", "review=due"),
                "Published evidence pages never reviewed, or not within their review interval.",
            )
        )
        items.append(
            Item(
                "Draft evidence pages",
                EvidencePage.objects.filter(is_published=False).count(),
                _changelist("remedies.evidencepage", "is_published__exact=0"),
            )
        )
    if user.has_perm("remedies.view_remedy"):
        items.append(
            Item(
                "Draft remedies",
                Remedy.objects.filter(is_published=False).count(),
                _changelist("remedies.remedy", "is_published__exact=0"),
            )
        )
    if user.has_perm("ailments.view_ailment"):
        items.append(
            Item(
                "Draft ailments",
                Ailment.objects.filter(is_published=False).count(),
                _changelist("ailments.ailment", "is_published__exact=0"),
            )
        )
    return items


VERBS = {"+": "added", "~": "changed", "-": "deleted"}


def latest_changes(user, n: int = LATEST) -> list[Change]:
    """The latest changes to the content, newest first, with who made them."""
    changes = []
    for model in (Remedy, EvidencePage, Ailment, Study):
        label = model._meta.label_lower
        app, name = label.split(".")
        if not user.has_perm(f"{app}.view_{name}"):
            continue
        records = model.history.select_related("history_user").order_by(
            "-history_date"
        )[:n]
        if model is EvidencePage:
            records = records.select_related("remedy", "ailment")
        changes.append(
            [
                (r, model, reverse(f"admin:{app}_{name}_history", args=[r.id]))
                for r in records
            ]
        )
    newest = sorted(chain(*changes), key=lambda c: c[0].history_date, reverse=True)
    return [
        Change(
            what=_name(record, model),
            kind=str(model._meta.verbose_name),
            verb=VERBS.get(record.history_type, "changed"),
            by=record.history_user.public_name if record.history_user else "",
            when=record.history_date,
            url=url,
        )
        for record, model, url in newest[:n]
    ]


def _name(record, model) -> str:
    if model is EvidencePage:
        try:
            return f"{record.remedy.name} for {record.ailment.name}"
        except (Remedy.DoesNotExist, Ailment.DoesNotExist):
            return "An evidence page since deleted"
    if model is Study:
        return record.title
    return record.name


class ReviewDueFilter(admin.SimpleListFilter):
    """The evidence pages' list filter that the desk's "past their review date" opens."""

    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", "Past its review date")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.published().past_review(timezone.localdate())
        return queryset
