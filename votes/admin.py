from django.contrib import admin

from core.admin_hardening import SafeActionsMixin
from core.admin_privacy import AllowListedQueryMixin

from .models import Vote


@admin.register(Vote)
class VoteAdmin(AllowListedQueryMixin, SafeActionsMixin, admin.ModelAdmin):
    # Votes are private and change only through votes.services: editors may
    # look, to investigate abuse, but not edit.
    list_display = ["page", "value", "created_at"]
    list_filter = ["value"]
    list_select_related = ["page__remedy", "page__ailment"]
    # Who cast a vote is health data: the admin never shows it, to anyone.
    fields = ["page", "value", "created_at", "updated_at"]
    readonly_fields = fields
    # Nor may anyone list one member's votes: the changelist answers its own
    # filter, paging and column ordering, and refuses any other parameter
    # (member_id, member__email, page__votes__member, …) with a 400.
    allowed_lookups = frozenset({"value__exact"})
    sortable_by = ("page", "value", "created_at")
    show_facets = admin.ShowFacets.NEVER
    view_on_site = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting a row here would skip votes.services and leave its page's
    # tallies wrong; members withdraw their own votes.
    def has_delete_permission(self, request, obj=None):
        return False
