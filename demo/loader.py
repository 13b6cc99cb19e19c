"""Load the demo content in fixtures/demo/ into the database, idempotently.

Every row is matched on its slug or key and updated in place. Vote tallies are
backed by real vote rows from demo voter accounts (inactive, unable to sign
in), so the recount command finds the tallies exact.

The demo people (voters and commenters) are accounts no member can have: an
exact username, an address at example.invalid and no usable password. Their
votes and comments are the only rows the loader changes or removes, each
matched on a stable natural key, so what members wrote, voted or flagged is
never touched, whatever it answers or concerns.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ailments.models import Ailment
from core import freshness
from remedies.models import (
    Category,
    Citation,
    EvidencePage,
    HowToStep,
    Product,
    Remedy,
    Study,
)
from search.services import rebuild_index
from votes.models import Vote
from votes.services import recount_tallies

DEMO_DIR = settings.BASE_DIR / "fixtures" / "demo"
VOTER_COUNT = 150
VOTER_PREFIX = "demo-voter-"
COMMENTER_PREFIX = "demo-commenter-"
DEMO_DOMAIN = "example.invalid"
# The local demo member and editor joined this long ago: established members,
# not new accounts with a new account's stricter limits.
DEMO_ACCOUNT_AGE = timedelta(days=90)


class DemoContentError(Exception):
    pass


@dataclass
class Counts:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, created: bool) -> None:
        self.created.setdefault(kind, 0)
        if created:
            self.created[kind] += 1


def _read(pattern: str, folder: Path) -> list[dict]:
    rows: list[dict] = []
    for path in sorted(folder.glob(pattern)):
        rows.extend(json.loads(path.read_text(encoding="utf-8")))
    return rows


def _lines(items: list[str]) -> str:
    return "\n".join(items)


def _demo_accounts() -> None:
    """The local-only member and editor the README tells people to sign in as.

    Found by their email address (what one signs in with). They are
    established members: verified, and joined DEMO_ACCOUNT_AGE ago, so the
    limits on a new account's first day never hold them up, on any load.
    """
    from allauth.account.models import EmailAddress

    from accounts.adapter import DEMO_EDITOR_EMAIL, DEMO_EMAIL, DEMO_PASSWORD
    from accounts.editors import sync_editors_group

    User = get_user_model()
    joined = timezone.now() - DEMO_ACCOUNT_AGE
    accounts = {}
    for username, email, name in (
        ("demo", DEMO_EMAIL, "Demo member"),
        ("demo-editor", DEMO_EDITOR_EMAIL, "Demo editor"),
    ):
        account = User.objects.filter(email__iexact=email).order_by("pk").first()
        if account is None:
            if User.objects.filter(username=username).exists():
                username = email  # the short name is someone else's
            account = User(username=username, email=email, display_name=name)
            account.set_password(DEMO_PASSWORD)
        if account.pk is None or account.date_joined > joined:
            account.date_joined = min(account.date_joined, joined)
            account.save()
        EmailAddress.objects.update_or_create(
            user=account, email=email, defaults={"verified": True, "primary": True}
        )
        accounts[email] = account
    editor = accounts[DEMO_EDITOR_EMAIL]
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    editor.groups.add(sync_editors_group())


def load(folder: Path = DEMO_DIR) -> Counts:
    counts = Counts()
    with transaction.atomic():
        categories = _load_categories(folder, counts)
        ailments = _load_ailments(folder, counts)
        remedies = _load_remedies(folder, categories, counts)
        studies = _load_studies(folder, counts)
        _load_products(folder, remedies, counts)
        pages = _load_evidence(folder, remedies, ailments, studies, counts)
        _load_votes(pages, counts)
        _load_comments(folder, remedies, pages, counts)
        recount_tallies()
        rebuild_index()
        if settings.DEBUG:
            _demo_accounts()
        # Loaded in bulk: every page that shows any of it is stale.
        freshness.everything_changed()
    return counts


def _load_categories(folder, counts):
    result = {}
    for row in _read("categories.json", folder):
        obj, created = Category.objects.update_or_create(
            slug=row["slug"],
            defaults={"name": row["name"], "description": row["description"]},
        )
        counts.add("categories", created)
        result[obj.slug] = obj
    return result


def _load_ailments(folder, counts):
    result = {}
    for row in _read("ailments.json", folder):
        obj, created = Ailment.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "synonyms": _lines(row.get("synonyms", [])),
                "description": row["description"],
                "red_flags": _lines(row["red_flags"]),
                "red_flag_action": row.get("red_flag_action", ""),
                "is_published": row.get("published", True),
            },
        )
        counts.add("ailments", created)
        result[obj.slug] = obj
    return result


def _load_remedies(folder, categories, counts):
    result = {}
    for row in _read("remedies.json", folder):
        try:
            category = categories[row["category"]]
        except KeyError as error:
            raise DemoContentError(
                f"Remedy {row['slug']}: unknown category {row['category']}"
            ) from error
        obj, created = Remedy.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "category": category,
                "synonyms": _lines(row.get("synonyms", [])),
                "what_it_is": row["what_it_is"],
                "how_it_works": row["how_it_works"],
                "why_it_matters": row["why_it_matters"],
                "considerations": row["considerations"],
                "safety_rating": row.get("safety_rating"),
                "safety_note": row.get("safety_note", ""),
                "is_published": row.get("published", True),
            },
        )
        counts.add("remedies", created)
        result[obj.slug] = obj
    return result


def _load_studies(folder, counts):
    result = {}
    for row in _read("studies-*.json", folder):
        if not (row.get("url") or row.get("doi") or row.get("pmid")):
            raise DemoContentError(f"Study {row['key']} has no URL, DOI or PMID")
        obj, created = Study.objects.update_or_create(
            key=row["key"],
            defaults={
                "title": row["title"],
                "publisher": row["publisher"],
                "year": row["year"],
                "kind": row["kind"],
                "url": row.get("url", ""),
                "doi": row.get("doi", ""),
                "pmid": str(row.get("pmid", "")),
            },
        )
        if obj.key not in result:
            counts.add("studies", created)
        result[obj.key] = obj
    return result


def _load_products(folder, remedies, counts):
    for position, row in enumerate(_read("products.json", folder)):
        _, created = Product.objects.update_or_create(
            remedy=remedies[row["remedy"]],
            name=row["name"],
            defaults={
                "description": row["description"],
                "url": row["url"],
                "disclosure": row["disclosure"],
                "position": position,
            },
        )
        counts.add("products", created)


def _load_evidence(folder, remedies, ailments, studies, counts):
    now = timezone.now()
    pages = []
    for row in _read("evidence-*.json", folder):
        label = f"{row['remedy']} x {row['ailment']}"
        if row["remedy"] not in remedies or row["ailment"] not in ailments:
            raise DemoContentError(f"Evidence page {label}: unknown remedy or ailment")
        page, created = EvidencePage.objects.update_or_create(
            remedy=remedies[row["remedy"]],
            ailment=ailments[row["ailment"]],
            defaults={
                "summary": row["summary"],
                "why_it_works": row["why_it_works"],
                "how_to_intro": row.get("how_to_intro", ""),
                "how_to_outro": row.get("how_to_outro", ""),
                "red_flags": _lines(row.get("red_flags", [])),
                "warnings": _lines(row.get("warnings", [])),
                "grade": row["grade"],
                "is_published": row.get("published", True),
                "reviewed_by": row.get("reviewed_by", ""),
            },
        )
        counts.add("evidence pages", created)
        page.steps.all().delete()
        HowToStep.objects.bulk_create(
            HowToStep(
                page=page,
                position=i,
                title=step["title"],
                instructions=step["instructions"],
                reps=step.get("reps", ""),
                sets=step.get("sets", ""),
                hold=step.get("hold", ""),
                frequency=step.get("frequency", ""),
            )
            for i, step in enumerate(row["steps"], start=1)
        )
        page.citations.all().delete()
        cited = []
        for i, citation in enumerate(row["citations"], start=1):
            if citation["study"] not in studies:
                raise DemoContentError(
                    f"Evidence page {label}: unknown study {citation['study']}"
                )
            cited.append(
                Citation(
                    page=page,
                    study=studies[citation["study"]],
                    position=i,
                    note=citation["note"],
                )
            )
        Citation.objects.bulk_create(cited)
        reviewed = row.get("reviewed_days_ago")
        # updated_at is set with update(): save() would stamp it with now.
        EvidencePage.objects.filter(pk=page.pk).update(
            updated_at=now - timedelta(days=row.get("updated_days_ago", 0)),
            reviewed_on=(now - timedelta(days=reviewed)).date()
            if reviewed is not None
            else None,
        )
        pages.append((page, row.get("votes_up", 0), row.get("votes_down", 0)))
    return pages


# The demo people.


def _demo_people(usernames: list[str], display_names: dict[str, str]) -> dict:
    """The demo accounts with these usernames, by username, created when missing.

    A demo account has exactly its username, the address username@example.invalid
    and no usable password (it cannot sign in); no member's account has all
    three, so a member whose username happens to look like one is never taken
    for it.
    """
    User = get_user_model()
    found = {
        u.username: u
        for u in User.objects.filter(
            username__in=usernames,
            email__in=[f"{name}@{DEMO_DOMAIN}" for name in usernames],
            password__startswith="!",
        )
    }
    missing = [name for name in usernames if name not in found]
    taken = set(
        User.objects.filter(username__in=missing).values_list("username", flat=True)
    )
    if taken:
        raise DemoContentError(
            f"These usernames belong to accounts that are not demo accounts: "
            f"{', '.join(sorted(taken))}. The demo loader changes nothing of theirs."
        )
    User.objects.bulk_create(
        User(
            username=name,
            email=f"{name}@{DEMO_DOMAIN}",
            display_name=display_names.get(name, ""),
            is_active=False,
            password="!",
        )
        for name in missing
    )
    if missing:
        found.update((u.username, u) for u in User.objects.filter(username__in=missing))
    return found


# Votes: each demo voter's vote on each page, matched on (voter, page).


def _load_votes(pages, counts) -> None:
    """Give each page the demo votes the file says, changing only demo voters' votes.

    Members' votes on the same pages stay as they are and count in the
    tallies beside the demo ones (recount_tallies, after the load).
    """
    names = [f"{VOTER_PREFIX}{i:03d}" for i in range(1, VOTER_COUNT + 1)]
    people = _demo_people(names, {})
    voters = [people[name] for name in names]
    wanted = {}
    for page, up, down in pages:
        if up + down > len(voters):
            raise DemoContentError(f"{page}: more than {len(voters)} votes")
        for i, voter in enumerate(voters[: up + down]):
            wanted[voter.pk, page.pk] = Vote.Value.UP if i < up else Vote.Value.DOWN
    now = timezone.now()
    changed, stale = [], []
    for vote in Vote.objects.filter(member__in=voters):
        value = wanted.pop((vote.member_id, vote.page_id), None)
        if value is None:
            stale.append(vote.pk)
        elif vote.value != value:
            vote.value, vote.updated_at = value, now
            changed.append(vote)
    Vote.objects.filter(pk__in=stale).delete()
    Vote.objects.bulk_update(changed, ["value", "updated_at"], batch_size=500)
    Vote.objects.bulk_create(
        (
            Vote(member_id=member, page_id=page, value=value)
            for (member, page), value in wanted.items()
        ),
        batch_size=500,
    )
    counts.created["votes"] = counts.created.get("votes", 0) + len(wanted)


# Comments: each demo comment matched on where it is and who wrote it.


def _load_comments(folder, remedies, pages, counts) -> None:
    """Bring the demo commenters' threads in line with comments.json, in place.

    A demo comment's key is its discussion, the comment it answers, its author
    and how many comments by the same author come before it there (in the file,
    and by id in the database). Found: its text follows the file, unless an
    editor edited or took it down. Missing: it is posted, dated `days_ago`
    back. Members' replies, flags and votes are never touched; a demo comment
    that is no longer in the file goes, or, when members answered or flagged
    it, becomes "[deleted]" with their replies kept below it.
    """
    from discussions.models import MAX_DEPTH, Comment

    rows = _read("comments.json", folder)
    names = {c["author"] for c in _walk(rows)}
    usernames = {name: f"{COMMENTER_PREFIX}{name.lower()}" for name in names}
    people = _demo_people(
        sorted(usernames.values()), {u: name for name, u in usernames.items()}
    )
    authors = {name: people[username] for name, username in usernames.items()}
    # Every demo commenter's comments, also of those the file no longer names.
    commenters = {
        u.pk
        for u in get_user_model().objects.filter(
            username__startswith=COMMENTER_PREFIX, password__startswith="!"
        )
        if u.email == f"{u.username}@{DEMO_DOMAIN}"
    }
    pages_by_pair = {(p.remedy.slug, p.ailment.slug): p for p, _, _ in pages}

    stored = defaultdict(list)  # (remedy, page, parent, author) -> comments by id
    for comment in Comment.objects.filter(author__in=commenters).order_by("pk"):
        key = (
            comment.remedy_id,
            comment.evidence_page_id,
            comment.parent_id,
            comment.author_id,
        )
        stored[key].append(comment)
    seen = defaultdict(int)
    kept: set[int] = set()
    now = timezone.now()

    def target_of(row):
        if row["remedy"] not in remedies:
            raise DemoContentError(f"Comment by {row['author']}: unknown remedy")
        if not row.get("ailment"):
            return remedies[row["remedy"]]
        pair = (row["remedy"], row["ailment"])
        if pair not in pages_by_pair:
            raise DemoContentError(f"Comment by {row['author']}: no page {pair}")
        return pages_by_pair[pair]

    def add(row, target, parent, depth):
        if depth >= MAX_DEPTH:
            raise DemoContentError(
                f"Comment by {row['author']}: replies nest at most {MAX_DEPTH} levels"
            )
        author = authors[row["author"]]
        on_page = isinstance(target, EvidencePage)
        key = (
            None if on_page else target.pk,
            target.pk if on_page else None,
            parent.pk if parent else None,
            author.pk,
        )
        position = seen[key]
        seen[key] += 1
        found = stored[key][position] if position < len(stored[key]) else None
        if found is None:
            if parent is not None and not parent.is_shown:
                return  # no one answers a comment that is not on show
            found = _post(author, target, parent, row["text"])
            found.created_at = now - timedelta(days=row["days_ago"])
            Comment.objects.filter(pk=found.pk).update(created_at=found.created_at)
            counts.add("comments", True)
        else:
            counts.add("comments", False)
            untouched = found.edited_at is None and found.state not in (
                Comment.State.REMOVED,
                Comment.State.DELETED,
            )
            if untouched and found.text != row["text"]:
                found.text = row["text"]
                Comment.objects.filter(pk=found.pk).update(text=found.text)
        kept.add(found.pk)
        for child in row.get("replies", []):
            add(child, target, found, depth + 1)

    for row in rows:
        add(row, target_of(row), None, 0)
    _retire(
        [c for group in stored.values() for c in group if c.pk not in kept],
        demo_authors=commenters,
    )


def _post(author, target, parent, text):
    from discussions.services import post_comment, reply

    if parent is not None:
        return reply(author=author, parent=parent, text=text)
    return post_comment(author=author, target=target, text=text)


def _retire(comments, *, demo_authors: set[int]) -> None:
    """Take out demo comments no longer in the file, keeping everything of members'.

    Deleting a comment deletes its replies and flags with it, so one that a
    member answered (at any depth) or flagged is only blanked, as its author's
    deletion would, and stays in its place with their replies below it.
    """
    from discussions.models import Comment, Flag

    if not comments:
        return
    roots = {c.thread_id or c.pk for c in comments}
    family = list(
        Comment.objects.filter(Q(pk__in=roots) | Q(thread_id__in=roots)).values_list(
            "pk", "parent_id", "author_id"
        )
    )
    parents = {pk: parent for pk, parent, _ in family}
    flagged = set(
        Flag.objects.filter(comment_id__in=list(parents)).values_list(
            "comment_id", flat=True
        )
    )
    members = set()  # comments that hold something of a member's, below or in them
    for pk, _, author in family:
        if author in demo_authors and pk not in flagged:
            continue
        while pk is not None and pk not in members:
            members.add(pk)
            pk = parents[pk]
    blank = [c.pk for c in comments if c.pk in members]
    Comment.objects.filter(pk__in=blank).exclude(state=Comment.State.DELETED).update(
        state=Comment.State.DELETED, text=""
    )
    Comment.objects.filter(
        pk__in=[c.pk for c in comments if c.pk not in members]
    ).delete()


def _walk(rows):
    for row in rows:
        yield row
        yield from _walk(row.get("replies", []))
