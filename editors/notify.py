"""Members hear of what editors change: a new evidence page, and safety updates.

The content admins compare what is saved with what was there, and tell the
community app (which makes the notices and emails in a background task).
Before saving, the form says how many members such a change reaches.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import display

from ailments.models import Ailment, split_lines
from community import services as community
from community.models import Activity
from remedies.models import EvidencePage, Remedy

# Evidence grades from strongest to weakest; "I" (insufficient) is the lowest.
GRADE_RANK = {"A": 4, "B": 3, "C": 2, "D": 1, "I": 0}


def safety_changes(old, new) -> list[str]:
    """What changed between `old` and `new` that bears on members' safety, in their words."""
    changes: list[str] = []
    if isinstance(new, EvidencePage | Ailment):
        before = set(split_lines(old.red_flags))
        changes += [
            f"New warning sign: {flag}"
            for flag in new.red_flag_list
            if flag not in before
        ]
    if isinstance(new, EvidencePage):
        before, after = split_lines(old.warnings), new.warning_list
        changes += [f"Warning: {w}" for w in after if w not in before]
        changes += [
            f"No longer among the warnings: {w}" for w in before if w not in after
        ]
        if GRADE_RANK.get(new.grade, 0) < GRADE_RANK.get(old.grade, 0):
            changes.append(
                f"Evidence grade down from {old.grade} to {new.get_grade_display()}"
            )
    if (
        isinstance(new, Remedy)
        and old.safety_rating is not None
        and new.safety_rating is not None
        and new.safety_rating < old.safety_rating
    ):
        note = f" ({new.safety_note})" if new.safety_note else ""
        changes.append(
            f"Safety rating down from {old.safety_rating}/10 to {new.safety_rating}/10{note}"
        )
    return changes


def _newly_live(old, page: EvidencePage) -> bool:
    return page.is_published and (old is None or not old.is_published)


class NotifyMembersMixin:
    """For the admins of remedies, ailments and evidence pages."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._editor = request.user  # who_hears counts the others
        return obj

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "who_hears"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        fieldsets.append(
            ("Members who will hear of a change", {"fields": ["who_hears"]})
        )
        return fieldsets

    @display(description="who hears of it")
    def who_hears(self, obj) -> str:
        if obj is None or obj.pk is None:
            if self.model is EvidencePage:
                return (
                    "Once published, members who follow its remedy or ailment "
                    "hear of the new page."
                )
            return "Members can follow it once it is published."
        editor = getattr(obj, "_editor", None)
        safety = community.audience_count(Activity.Kind.SAFETY, obj, exclude=editor)
        what = {
            EvidencePage: "a red flag added, a warning changed or the evidence grade going down",
            Remedy: "its safety rating going down",
            Ailment: "a red flag added",
        }[self.model]
        text = (
            f"A safety change saved here ({what}) is sent as a safety update to "
            f"{safety} member{'s' if safety != 1 else ''}: those who follow it"
            f"{' or voted on it' if self.model is not Ailment else ' or voted on its pages'}."
        )
        if self.model is EvidencePage and not obj.is_published:
            n = community.audience_count(Activity.Kind.PUBLISHED, obj, exclude=editor)
            text += (
                f" Publishing it tells {n} member{'s' if n != 1 else ''} who follow "
                "its remedy or ailment."
            )
        return text

    def save_model(self, request, obj, form, change):
        old = type(obj).objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        self.tell_members(request, old, obj)

    def tell_members(self, request, old, obj) -> None:
        if isinstance(obj, EvidencePage) and _newly_live(old, obj):
            if community.page_published(obj, by=request.user):
                n = community.audience_count(
                    Activity.Kind.PUBLISHED, obj, exclude=request.user
                )
                self.message_user(
                    request,
                    f"{n} member{'s' if n != 1 else ''} who follow its remedy or "
                    "ailment will hear of the new page.",
                    messages.INFO,
                )
            return
        if old is None:
            return
        changes = safety_changes(old, obj)
        if changes and community.safety_update(obj, changes, by=request.user):
            n = community.audience_count(
                Activity.Kind.SAFETY, obj, exclude=request.user
            )
            self.message_user(
                request,
                f"Safety update sent to {n} member{'s' if n != 1 else ''}: "
                + "; ".join(changes),
                messages.INFO,
            )

    def _set_published(self, request, queryset, value: bool):
        """The publish action: a page that goes live is news for its followers."""
        newly = []
        if value and self.model is EvidencePage:
            newly = list(
                queryset.filter(is_published=False).values_list("pk", flat=True)
            )
        super()._set_published(request, queryset, value)
        for page in EvidencePage.objects.filter(pk__in=newly).select_related(
            "remedy", "ailment"
        ):
            community.page_published(page, by=request.user)
