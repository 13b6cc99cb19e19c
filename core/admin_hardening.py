"""The admin answers a malformed id with "not found" or a form error, never a server error.

Django's autocomplete widget, its changelist actions and django-simple-history's
pages pass the id from the URL or the form straight to a query, which fails on
anything that is not a number. These take such ids out first.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin


def _is_valid(field, value) -> bool:
    try:
        field.to_python(value)
    except ValidationError:
        return False
    return True


class AutocompleteSelect(widgets.AutocompleteSelect):
    """Re-shows a sent form whose choice is not an id at all (the field says why) without failing."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if _is_valid(target, v)], attr)


class SafeAutocompleteMixin:
    """For a ModelAdmin or inline with autocomplete_fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SafeActionsMixin:
    """An action on a selection that is not all ids (a tampered form) does nothing and
    says so; an empty ?_to_field= means the primary key, as no _to_field does."""

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)

    def to_field_allowed(self, request, to_field):
        try:
            return super().to_field_allowed(request, to_field)
        except AttributeError:
            # ?_to_field= naming a reverse relation: Django fails on it; refuse it (a 400).
            return False

    def response_action(self, request, queryset, **kwargs):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(_is_valid(self.model._meta.pk, pk) for pk in selected):
            self.message_user(
                request,
                "That was not a valid selection, so nothing was changed.",
                messages.WARNING,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, **kwargs)


def harden_registered_admins(site) -> None:
    """Give SafeActionsMixin to the admins registered without it (Django's
    groups, allauth's email addresses), so that no model's changelist fails."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, SafeActionsMixin):
            continue
        base = type(model_admin)
        hardened = type(f"Safe{base.__name__}", (SafeActionsMixin, base), {})
        site.unregister(model)
        site.register(model, hardened)


class HistoryAdmin(SafeActionsMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages are "not found" for an id that cannot exist."""

    def _check_id(self, object_id) -> None:
        if not _is_valid(self.model._meta.pk, unquote(object_id)):
            raise Http404("No such object.")

    def history_view(self, request, object_id, extra_context=None):
        self._check_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_id(object_id)
        history_id = self.model.history.model._meta.pk
        if not _is_valid(history_id, version_id):
            raise Http404("No such version.")
        return super().history_form_view(request, object_id, version_id, extra_context)
