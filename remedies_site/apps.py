from django.contrib.admin.apps import AdminConfig


class HardenedAdminConfig(AdminConfig):
    """Django's admin, with every registered model's admin hardened against
    tampered forms, those of Django and allauth included (admin_hardening.py)."""

    def ready(self):
        super().ready()  # imports every app's admin module
        from .admin_hardening import harden_registered_admins

        harden_registered_admins(self.module.site)
