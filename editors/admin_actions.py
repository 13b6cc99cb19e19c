"""Admin behaviour shared by the content apps: publishing, and keeping search fresh."""

from django.contrib import admin, messages

from search import services as search_index


class PublishActionsMixin:
    """Publish and unpublish from the changelist, for editors who may change the model."""

    actions = ["publish", "unpublish"]

    def _set_published(self, request, queryset, value: bool):
        # save() per row, not update(): each change then lands in the history.
        changed = 0
        for obj in queryset.filter(is_published=not value):
            obj.is_published = value
            obj.save()
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
