"""The "Editors" group: staff who curate medical content and moderate, nothing more."""

from __future__ import annotations

from django.apps import apps as global_apps

GROUP_NAME = "Editors"

# (app label, model, actions). No auth or accounts permissions: editors never
# manage users. Votes are private and only ever viewed, to investigate abuse.
EDITOR_PERMISSIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("ailments", "ailment", ("add", "change", "delete", "view")),
    ("remedies", "category", ("add", "change", "delete", "view")),
    ("remedies", "remedy", ("add", "change", "delete", "view")),
    ("remedies", "evidencepage", ("add", "change", "delete", "view")),
    ("remedies", "howtostep", ("add", "change", "delete", "view")),
    ("remedies", "citation", ("add", "change", "delete", "view")),
    ("remedies", "study", ("add", "change", "delete", "view")),
    ("remedies", "product", ("add", "change", "delete", "view")),
    ("votes", "vote", ("view",)),
    # Moderation: look at every comment and its flags, work the queue, and
    # approve or remove; no add or hard delete.
    ("discussions", "comment", ("view", "moderate")),
    ("discussions", "flaggedcomment", ("view",)),
    ("discussions", "flag", ("view",)),
    # Members' suggestions: read them, accept or decline (editors/admin_suggestions.py).
    ("community", "suggestion", ("view", "change")),
    # Taking a term out of Trending now (search/admin.py).
    ("search", "hiddentrendingterm", ("add", "change", "delete", "view")),
]


def codenames(permissions=EDITOR_PERMISSIONS) -> set[tuple[str, str]]:
    return {
        (app, f"{action}_{model}")
        for app, model, actions in permissions
        for action in actions
    }


def sync_editors_group(apps=global_apps):
    """Create the group if needed and give it exactly EDITOR_PERMISSIONS.

    Takes the migration's `apps` so a data migration can call it too; models
    that the migration's state does not have yet are left for a later one.
    """
    from django.contrib.auth.management import create_permissions

    known = []
    for app, model, actions in EDITOR_PERMISSIONS:
        try:
            apps.get_model(app, model)
        except LookupError:
            continue
        known.append((app, model, actions))

    for app_label in {app for app, _, _ in known}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = codenames(known)
    perms = [
        p
        for p in Permission.objects.filter(
            content_type__app_label__in={app for app, _ in wanted}
        ).select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in perms}
    if missing:
        raise LookupError(f"Permissions not found: {sorted(missing)}")
    group.permissions.set(perms)
    return group
