"""Load the demo content in fixtures/demo/ into the database, idempotently.

Every row is matched on its slug or key and updated in place. Vote tallies are
backed by real vote rows from demo voter accounts (inactive, unable to sign
in), so the recount command finds the tallies exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ailments.models import Ailment
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
    """The local-only member and editor the README tells people to sign in as."""
    from allauth.account.models import EmailAddress

    from accounts.adapter import DEMO_EDITOR_EMAIL, DEMO_EMAIL, DEMO_PASSWORD
    from accounts.editors import sync_editors_group

    User = get_user_model()
    for username, email, name in (
        ("demo", DEMO_EMAIL, "Demo member"),
        ("demo-editor", DEMO_EDITOR_EMAIL, "Demo editor"),
    ):
        account, created = User.objects.get_or_create(
            username=username, defaults={"email": email, "display_name": name}
        )
        if created:
            account.set_password(DEMO_PASSWORD)
            account.save()
        EmailAddress.objects.update_or_create(
            user=account, email=email, defaults={"verified": True, "primary": True}
        )
    editor = User.objects.get(username="demo-editor")
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
        _load_votes(pages)
        _load_comments(folder, remedies, pages)
        recount_tallies()
        rebuild_index()
        if settings.DEBUG:
            _demo_accounts()
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


COMMENTER_PREFIX = "demo-commenter-"


def _load_comments(folder, remedies, pages) -> None:
    """Replace the demo commenters' threads with those in comments.json."""
    from discussions.models import Comment
    from discussions.services import post_comment, reply

    rows = _read("comments.json", folder)
    User = get_user_model()
    people = {}
    for name in sorted({c["author"] for c in _walk(rows)}):
        username = f"{COMMENTER_PREFIX}{name.lower()}"
        person, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.invalid",
                "display_name": name,
                "is_active": False,
                "password": "!",
            },
        )
        people[name] = person
    Comment.objects.filter(author__username__startswith=COMMENTER_PREFIX).delete()
    pages_by_pair = {(p.remedy.slug, p.ailment.slug): p for p, _, _ in pages}
    now = timezone.now()

    def add(row, parent=None):
        author, text = people[row["author"]], row["text"]
        if parent is not None:
            comment = reply(author=author, parent=parent, text=text)
        elif row.get("ailment"):
            target = pages_by_pair[(row["remedy"], row["ailment"])]
            comment = post_comment(author=author, target=target, text=text)
        else:
            comment = post_comment(
                author=author, target=remedies[row["remedy"]], text=text
            )
        Comment.objects.filter(pk=comment.pk).update(
            created_at=now - timedelta(days=row["days_ago"])
        )
        for child in row.get("replies", []):
            add(child, comment)

    for row in rows:
        add(row)


def _walk(rows):
    for row in rows:
        yield row
        yield from _walk(row.get("replies", []))


def _voters() -> list:
    User = get_user_model()
    existing = {
        u.username: u for u in User.objects.filter(username__startswith=VOTER_PREFIX)
    }
    missing = [
        User(
            username=name,
            email=f"{name}@example.invalid",
            is_active=False,
            password="!",
        )
        for name in (f"{VOTER_PREFIX}{i:03d}" for i in range(1, VOTER_COUNT + 1))
        if name not in existing
    ]
    User.objects.bulk_create(missing)
    return list(
        User.objects.filter(username__startswith=VOTER_PREFIX).order_by("username")
    )


def _load_votes(pages) -> None:
    """Replace the demo voters' votes so each page's tally is what the file says."""
    voters = _voters()
    Vote.objects.filter(member__in=voters).delete()
    votes = []
    for page, up, down in pages:
        if up + down > len(voters):
            raise DemoContentError(f"{page}: more than {len(voters)} votes")
        votes += [Vote(member=v, page=page, value=Vote.Value.UP) for v in voters[:up]]
        votes += [
            Vote(member=v, page=page, value=Vote.Value.DOWN)
            for v in voters[up : up + down]
        ]
    Vote.objects.bulk_create(votes, batch_size=500)
