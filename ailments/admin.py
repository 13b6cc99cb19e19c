from django.contrib import admin

from .models import Ailment


@admin.register(Ailment)
class AilmentAdmin(admin.ModelAdmin):
    list_display = ["name", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["name", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}
