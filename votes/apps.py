from django.apps import AppConfig


class VotesConfig(AppConfig):
    name = "votes"
    verbose_name = "Votes"

    def ready(self):
        from . import slots  # noqa: F401 - registers the per-person slots
