from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """What brings members back: notices and emails about replies, watching
    discussions, following remedies and ailments (safety updates included),
    and members' suggestions. Slow work runs as background tasks."""

    name = "community"
    verbose_name = "Community"

    def ready(self):
        from . import slots  # noqa: F401 - registers the per-person slots
