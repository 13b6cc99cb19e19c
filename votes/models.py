from django.conf import settings
from django.db import models


class Vote(models.Model):
    """A member's private verdict on one evidence page: it helped, or it did not."""

    class Value(models.IntegerChoices):
        UP = 1, "Helped"
        DOWN = -1, "Did not help"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    page = models.ForeignKey(
        "remedies.EvidencePage", on_delete=models.CASCADE, related_name="votes"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "page"], name="one_vote_per_member_and_page"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_value_display()} on page {self.page_id}"
