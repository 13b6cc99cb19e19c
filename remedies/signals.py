"""Content changes make cached pages stale at once (core/pagecache.py)."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from core.pagecache import bump_content_version


def connect(models) -> None:
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                bump_content_version,
                sender=model,
                dispatch_uid=f"pagecache-{signal}-{model._meta.label}",
            )
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                bump_content_version,
                sender=field.remote_field.through,
                dispatch_uid=f"pagecache-m2m-{model._meta.label}-{field.name}",
            )
