"""Writes that touch a member's account and everything hanging off it."""

from django.db import transaction

from votes.services import retract_all_votes


def delete_account(*, member) -> None:
    """Delete `member`, taking their votes out of the tallies in the same transaction."""
    with transaction.atomic():
        retract_all_votes(member=member)
        member.delete()
