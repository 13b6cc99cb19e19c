from django.apps import AppConfig


class EditorsConfig(AppConfig):
    """How editors change the content: the admin of remedies, ailments and their
    evidence, which keeps search and cached pages fresh after every change."""

    name = "editors"
    verbose_name = "Editors"

    def ready(self):
        from . import slots  # noqa: F401 - registers the per-person slots
