"""The editors' per-person part of public pages (docs/architecture.md, "Per-person slots")."""

from django.urls import reverse

from core.pages import slot_provider

# What an "Edit" link may lead to: the admin pages of the content editors change.
EDITABLE = {"remedies.remedy", "remedies.evidencepage", "ailments.ailment"}


@slot_provider("edit-link")
def edit_link(request, *, model: str = "", pk: int = 0, **args) -> dict:
    """For staff who may change it, the admin page of what they are reading."""
    user = request.user
    if not (user.is_authenticated and user.is_staff) or model not in EDITABLE or not pk:
        return {"edit_url": ""}
    app, name = model.split(".")
    if not user.has_perm(f"{app}.change_{name}"):
        return {"edit_url": ""}
    return {"edit_url": reverse(f"admin:{app}_{name}_change", args=[pk])}
