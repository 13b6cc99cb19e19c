from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A member. Signs in by email; `display_name` is what others see."""

    display_name = models.CharField(
        max_length=50,
        blank=True,
        help_text="Shown beside your comments. Leave blank to appear as “Member”.",
    )

    def __str__(self) -> str:
        # Editors see members by email in the admin and in change history.
        return self.email or self.username

    @property
    def public_name(self) -> str:
        return self.display_name or "Member"


def public_name(user) -> str:
    """How allauth's pages name a member."""
    return user.public_name
