"""The admin of the content: remedies, ailments, evidence pages, studies and products."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from ailments.models import Ailment
from core import freshness
from core.admin_hardening import HistoryAdmin, SafeAutocompleteMixin
from editors import admin_suggestions  # noqa: F401 - members' suggestions
from editors.admin_actions import (
    FreshPagesMixin,
    PublishActionsMixin,
    SearchIndexedMixin,
)
from editors.desk import ReviewDueFilter
from editors.notify import NotifyMembersMixin
from remedies.models import (
    Category,
    Citation,
    EvidencePage,
    HowToStep,
    Product,
    Remedy,
    Study,
)
from search.services import index_ailment, index_page, index_remedy


@admin.register(Ailment)
class AilmentAdmin(
    NotifyMembersMixin,
    FreshPagesMixin,
    SearchIndexedMixin,
    PublishActionsMixin,
    HistoryAdmin,
):
    index_for_search = index_ailment
    ordering = ["name"]
    list_display = ["name", "is_published", "page_count", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["name", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "synonyms",
        "is_published",
        "description",
        "red_flags",
        "red_flag_action",
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(page_count=Count("evidence_pages"))
        )

    @admin.display(description="evidence pages", ordering="page_count")
    def page_count(self, obj):
        return obj.page_count


@admin.register(Category)
class CategoryAdmin(FreshPagesMixin, HistoryAdmin):
    # Annotated querysets lose the model's default ordering; pagination and
    # autocomplete need one.
    ordering = ["name"]
    list_display = ["name", "slug", "remedy_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(remedy_count=Count("remedies"))

    @admin.display(description="remedies", ordering="remedy_count")
    def remedy_count(self, obj):
        return obj.remedy_count


class ProductInline(admin.TabularInline):
    model = Product
    extra = 0
    fields = ["position", "name", "description", "url", "disclosure"]


class EvidencePageLinkInline(admin.TabularInline):
    """The remedy's evidence pages, each a link to its own editing page."""

    model = EvidencePage
    extra = 0
    fields = ["ailment", "grade", "is_published", "votes_up", "votes_down"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    verbose_name_plural = "evidence pages (open one to edit it)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("ailment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Remedy)
class RemedyAdmin(
    NotifyMembersMixin,
    FreshPagesMixin,
    SearchIndexedMixin,
    PublishActionsMixin,
    HistoryAdmin,
):
    index_for_search = index_remedy
    ordering = ["name"]
    list_display = [
        "name",
        "category",
        "is_published",
        "safety_rating",
        "page_count",
        "updated_at",
    ]
    list_filter = ["category", "is_published", "safety_rating"]
    list_select_related = ["category"]
    search_fields = ["name", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EvidencePageLinkInline, ProductInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "category", "synonyms", "is_published"]}),
        (
            "General information (shown for every ailment)",
            {
                "fields": [
                    "what_it_is",
                    "how_it_works",
                    "why_it_matters",
                    "considerations",
                ]
            },
        ),
        ("Safety", {"fields": ["safety_rating", "safety_note"]}),
    ]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(page_count=Count("evidence_pages"))
        )

    @admin.display(description="evidence pages", ordering="page_count")
    def page_count(self, obj):
        url = (
            reverse("admin:remedies_evidencepage_changelist")
            + f"?remedy__id__exact={obj.pk}"
        )
        return format_html('<a href="{}">{}</a>', url, obj.page_count)


class HowToStepInline(admin.StackedInline):
    model = HowToStep
    extra = 0
    fields = [
        ("position", "title"),
        "instructions",
        ("reps", "sets", "hold", "frequency"),
    ]
    ordering = ["position", "pk"]


class CitationInline(SafeAutocompleteMixin, admin.TabularInline):
    model = Citation
    extra = 0
    fields = ["position", "study", "note"]
    autocomplete_fields = ["study"]
    ordering = ["position", "pk"]


@admin.register(EvidencePage)
class EvidencePageAdmin(
    NotifyMembersMixin,
    FreshPagesMixin,
    SafeAutocompleteMixin,
    SearchIndexedMixin,
    PublishActionsMixin,
    HistoryAdmin,
):
    index_for_search = index_page
    ordering = ["remedy__name", "ailment__name"]
    list_display = [
        "__str__",
        "grade",
        "is_published",
        "votes_up",
        "votes_down",
        "reviewed_on",
        "updated_at",
    ]
    list_filter = [
        "is_published",
        ReviewDueFilter,
        "grade",
        "ailment",
        "remedy__category",
    ]
    list_select_related = ["remedy", "ailment"]
    search_fields = ["remedy__name", "ailment__name", "summary"]
    autocomplete_fields = ["remedy", "ailment"]
    readonly_fields = ["votes_up", "votes_down", "updated_at", "public_page"]
    inlines = [HowToStepInline, CitationInline]
    actions = [*PublishActionsMixin.actions, "mark_reviewed_today"]
    fieldsets = [
        (None, {"fields": ["remedy", "ailment", "is_published", "public_page"]}),
        (
            "Specific to this ailment",
            {
                "fields": [
                    "summary",
                    "red_flags",
                    "why_it_works",
                    "how_to_intro",
                    "how_to_outro",
                    "warnings",
                ]
            },
        ),
        (
            "Evidence and review",
            {
                "fields": [
                    "grade",
                    "reviewed_on",
                    "reviewed_by",
                    "review_every",
                    "updated_at",
                ]
            },
        ),
        ("Community votes (read only)", {"fields": ["votes_up", "votes_down"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 80})
        if db_field.name == "review_every":
            # A form without it (an older form, a script) keeps the default.
            kwargs.update(required=False, empty_value=db_field.default)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="public page")
    def public_page(self, obj):
        if not obj.pk:
            return "Save to preview."
        label = "View" if obj.is_published else "Preview (not published yet)"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    @admin.action(
        description="Mark the selected pages reviewed today", permissions=["change"]
    )
    def mark_reviewed_today(self, request, queryset):
        from django.utils import timezone

        for page in queryset:
            page.reviewed_on = timezone.localdate()
            page.reviewed_by = request.user.public_name
            page.save()
            freshness.content_changed(page, ["reviewed_on", "reviewed_by"])
        self.message_user(request, "Marked as reviewed today.", messages.SUCCESS)


@admin.register(Study)
class StudyAdmin(FreshPagesMixin, HistoryAdmin):
    ordering = ["-year", "title"]
    list_display = ["title", "publisher", "year", "kind", "page_count"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "publisher", "key", "doi", "pmid"]
    prepopulated_fields = {"key": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(page_count=Count("citations"))

    @admin.display(description="cited by", ordering="page_count")
    def page_count(self, obj):
        return obj.page_count


@admin.register(Product)
class ProductAdmin(FreshPagesMixin, SafeAutocompleteMixin, HistoryAdmin):
    list_display = ["name", "remedy", "disclosure"]
    list_filter = ["remedy__category"]
    list_select_related = ["remedy"]
    search_fields = ["name", "remedy__name"]
    autocomplete_fields = ["remedy"]
