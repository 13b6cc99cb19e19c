from django.contrib import admin

from core.admin_hardening import SafeActionsMixin

from .models import SearchEntry


@admin.register(SearchEntry)
class SearchEntryAdmin(SafeActionsMixin, admin.ModelAdmin):
    """Read only: the index is a copy, rewritten by search.services."""

    list_display = ["title", "kind", "is_published", "indexed_at"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "synonyms"]
    fields = [
        "kind",
        "object_id",
        "title",
        "synonyms",
        "summary",
        "url",
        "label",
        "is_published",
        "indexed_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
