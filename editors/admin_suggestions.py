"""Members' suggestions, reviewed by editors in the admin.

Accepting a new remedy or a remedy for an ailment makes an unpublished draft
linked to the suggestion; accepting a correction links it to the latest
change in the page's history (so correct the page first, then accept).
Declining asks for a reason, which the member reads. Either way the member
hears of it. Editors see members by their display name only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from community import services as community
from community.models import Suggestion
from core.admin_hardening import SafeActionsMixin
from core.admin_privacy import AllowListedQueryMixin
from remedies.models import Category

ACCEPT, DECLINE = "accept", "decline"


class DecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        choices=[(ACCEPT, "Accept"), (DECLINE, "Decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Accept or decline it."},
    )
    category = forms.ModelChoiceField(
        Category.objects.all(),
        required=False,
        help_text="A new remedy only: the category of the draft that accepting it creates.",
    )
    note = forms.CharField(
        label="Note to the member",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Required when declining: say why. The member reads it.",
    )

    class Meta:
        model = Suggestion
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_pending:  # decided: nothing left to change
            for name in ("decision", "category", "note"):
                self.fields.pop(name, None)

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision and not self.instance.is_pending:
            raise ValidationError("This suggestion has already been decided.")
        if decision == DECLINE and not (data.get("note") or "").strip():
            self.add_error("note", "Say why it is declined: the member reads it.")
        if (
            decision == ACCEPT
            and self.instance.kind == Suggestion.Kind.REMEDY
            and not data.get("category")
        ):
            self.add_error("category", "Choose a category for the new remedy.")
        return data


@admin.register(Suggestion)
class SuggestionAdmin(AllowListedQueryMixin, SafeActionsMixin, admin.ModelAdmin):
    form = DecisionForm
    list_display = ["summary", "kind", "status", "by", "created_at"]
    list_filter = ["status", "kind"]
    allowed_lookups = frozenset({"status__exact", "kind__exact"})
    sortable_by = ("kind", "status", "created_at")
    ordering = ["-created_at"]
    list_select_related = [
        "member",
        "remedy",
        "ailment",
        "evidence_page__remedy",
        "evidence_page__ailment",
    ]
    actions = None
    readonly_fields = [
        "kind",
        "about",
        "details",
        "source_link",
        "by",
        "created_at",
        "status",
        "decided",
        "reason",
        "outcome",
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                "The suggestion",
                {
                    "fields": [
                        "kind",
                        "about",
                        "details",
                        "source_link",
                        "by",
                        "created_at",
                    ]
                },
            ),
        ]
        if obj is not None and obj.is_pending:
            fieldsets.append(
                (
                    "Your decision",
                    {
                        "fields": ["decision", "category", "note"],
                        "description": (
                            "Accepting a new remedy or a remedy for an ailment creates "
                            "an unpublished draft for you to write. For a correction, "
                            "correct the page first: accepting links the suggestion to "
                            "the page’s latest change."
                        ),
                    },
                )
            )
        else:
            fieldsets.append(
                ("Decision", {"fields": ["status", "decided", "reason", "outcome"]})
            )
        return fieldsets

    def has_add_permission(self, request):
        return False

    @admin.display(description="suggestion")
    def summary(self, obj: Suggestion) -> str:
        return Truncator(obj.subject).chars(80)

    @admin.display(description="by")
    def by(self, obj: Suggestion) -> str:
        return obj.member.public_name if obj.member_id else "A deleted member"

    @admin.display(description="about")
    def about(self, obj: Suggestion) -> str:
        target = obj.target if obj.kind != Suggestion.Kind.REMEDY else None
        if target is None:
            return obj.subject
        return format_html(
            '<a href="{}">{}</a>', target.get_absolute_url(), obj.subject
        )

    @admin.display(description="source")
    def source_link(self, obj: Suggestion) -> str:
        source = obj.source
        if source.startswith("doi:"):
            url = f"https://doi.org/{source[4:]}"
        elif source.startswith("PMID "):
            url = f"https://pubmed.ncbi.nlm.nih.gov/{source[5:]}/"
        elif source.startswith(("http://", "https://")):
            url = source
        else:
            return source or "None given"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, source)

    @admin.display(description="decided")
    def decided(self, obj: Suggestion) -> str:
        if not obj.decided_at:
            return ""
        who = obj.decided_by.public_name if obj.decided_by_id else "an editor"
        return f"{obj.decided_at:%Y-%m-%d %H:%M} by {who}"

    @admin.display(description="what it made")
    def outcome(self, obj: Suggestion) -> str:
        if obj.draft_remedy_id:
            url = reverse("admin:remedies_remedy_change", args=[obj.draft_remedy_id])
            return format_html('The remedy <a href="{}">{}</a>', url, obj.draft_remedy)
        if obj.draft_page_id:
            url = reverse(
                "admin:remedies_evidencepage_change", args=[obj.draft_page_id]
            )
            return format_html(
                'The evidence page <a href="{}">{}</a>', url, obj.draft_page
            )
        target = obj.target
        if obj.history_id and target is not None:
            meta = target._meta
            url = reverse(
                f"admin:{meta.app_label}_{meta.model_name}_history", args=[target.pk]
            )
            return format_html('A change in <a href="{}">the page’s history</a>', url)
        return ""

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        if not decision:
            return
        if decision == ACCEPT:
            community.accept_suggestion(
                obj,
                by=request.user,
                note=form.cleaned_data.get("note", "").strip(),
                category=form.cleaned_data.get("category"),
            )
            text = "Accepted; the member will hear of it."
            if obj.draft_remedy_id or obj.draft_page_id:
                text = format_html(
                    "Accepted: {} is a draft for you to write. The member will hear of it.",
                    self.outcome(obj),
                )
        else:
            community.decline_suggestion(
                obj, by=request.user, reason=form.cleaned_data["note"]
            )
            text = "Declined; the member will read your reason."
        self.message_user(request, text, messages.SUCCESS)
