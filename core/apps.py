from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """The ground floor: what every app stands on (caching, rate limits, headers,
    pagination, structured data, the admin's hardening). It imports no app of ours."""

    default = True

    def ready(self):
        from . import slots  # noqa: F401 - registers the per-person slots

    name = "core"
    verbose_name = "Core"


class HardenedAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with every registered model's admin hardened against
    tampered forms, those of Django and allauth included (admin_hardening.py)."""

    def ready(self):
        super().ready()  # imports every app's admin module
        from .admin_hardening import harden_registered_admins

        harden_registered_admins(self.module.site)

    default = False
