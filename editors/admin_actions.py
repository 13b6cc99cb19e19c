"""Admin behaviour shared by the content admins: publishing, and keeping pages and search fresh."""

from django.contrib import admin, messages

from core import freshness
from search import services as search_index


class FreshPagesMixin:
    """Every save, deletion and action of an editor shows on every page that shows
    what changed, on its next request (core/freshness.py)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        freshness.content_changed(obj, form.changed_data if change else None)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Steps, citations, products: what the object's own pages show.
        if any(formset.has_changed() for formset in formsets):
            freshness.content_changed(form.instance, changed=())

    def delete_model(self, request, obj):
        # Before the deletion, while it still knows where it is shown.
        freshness.content_changed(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            freshness.content_changed(obj)
        super().delete_queryset(request, queryset)


class PublishActionsMixin:
    """Publish and unpublish from the changelist, for editors who may change the model."""

    actions = ["publish", "unpublish"]

    def _set_published(self, request, queryset, value: bool):
        # save() per row, not update(): each change then lands in the history.
        changed = 0
        for obj in queryset.filter(is_published=not value):
            obj.is_published = value
            obj.save()
            freshness.content_changed(obj, ["is_published"])
            if index := getattr(type(self), "index_for_search", None):
                index(obj)
            changed += 1
        verb = "published" if value else "unpublished"
        noun = (
            self.model._meta.verbose_name
            if changed == 1
            else self.model._meta.verbose_name_plural
        )
        self.message_user(request, f"{changed} {noun} {verb}.", messages.SUCCESS)

    @admin.action(
        description="Publish the selected %(verbose_name_plural)s",
        permissions=["change"],
    )
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(
        description="Unpublish the selected %(verbose_name_plural)s",
        permissions=["change"],
    )
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)


class SearchIndexedMixin:
    """Re-index a remedy, ailment or evidence page whenever an editor changes it.

    Subclasses name the search service that indexes their model.
    """

    index_for_search = None

    # Both run once everything is saved (inlines such as steps included), on
    # the add and change forms and when a version is restored from history.
    def response_add(self, request, obj, *args, **kwargs):
        type(self).index_for_search(obj)
        return super().response_add(request, obj, *args, **kwargs)

    def response_change(self, request, obj):
        type(self).index_for_search(obj)
        return super().response_change(request, obj)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        search_index.remove_from_index(obj)

    def delete_queryset(self, request, queryset):
        obj = queryset.first()
        super().delete_queryset(request, queryset)
        if obj is not None:
            search_index.remove_from_index(obj)
