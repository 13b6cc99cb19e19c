from django.contrib import admin
from django.db.models import Count

from remedies_site.admin_actions import PublishActionsMixin, SearchIndexedMixin
from remedies_site.admin_hardening import HistoryAdmin
from search.services import index_ailment

from .models import Ailment


@admin.register(Ailment)
class AilmentAdmin(SearchIndexedMixin, PublishActionsMixin, HistoryAdmin):
    index_for_search = index_ailment
    ordering = ["name"]
    list_display = ["name", "is_published", "page_count", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["name", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "synonyms", "is_published", "description", "red_flags"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(page_count=Count("evidence_pages"))
        )

    @admin.display(description="evidence pages", ordering="page_count")
    def page_count(self, obj):
        return obj.page_count
