"""Admin actions shared by the content apps."""

from django.contrib import admin, messages


class PublishActionsMixin:
    """Publish and unpublish from the changelist, for editors who may change the model."""

    actions = ["publish", "unpublish"]

    def _set_published(self, request, queryset, value: bool):
        # save() per row, not update(): each change then lands in the history.
        changed = 0
        for obj in queryset.filter(is_published=not value):
            obj.is_published = value
            obj.save()
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
