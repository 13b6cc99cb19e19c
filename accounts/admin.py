from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm

from core.admin_hardening import SafeActionsMixin

from .allauth_forms import limit_lengths
from .models import User


class MemberCreationForm(AdminUserCreationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_lengths(self)


class MemberPasswordForm(AdminPasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_lengths(self)


@admin.register(User)
class MemberAdmin(SafeActionsMixin, UserAdmin):
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name", "username"]
    fieldsets = [*UserAdmin.fieldsets, ("Public profile", {"fields": ["display_name"]})]
    # Every field with a maximum length, passwords included.
    add_form = MemberCreationForm
    change_password_form = MemberPasswordForm

    def lookup_allowed(self, lookup, value, request=None):
        # Who cast a vote or flagged a comment is private, even to superusers:
        # ?votes__id=12 would list the member behind a vote.
        if lookup.split("__")[0] in {"votes", "comment_flags", "comments"}:
            return False
        return super().lookup_allowed(lookup, value, request)
