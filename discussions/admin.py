from django.contrib import admin, messages
from django.utils.text import Truncator

from core.admin_hardening import SafeActionsMixin
from core.admin_privacy import AllowListedQueryMixin

from . import services
from .models import Comment, Flag, FlaggedComment


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    fields = ["reason", "note", "flagged_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description="flagged by")
    def flagged_by(self, obj: Flag) -> str:
        return obj.member.public_name if obj.member_id else "A deleted member"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


@admin.register(Comment)
class CommentAdmin(AllowListedQueryMixin, SafeActionsMixin, admin.ModelAdmin):
    """Every comment, to look up. Changes go through the actions, by permission.

    Editors know members by their display name and what they wrote, never by
    email: no column, field, search or filter shows or takes one, and the
    changelist answers only its own filters, search, paging and ordering.
    """

    list_display = ["excerpt", "by", "where", "state", "flag_count", "created_at"]
    list_filter = ["state", "created_at"]
    list_select_related = [
        "author",
        "remedy",
        "evidence_page__remedy",
        "evidence_page__ailment",
    ]
    search_fields = ["text", "author__display_name"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    # The parameters of the state and date filters and of the date drill-down.
    allowed_lookups = frozenset(
        {
            "state__exact",
            "created_at__gte",
            "created_at__lt",
            "created_at__year",
            "created_at__month",
            "created_at__day",
        }
    )
    sortable_by = ("state", "flag_count", "created_at")
    readonly_fields = [
        "where",
        "by",
        "text",
        "state",
        "flag_count",
        "depth",
        "parent",
        "created_at",
        "edited_at",
        "reviewed_at",
        "reviewer",
    ]
    fields = readonly_fields
    inlines = [FlagInline]
    actions = ["approve_comments", "remove_comments"]

    @admin.display(description="comment")
    def excerpt(self, obj: Comment) -> str:
        return Truncator(obj.text or obj.placeholder).chars(80)

    @admin.display(description="on")
    def where(self, obj: Comment) -> str:
        return str(obj.target)

    @admin.display(description="by")
    def by(self, obj: Comment) -> str:
        return obj.author_name

    @admin.display(description="reviewed by")
    def reviewer(self, obj: Comment) -> str:
        return obj.reviewed_by.public_name if obj.reviewed_by_id else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: comments change through the site and the actions below.
        return False

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        """Offer approve and remove only to those who may moderate (as django-contrib-comments does)."""
        actions = super().get_actions(request, action_location=action_location)
        if not request.user.has_perm("discussions.moderate_comment"):
            actions.pop("approve_comments", None)
            actions.pop("remove_comments", None)
        return actions

    @admin.action(description="Approve: show the selected comments again")
    def approve_comments(self, request, queryset):
        n = services.approve_comments(comments=queryset, moderator=request.user)
        self.message_user(
            request, f"{n} comment{'s' if n != 1 else ''} approved.", messages.SUCCESS
        )

    @admin.action(description="Remove the selected comments (replies stay)")
    def remove_comments(self, request, queryset):
        n = services.remove_comments(comments=queryset, moderator=request.user)
        self.message_user(
            request, f"{n} comment{'s' if n != 1 else ''} removed.", messages.SUCCESS
        )


@admin.register(FlaggedComment)
class FlaggedCommentAdmin(CommentAdmin):
    """The moderation queue: flagged comments no editor has reviewed yet, hidden ones first."""

    list_filter = ["state"]
    date_hierarchy = None
    allowed_lookups = frozenset({"state__exact"})
    # "pending" sorts before "published": hidden comments first, most flagged first.
    ordering = ["state", "-flag_count", "created_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(
                flag_count__gt=0,
                state__in=[Comment.State.PENDING, Comment.State.PUBLISHED],
            )
        )
