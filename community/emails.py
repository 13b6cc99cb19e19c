"""The text of the emails, and the signed links that unsubscribe from them.

Plain text, every line at most 76 characters: then the message goes out as
plain 7- or 8-bit text, never quoted-printable, and every link in it stays
whole, in a mail reader and in the terminal of `./dev run` alike.
"""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import urlsafe_base64_encode

from core.site import absolute, site_url

WIDTH = 76


@dataclass
class Message:
    subject: str
    body: str
    headers: dict = field(default_factory=dict)


def site_link(path: str) -> str:
    return absolute(path)


# One-click unsubscribe (RFC 8058): a link that names the member and carries
# a MAC of their id, so it cannot be guessed or turned to another member.


def unsubscribe_token(member_pk: int, secret: str | None = None) -> str:
    mac = salted_hmac(
        "community.unsubscribe", str(member_pk), secret=secret, algorithm="sha256"
    ).digest()
    return urlsafe_base64_encode(mac[:16])


def check_unsubscribe_token(member_pk: int, token: str) -> bool:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        constant_time_compare(unsubscribe_token(member_pk, s), token) for s in secrets
    )


def unsubscribe_link(member_pk: int) -> str:
    return site_link(
        reverse(
            "community:unsubscribe",
            args=[member_pk, unsubscribe_token(member_pk)],
        )
    )


def headers_for(member_pk: int, key: str) -> dict:
    domain = urlsplit(site_url()).hostname or "localhost"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return {
        "List-Unsubscribe": f"<{unsubscribe_link(member_pk)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # The same for every try of the same email: a copy sent twice is one message.
        "Message-ID": f"<{digest}@{domain}>",
        "Auto-Submitted": "auto-generated",
    }


# Text


def wrap(text: str, prefix: str = "") -> list[str]:
    """`text` as lines of at most WIDTH characters, paragraphs kept."""
    lines: list[str] = []
    width = WIDTH - len(prefix)
    for paragraph in text.splitlines() or [""]:
        if not paragraph.strip():
            lines.append(prefix.rstrip())
            continue
        lines.extend(
            prefix + line
            for line in textwrap.wrap(
                paragraph, width, break_long_words=True, break_on_hyphens=False
            )
        )
    return lines


def _footer(member, why: str) -> list[str]:
    lines = ["", "-- ", *wrap(f"Why you got this: {why}")]
    lines += [
        "",
        "Email at once, once a day, or never:",
        site_link(reverse("community:notification_settings")),
        "",
        "Stop all emails from Remedies in one click:",
        unsubscribe_link(member.pk),
    ]
    return lines


def _greeting(member) -> list[str]:
    return [f"Hello {member.display_name},", ""] if member.display_name else []


def reason_text(notice) -> str:
    from .models import Notice

    a = notice.activity
    if notice.reason == Notice.Reason.REPLY:
        return f"{a.actor_name} replied to a comment of yours."
    if notice.reason == Notice.Reason.WATCHING:
        return (
            f"you watch the discussion on {a.place} (you posted in it, or chose "
            "to watch it). Open it to stop watching."
        )
    if notice.reason == Notice.Reason.FOLLOWING:
        followed = (
            " or ".join(x.name for x in (a.remedy, a.ailment) if x is not None)
            or a.place
        )
        return f"you follow {followed}."
    if notice.reason == Notice.Reason.VOTED:
        return f"you voted on {a.place}."
    return "you made this suggestion."


def _what(notice) -> tuple[str, list[str], str]:
    """(subject, lines about what happened, label of the link)."""
    from .models import Activity

    a = notice.activity
    headline = notice.headline
    if notice.folded:
        return (
            headline,
            wrap(
                f"{a.actor_name} posted more than a few comments today in "
                "discussions you follow; here is where they begin."
            ),
            "Read them",
        )
    if a.kind == Activity.Kind.COMMENT:
        return headline, wrap(a.text, "> "), "Read it and reply"
    if a.kind == Activity.Kind.SAFETY:
        lines = ["SAFETY UPDATE", "", *wrap(f"{a.place} changed:")]
        for change in a.text.splitlines():
            lines += wrap(f"- {change}")
        return f"Safety update: {a.place}", lines, "See the page as it is now"
    if a.kind == Activity.Kind.PUBLISHED:
        return headline, wrap(a.text), "Read it"
    lines = wrap(headline)
    if a.text:
        lines += ["", "The editor’s note:", *wrap(a.text, "> ")]
    return headline, lines, "See your suggestions"


def for_notice(notice, member, key: str) -> Message:
    from .models import Activity

    subject, lines, label = _what(notice)
    body = _greeting(member)
    kind = notice.activity.kind
    if kind in (Activity.Kind.COMMENT, Activity.Kind.PUBLISHED) and not notice.folded:
        body += [*wrap(notice.headline + ":"), ""]
    body += [*lines, "", f"{label}:", site_link(notice.activity.path)]
    body += _footer(member, reason_text(notice))
    return Message(
        subject=subject[:300],
        body="\n".join(body) + "\n",
        headers=headers_for(member.pk, key),
    )


EXCERPT = 300


def for_digest(notices: list, member, key: str) -> Message:
    safety = [n for n in notices if n.is_safety]
    others = [n for n in notices if not n.is_safety]
    n = len(notices)
    subject = f"Your Remedies digest: {n} new notice{'s' if n != 1 else ''}"
    if safety:
        subject += f", {len(safety)} safety update{'s' if len(safety) != 1 else ''}"
    body = [*_greeting(member), f"Since your last digest: {n} new.", ""]
    if safety:
        body += ["SAFETY UPDATES", ""]
        for notice in safety:
            body += _digest_item(notice)
        if others:
            body += ["OTHER NEWS", ""]
    for notice in others:
        body += _digest_item(notice)
    body += [
        "You get one email a day with everything new; your inbox on the site",
        "has it all too.",
    ]
    body += _footer(member, "you chose a daily digest of your notices.")
    return Message(
        subject=subject,
        body="\n".join(body) + "\n",
        headers=headers_for(member.pk, key),
    )


def _digest_item(notice) -> list[str]:
    from .models import Activity

    a = notice.activity
    lines = wrap(f"* {notice.headline}")
    if a.text and not notice.folded:
        text = a.text if len(a.text) <= EXCERPT else a.text[: EXCERPT - 1] + "…"
        prefix = "  - " if a.kind == Activity.Kind.SAFETY else "  > "
        lines += wrap(text, prefix)
    lines += ["  " + site_link(a.path), ""]
    return lines
