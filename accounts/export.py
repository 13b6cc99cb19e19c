"""Everything the site holds about a member, as one JSON document they can download."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from community.services import member_data as community_data
from discussions.models import Comment, Flag
from votes.models import Vote

FORMAT_VERSION = 1


def _time(value):
    return value.isoformat() if value else None


def _comment_target(comment: Comment) -> dict:
    if comment.evidence_page_id:
        page = comment.evidence_page
        return {
            "remedy": page.remedy.name,
            "ailment": page.ailment.name,
            "url": page.get_absolute_url(),
        }
    return {"remedy": comment.remedy.name, "url": comment.remedy.get_absolute_url()}


def member_data(member, *, recent_searches: list[str]) -> dict:
    """The member's account, emails, votes, comments, flags, recent searches
    and what the community part holds (follows, watches, notices, suggestions).

    Ten queries whatever their number: emails, votes, comments, flags (the
    member row is already loaded), and five for the community part.
    """
    emails = EmailAddress.objects.filter(user=member).order_by("-primary", "email")
    votes = (
        Vote.objects.filter(member=member)
        .select_related("page__remedy", "page__ailment")
        .order_by("created_at", "pk")
    )
    comments = (
        Comment.objects.filter(author=member)
        .select_related("remedy", "evidence_page__remedy", "evidence_page__ailment")
        .order_by("created_at", "pk")
    )
    flags = (
        Flag.objects.filter(member=member)
        .select_related("comment")
        .order_by("created_at", "pk")
    )
    return {
        "format": f"remedies-member-data/{FORMAT_VERSION}",
        "account": {
            "email": member.email,
            "display_name": member.display_name,
            "joined": _time(member.date_joined),
            "last_signed_in": _time(member.last_login),
            "editor": member.is_staff,
        },
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in emails
        ],
        "votes": [
            {
                "remedy": v.page.remedy.name,
                "ailment": v.page.ailment.name,
                "url": v.page.get_absolute_url(),
                "vote": "it helped" if v.value == Vote.Value.UP else "it did not help",
                "cast": _time(v.created_at),
                "changed": _time(v.updated_at),
            }
            for v in votes
        ],
        "comments": [
            {
                "id": c.pk,
                "in_reply_to": c.parent_id,
                "on": _comment_target(c),
                "text": c.text,
                "state": c.get_state_display(),
                "written": _time(c.created_at),
                "edited": _time(c.edited_at),
            }
            for c in comments
        ],
        "flags": [
            {
                "comment": f.comment_id,
                "reason": f.get_reason_display(),
                "note": f.note,
                "flagged": _time(f.created_at),
            }
            for f in flags
        ],
        "recent_searches": recent_searches,
        # Email choice, follows, watches, notices and suggestions.
        "community": community_data(member),
    }
