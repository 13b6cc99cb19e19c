from django.apps import AppConfig


class AilmentsConfig(AppConfig):
    name = "ailments"
    verbose_name = "Ailments"
