from django.contrib import admin

from core.admin_hardening import SafeActionsMixin

from .models import Vote


@admin.register(Vote)
class VoteAdmin(SafeActionsMixin, admin.ModelAdmin):
    # Votes are private and change only through votes.services: editors may
    # look, to investigate abuse, but not edit.
    list_display = ["page", "value", "created_at"]
    list_filter = ["value"]
    list_select_related = ["page__remedy", "page__ailment"]
    # Who cast a vote is health data: the admin never shows it, to anyone.
    fields = ["page", "value", "created_at", "updated_at"]
    readonly_fields = fields

    def lookup_allowed(self, lookup, value, request=None):
        # Nor may anyone list one member's votes by filtering on them.
        if lookup.split("__")[0] == "member":
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
