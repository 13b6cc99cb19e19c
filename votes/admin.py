from django.contrib import admin

from .models import Vote


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    # Votes are private and change only through votes.services: editors may
    # look, to investigate abuse, but not edit.
    list_display = ["page", "value", "created_at"]
    list_filter = ["value"]
    list_select_related = ["page__remedy", "page__ailment"]
    readonly_fields = ["member", "page", "value", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
