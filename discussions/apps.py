from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _discussion_changed(sender, instance, **kwargs) -> None:
    """A comment written, edited, deleted or moderated: members' shared page is stale."""
    from core.pagecache import bump_after_commit

    if instance.evidence_page_id:
        bump_after_commit(f"page:{instance.evidence_page_id}")


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = "Discussions"

    def ready(self):
        for model in (self.get_model("Comment"), self.get_model("FlaggedComment")):
            for signal in (post_save, post_delete):
                signal.connect(
                    _discussion_changed,
                    sender=model,
                    dispatch_uid=f"member-pages-{signal}-{model._meta.label}",
                )
