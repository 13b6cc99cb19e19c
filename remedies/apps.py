from django.apps import AppConfig, apps


class RemediesConfig(AppConfig):
    name = "remedies"
    verbose_name = "Remedies and evidence"

    def ready(self):
        from . import signals

        # Everything an editor writes that a page shows; votes and comments
        # reach visitors when their cached page expires.
        signals.connect(
            [
                apps.get_model("ailments", "Ailment"),
                *(
                    self.get_model(name)
                    for name in (
                        "Category",
                        "Remedy",
                        "EvidencePage",
                        "HowToStep",
                        "Study",
                        "Citation",
                        "Product",
                    )
                ),
            ]
        )
