"""Admin pages that answer only the query parameters their own links use.

Every other parameter of a changelist is a lookup (Django turns `?member_id=5`,
`?member__email=…` or `?page__votes__member=5` into a filter), so an admin
that must never be filtered by a person lists what it does answer, and
refuses everything else with a 400: on the changelist itself, and in the
changelist filters an object's pages carry back to it (`_changelist_filters`).
"""

from __future__ import annotations

import re

from django.contrib.admin import ShowFacets
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IS_FACETS_VAR
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
)
from django.http import QueryDict

_ORDER_PART = re.compile(r"-?\d{1,3}")
CHANGELIST_FILTERS = "_changelist_filters"


class AllowListedQueryMixin:
    """For a ModelAdmin: only `allowed_lookups`, paging, ordering by a column
    in `sortable_by` and, with search fields, a search; nothing else.

    Object pages (view, delete, history) take only the changelist filters to
    go back to, which must pass the same test, and the history's page number.
    """

    # The changelist's filters, exactly as its filter links spell them.
    allowed_lookups: frozenset[str] = frozenset()
    # Columns (names in list_display) the changelist may be ordered by.
    sortable_by: tuple[str, ...] = ()

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in self.allowed_lookups

    def _changelist_params(self, request) -> set[str]:
        params = {PAGE_VAR, ERROR_FLAG, ORDER_VAR, ALL_VAR, *self.allowed_lookups}
        if self.get_search_fields(request):
            params.add(SEARCH_VAR)
        if self.show_facets is not ShowFacets.NEVER:
            params.add(IS_FACETS_VAR)
        return params

    def _ordering_allowed(self, request, value: str) -> bool:
        if value == "":
            return True  # the "remove sorting" link: the default order
        # Numbered as the changelist numbers them: after the selection
        # checkbox when there are actions.
        columns = list(self.get_list_display(request))
        if self.get_actions(request):
            columns = ["action_checkbox", *columns]
        sortable = set(self.get_sortable_by(request))
        for part in value.split("."):
            if not _ORDER_PART.fullmatch(part):
                return False
            index = int(part.lstrip("-"))
            if index >= len(columns) or columns[index] not in sortable:
                return False
        return True

    def refuse_unlisted_changelist_query(self, request, query: QueryDict) -> None:
        allowed = self._changelist_params(request)
        for key, values in query.lists():
            if key not in allowed:
                raise DisallowedModelAdminLookup(f"Filtering by {key} not allowed")
            if key == ORDER_VAR and not all(
                self._ordering_allowed(request, v) for v in values
            ):
                raise DisallowedModelAdminLookup("Ordering not allowed")

    def refuse_unlisted_object_query(self, request, *, extra=()) -> None:
        for key in request.GET:
            if key not in {CHANGELIST_FILTERS, *extra}:
                raise DisallowedModelAdminLookup(f"Parameter {key} not allowed")
        for value in request.GET.getlist(CHANGELIST_FILTERS):
            self.refuse_unlisted_changelist_query(request, QueryDict(value))

    def changelist_view(self, request, extra_context=None):
        self.refuse_unlisted_changelist_query(request, request.GET)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self.refuse_unlisted_object_query(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.refuse_unlisted_object_query(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.refuse_unlisted_object_query(request, extra=(PAGE_VAR,))
        return super().history_view(request, object_id, extra_context)
