from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from core.admin_hardening import SafeActionsMixin

from . import services
from .models import HiddenTrendingTerm, SearchEntry


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


class HiddenTrendingTermForm(forms.ModelForm):
    class Meta:
        model = HiddenTrendingTerm
        fields = ["term"]

    def clean_term(self) -> str:
        # As searches are remembered, so it matches what Trending now shows.
        term = services.normalise(self.cleaned_data["term"])
        if not term:
            raise forms.ValidationError("Enter the term as Trending now shows it.")
        return term


@admin.register(HiddenTrendingTerm)
class HiddenTrendingTermAdmin(SafeActionsMixin, admin.ModelAdmin):
    """Terms taken out of Trending now, for everyone, at once. Deleting one lets it back."""

    form = HiddenTrendingTermForm
    list_display = ["term", "hidden_at"]
    search_fields = ["term"]
    fields = ["term"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The admin shows help text as HTML: the terms are anyone's words.
        showing = format_html_join(
            ", ", "“{}”", ((term,) for term in services.trending())
        )
        form.base_fields["term"].help_text = format_html(
            "Exactly as it shows in Trending now, which shows: {}.",
            showing or "nothing",
        )
        return form

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.forget_trending()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.forget_trending()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        services.forget_trending()
