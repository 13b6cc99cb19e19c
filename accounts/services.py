"""Writes that touch a member's account and everything hanging off it."""

from django.contrib.auth import get_user_model
from django.db import transaction

from core import freshness
from discussions.services import delete_all_comments
from votes.services import retract_all_votes


def delete_account(*, member, remove_comments: bool = False) -> None:
    """Delete `member`, taking their votes out of the tallies in the same transaction.

    Their comments stay, from "a deleted member", so threads read on; with
    `remove_comments` their text is blanked first (replies stay).
    """
    with transaction.atomic():
        # The member's row first: a vote of theirs that is being cast waits
        # for this to commit (its row needs the member) and then finds no
        # member, so none can slip in between counting their votes out and
        # the deletion.
        get_user_model().objects.select_for_update().filter(pk=member.pk).values_list(
            "pk"
        ).first()
        retract_all_votes(member=member)
        if remove_comments:
            delete_all_comments(author=member)
        freshness.member_renamed(member)
        member.delete()


def save_display_name(form) -> None:
    """Save the member's display name form; their comments show the new name at once."""
    with transaction.atomic():
        member = form.save()
        if "display_name" in form.changed_data:
            freshness.member_renamed(member)
