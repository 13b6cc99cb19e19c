"""Writes that touch a member's account and everything hanging off it."""

from django.db import transaction

from discussions.services import author_changed, delete_all_comments
from votes.services import retract_all_votes


def delete_account(*, member, remove_comments: bool = False) -> None:
    """Delete `member`, taking their votes out of the tallies in the same transaction.

    Their comments stay, from "a deleted member", so threads read on; with
    `remove_comments` their text is blanked first (replies stay).
    """
    with transaction.atomic():
        retract_all_votes(member=member)
        if remove_comments:
            delete_all_comments(author=member)
        author_changed(author=member)
        member.delete()


def save_display_name(form) -> None:
    """Save the member's display name form; their comments show the new name at once."""
    with transaction.atomic():
        member = form.save()
        if "display_name" in form.changed_data:
            author_changed(author=member)
