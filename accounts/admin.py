from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class MemberAdmin(UserAdmin):
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "display_name", "username"]
    fieldsets = [*UserAdmin.fieldsets, ("Public profile", {"fields": ["display_name"]})]
