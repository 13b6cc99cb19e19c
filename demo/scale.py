"""Fill an empty database with made-up content at a realistic scale, for benchmarks.

`./dev manage load_scale` (see the command for its options) writes, by default:
10,000 remedies, 2,000 ailments, 100,000 evidence pages (each with how-to
steps, warnings and 3–10 citations out of 20,000 studies), 50,000 members,
1,000,000 votes, 1,000,000 comments in threads of varied size and depth, a
search log, and then the search index.

How it stays within a few hundred megabytes and a few minutes:

- Every table's rows come from a generator, one row at a time, and go
  straight to the database: PostgreSQL's COPY (psycopg 3 `cursor.copy`), or
  `bulk_create` in batches on SQLite. No list of rows is ever held.
- Rows get their ids here (1, 2, 3…), so rows that point at other rows need
  no reading back; the id sequences are moved past them at the end.
- How many votes each page gets, and how many of them are up, is decided
  first (two arrays of integers), so the pages are written with the tallies
  and Wilson scores their vote rows will add up to, and the votes are written
  from the same plan: `recount_votes --check` finds no drift.

Everything is drawn from one seeded random generator: the same options and
seed give the same data.
"""

from __future__ import annotations

import random
import time
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils.text import slugify

from ailments.models import Ailment
from discussions.models import MAX_DEPTH, Comment, Flag
from remedies.models import (
    Category,
    Citation,
    EvidencePage,
    HowToStep,
    Product,
    Remedy,
    Study,
)
from search.models import SearchEntry, SearchLog, SearchWord
from search.services import rebuild_index
from votes.models import Vote
from votes.scoring import wilson_lower_bound

User = get_user_model()


@dataclass(frozen=True)
class Sizes:
    remedies: int
    ailments: int
    pages: int
    studies: int
    members: int
    votes: int
    comments: int
    searches: int


PRESETS = {
    "full": Sizes(
        remedies=10_000,
        ailments=2_000,
        pages=100_000,
        studies=20_000,
        members=50_000,
        votes=1_000_000,
        comments=1_000_000,
        searches=100_000,
    ),
    "small": Sizes(
        remedies=500,
        ailments=100,
        pages=2_000,
        studies=1_000,
        members=2_000,
        votes=20_000,
        comments=20_000,
        searches=2_000,
    ),
}

# SQLite writes one row at a time behind a single lock: above this many votes
# and comments use PostgreSQL.
SQLITE_MAX_ROWS = 100_000

MIN_CITATIONS, MAX_CITATIONS = 3, 10
MIN_STEPS, MAX_STEPS = 3, 7
MAX_THREAD = 200
# Members whose email domain marks them as made up by this loader.
EMAIL_DOMAIN = "scale.example"
SEARCH_LOG_DAYS = 30


class ScaleError(Exception):
    pass


def validate(sizes: Sizes) -> None:
    """Refuse sizes that cannot be filled (e.g. more pages than remedy-ailment pairs)."""
    for f in fields(sizes):
        if getattr(sizes, f.name) < 0:
            raise ScaleError(f"{f.name} cannot be negative.")
    for name in ("remedies", "ailments", "studies", "members"):
        if getattr(sizes, name) < 1:
            raise ScaleError(f"Need at least one of {name}.")
    if sizes.pages < sizes.remedies:
        raise ScaleError("Need at least one evidence page per remedy.")
    if sizes.pages > sizes.remedies * sizes.ailments:
        raise ScaleError(
            "More evidence pages than remedy-ailment pairs: "
            f"{sizes.remedies} × {sizes.ailments}."
        )
    if sizes.studies < MAX_CITATIONS:
        raise ScaleError(f"Need at least {MAX_CITATIONS} studies.")
    if sizes.votes > sizes.pages * sizes.members:
        raise ScaleError("More votes than member-page pairs.")
    if connection.vendor == "sqlite" and max(sizes.votes, sizes.comments) > (
        SQLITE_MAX_ROWS
    ):
        raise ScaleError(
            f"SQLite takes at most {SQLITE_MAX_ROWS:,} votes and comments "
            "(use --preset small, or PostgreSQL via DATABASE_URL)."
        )


# What must be empty before loading: content, members and their activity.
CHECKED_MODELS = (
    Category,
    Remedy,
    Ailment,
    Study,
    EvidencePage,
    Vote,
    Comment,
    SearchLog,
    SearchEntry,
    User,
)


def nonempty_tables() -> list[str]:
    return [
        str(m._meta.verbose_name_plural) for m in CHECKED_MODELS if m.objects.exists()
    ]


# Words the made-up content is written with.


def _words(text: str) -> list[str]:
    return text.split()


REAL_AILMENTS = [
    "Sciatica",
    "Migraine",
    "Tension headache",
    "Insomnia",
    "Lower back pain",
    "Neck pain",
    "Plantar fasciitis",
    "Tennis elbow",
    "Carpal tunnel syndrome",
    "Osteoarthritis of the knee",
    "Irritable bowel syndrome",
    "Acid reflux",
    "Common cold",
    "Seasonal allergies",
    "Eczema",
    "Psoriasis",
    "Acne",
    "Motion sickness",
    "Morning sickness",
    "Period pain",
    "Anxiety",
    "Mild depression",
    "Constipation",
    "Hay fever",
    "Sinusitis",
    "Sore throat",
    "Cough",
    "Gout",
    "Fibromyalgia",
    "Restless legs",
]
HERBS = _words(
    "ashwagandha boswellia calendula chamomile comfrey dandelion echinacea "
    "elderberry fennel feverfew garlic ginger ginkgo ginseng hawthorn hops "
    "lavender liquorice marshmallow meadowsweet nettle passionflower peppermint "
    "rhodiola rosehip sage skullcap spearmint thyme turmeric valerian yarrow "
    "arnica aloe rooibos hibiscus cinnamon clove cardamom fenugreek saffron "
    "moringa astragalus bilberry cranberry magnesium zinc melatonin probiotic "
    "glucosamine"
)
FORMS = _words(
    "tea tincture capsules extract oil balm compress syrup lozenges powder drops "
    "gel spray bath rinse patch gummies infusion decoction poultice"
)
METHODS = [
    "Gentle stretching",
    "Nerve gliding",
    "Heat packs",
    "Cold packs",
    "Walking programme",
    "Breathing exercises",
    "Progressive relaxation",
    "Sleep routine",
    "Massage",
    "Yoga",
    "Tai chi",
    "Pilates",
    "Hydrotherapy",
    "Acupressure",
    "Mindfulness",
    "Journaling",
    "Posture training",
    "Balance training",
    "Resistance bands",
    "Foam rolling",
]
BODY_PARTS = _words(
    "back neck shoulder knee hip ankle foot heel wrist elbow jaw head chest "
    "stomach bowel bladder skin scalp eye ear throat sinus gum tooth muscle "
    "joint tendon nerve spine pelvis calf thigh hand finger toe"
)
COMPLAINTS = _words(
    "pain ache stiffness strain sprain cramp spasm inflammation swelling itch "
    "rash dryness irritation tension weakness numbness tingling burning "
    "soreness fatigue infection bloating congestion"
)
QUALIFIERS = _words(
    "acute chronic recurrent mild severe seasonal nocturnal exercise-induced "
    "post-viral postural stress-related age-related"
)
SENTENCE_PARTS = (
    [
        "A small trial found",
        "Two randomised trials reported",
        "A systematic review concluded",
        "Guidelines suggest",
        "Observational studies hint",
        "Most members who voted say",
        "Physiotherapists often recommend",
        "Pharmacists advise",
        "Early research suggests",
        "The evidence shows",
    ],
    [
        "a modest benefit after four weeks of daily use",
        "less pain and stiffness than with placebo",
        "faster recovery when combined with staying active",
        "better sleep in adults with long-standing symptoms",
        "no clear difference from usual care",
        "fewer flare-ups over six months",
        "a small reduction in inflammation markers",
        "that benefits fade once it is stopped",
        "improved movement within two weeks",
        "mixed results across small samples",
    ],
    [
        "in adults with symptoms lasting more than three months.",
        "although the studies were small and short.",
        "especially when started early.",
        "but side effects were uncommon and mild.",
        "so it is worth trying before stronger options.",
        "when used as directed on the label.",
        "in people who also kept up gentle exercise.",
        "compared with doing nothing at all.",
        "while larger trials are still under way.",
        "with most people improving within a few weeks.",
    ],
)
WARNINGS = [
    "Stop if the pain spreads or gets worse.",
    "Ask a pharmacist first if you take blood thinners.",
    "Not for use in pregnancy without medical advice.",
    "Seek help if numbness or weakness appears.",
    "Children need a modified plan: ask a doctor.",
    "Check with your doctor if you have a heart condition.",
    "Avoid if you are allergic to plants of the daisy family.",
    "Do not use on broken skin.",
]
RED_FLAGS = [
    "Loss of bladder or bowel control",
    "Numbness around the groin or buttocks",
    "Sudden severe pain with fever",
    "Weakness in both legs",
    "Chest pain or shortness of breath",
    "Confusion or slurred speech",
    "Unexplained weight loss",
    "Pain after a fall or injury",
]
STEP_TITLES = [
    "Warm up",
    "Knee to chest",
    "Seated stretch",
    "Slow breathing",
    "Prepare the infusion",
    "Apply the compress",
    "Take with food",
    "Gentle walk",
    "Rest and review",
    "Cool down",
    "Measure the dose",
    "Repeat on the other side",
]
REPLIES = [
    "This helped me a lot, thank you for sharing.",
    "Did you notice any side effects?",
    "I tried it for two weeks and saw no change.",
    "My physio suggested the same thing.",
    "Worth asking a pharmacist about interactions first.",
    "How long did it take before you felt a difference?",
    "Same here, it worked best combined with stretching.",
    "I found the capsules easier than the tea.",
    "Please see a doctor if the numbness keeps coming back.",
    "Thanks, I will give it a go and report back.",
    "It made my stomach a bit upset at first.",
    "Started low and built up slowly, as the page says.",
]
FIRST_NAMES = _words(
    "Sam Alex Priya Jordan Maria Chen Amir Lucy Tom Aisha Ben Zoe Omar Hana Leo "
    "Grace Ravi Nina Jack Ines"
)
STUDY_WORDS = _words(
    "effect efficacy safety trial review outcomes adults patients placebo "
    "controlled randomised pilot cohort treatment management pain function "
    "quality sleep inflammation"
)
PUBLISHERS = [
    "BMJ",
    "The Lancet",
    "JAMA",
    "Cochrane Database of Systematic Reviews",
    "Annals of Internal Medicine",
    "NICE",
    "PLOS ONE",
    "Pain",
    "Phytomedicine",
    "Journal of Physiotherapy",
]
SEARCH_TERMS_EXTRA = ["back pain", "sleep", "headache", "stress", "joint pain"]


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Loader:
    """Writes one table at a time from row generators; see the module docstring."""

    def __init__(
        self,
        sizes: Sizes,
        *,
        seed: int = 7,
        log: Callable[[str], None] = lambda message: None,
    ):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.log = log
        self.now = _now()
        self.postgres = connection.vendor == "postgresql"
        self.timings: dict[str, float] = {}
        rng = self.rng
        self.sentences = [
            f"{rng.choice(SENTENCE_PARTS[0])} {rng.choice(SENTENCE_PARTS[1])} "
            f"{rng.choice(SENTENCE_PARTS[2])}"
            for _ in range(500)
        ]

    # Writing

    def write(self, model: type[models.Model], attnames: list[str], rows: Iterable):
        """Write rows (tuples in `attnames` order) to `model`'s table; returns how many."""
        started = time.perf_counter()
        count = 0
        if self.postgres:
            fields = [
                model._meta.get_field(
                    name.removesuffix("_id") if name.endswith("_id") else name
                )
                for name in attnames
            ]
            # Fields the rows leave out get their defaults, as bulk_create gives them.
            defaults = [
                f
                for f in model._meta.concrete_fields
                if f not in fields and not f.primary_key and f.has_default()
            ]
            columns = ", ".join(
                connection.ops.quote_name(f.column) for f in fields + defaults
            )
            sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row((*row, *(f.get_default() for f in defaults)))
                    count += 1
        else:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(attnames, row, strict=True))))
                if len(batch) == 1000:
                    model.objects.bulk_create(batch)
                    count += len(batch)
                    batch = []
            model.objects.bulk_create(batch)
            count += len(batch)
        elapsed = time.perf_counter() - started
        self.timings[model._meta.db_table] = elapsed
        self.log(f"  {model._meta.db_table}: {count:,} rows in {elapsed:.1f} s")
        return count

    # Helpers for made-up values

    def text(self, sentences: int) -> str:
        return " ".join(self.rng.choices(self.sentences, k=sentences))

    def paragraphs(self, n: int) -> str:
        return "\n\n".join(self.text(self.rng.randint(2, 4)) for _ in range(n))

    def past(self, days: float) -> datetime:
        """A random moment within the last `days` days."""
        return self.now - timedelta(seconds=self.rng.randrange(int(days * 86400)))

    def _unique(self, want: int, make: Callable[[int], str]) -> list[str]:
        seen: set[str] = set()
        slugs: set[str] = set()
        names: list[str] = []
        attempts = 0
        while len(names) < want:
            name = make(len(names))
            attempts += 1
            if name in seen or slugify(name) in slugs or attempts > want * 20:
                name = f"{name} {len(names) + 1}"
            if name in seen or slugify(name) in slugs:
                continue
            seen.add(name)
            slugs.add(slugify(name))
            names.append(name)
        return names

    # The load

    def run(self) -> dict[str, int]:
        """Write everything in one transaction; returns the row count of each table."""
        s = self.sizes
        rng = self.rng
        counts: dict[str, int] = {}
        with transaction.atomic():
            if self.postgres:
                # Check each row's foreign keys as it is copied rather than
                # queueing millions of deferred checks until the commit.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.log("Writing content…")
            counts["categories"] = self.categories()
            counts["ailments"] = self.ailments()
            counts["remedies"] = self.remedies()
            counts["products"] = self.products()
            counts["studies"] = self.studies()
            # The plan: which remedy-ailment pairs have pages, and their votes.
            page_remedy, page_ailment = self.page_pairs()
            vote_counts, up_counts = self.vote_plan()
            self.page_published = bytearray(
                1 if rng.random() < 0.97 else 0 for _ in range(s.pages)
            )
            counts["evidence pages"] = self.pages(
                page_remedy, page_ailment, vote_counts, up_counts
            )
            counts["how-to steps"] = self.steps()
            counts["citations"] = self.citations()
            self.log("Writing members and their activity…")
            counts["members"] = self.members()
            counts["email addresses"] = self.email_addresses()
            counts["votes"] = self.votes(vote_counts, up_counts)
            del vote_counts, up_counts
            counts["comments"], flagged = self.comments()
            counts["flags"] = self.flags(flagged)
            counts["search log"] = self.search_log()
            self.reset_sequences()
            if self.postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            self.log("Building the search index…")
            started = time.perf_counter()
            with self.gin_indexes_dropped([SearchEntry, SearchWord]):
                counts["search entries"] = rebuild_index()
            self.timings["search index"] = time.perf_counter() - started
            self.log(
                f"  search index: {counts['search entries']:,} entries in "
                f"{self.timings['search index']:.1f} s"
            )
        return counts

    def categories(self) -> int:
        names = [
            "Herbal",
            "Exercise",
            "Physical therapy",
            "Mind and body",
            "Supplements",
            "Diet",
            "Heat and cold",
            "Sleep",
            "Massage",
            "Breathing",
            "Topical",
            "Lifestyle",
        ]
        self.category_count = len(names)
        return self.write(
            Category,
            ["id", "name", "slug", "description"],
            (
                (i, name, slugify(name), f"{name} remedies.")
                for i, name in enumerate(names, 1)
            ),
        )

    def ailments(self) -> int:
        rng = self.rng

        def make(i: int) -> str:
            if i < len(REAL_AILMENTS):
                return REAL_AILMENTS[i]
            return (
                f"{rng.choice(QUALIFIERS)} {rng.choice(BODY_PARTS)} "
                f"{rng.choice(COMPLAINTS)}".capitalize()
            )

        names = self._unique(self.sizes.ailments, make)
        self.ailment_names = names

        def rows():
            for i, name in enumerate(names, 1):
                created = self.past(1000)
                yield (
                    i,
                    name,
                    slugify(name),
                    "\n".join(
                        f"{rng.choice(BODY_PARTS)} {rng.choice(COMPLAINTS)}"
                        for _ in range(rng.randint(0, 3))
                    ),
                    self.paragraphs(rng.randint(1, 3)),
                    "\n".join(rng.sample(RED_FLAGS, rng.randint(2, 4))),
                    "",  # what to do: the site's default line
                    rng.random() < 0.99,
                    created,
                    created,
                )

        return self.write(
            Ailment,
            [
                "id",
                "name",
                "slug",
                "synonyms",
                "description",
                "red_flags",
                "red_flag_action",
                "is_published",
                "created_at",
                "updated_at",
            ],
            rows(),
        )

    def remedies(self) -> int:
        rng = self.rng

        def make(i: int) -> str:
            roll = rng.random()
            if roll < 0.5:
                return f"{rng.choice(HERBS)} {rng.choice(FORMS)}".capitalize()
            if roll < 0.8:
                a, b = rng.sample(HERBS, 2)
                return f"{a} and {b} {rng.choice(FORMS)}".capitalize()
            return f"{rng.choice(METHODS)} for the {rng.choice(BODY_PARTS)}"

        names = self._unique(self.sizes.remedies, make)
        self.remedy_names = names

        def rows():
            for i, name in enumerate(names, 1):
                created = self.past(1000)
                yield (
                    i,
                    name,
                    slugify(name),
                    rng.randint(1, self.category_count),
                    "\n".join(
                        f"{rng.choice(HERBS)} {rng.choice(FORMS)}"
                        for _ in range(rng.randint(0, 2))
                    ),
                    self.paragraphs(1),
                    self.paragraphs(2),
                    self.paragraphs(1),
                    self.paragraphs(1),
                    rng.randint(3, 10) if rng.random() < 0.9 else None,
                    "Rated from the studies cited and reported side effects.",
                    rng.random() < 0.98,
                    created,
                    created,
                )

        return self.write(
            Remedy,
            [
                "id",
                "name",
                "slug",
                "category_id",
                "synonyms",
                "what_it_is",
                "how_it_works",
                "why_it_matters",
                "considerations",
                "safety_rating",
                "safety_note",
                "is_published",
                "created_at",
                "updated_at",
            ],
            rows(),
        )

    def products(self) -> int:
        rng = self.rng

        def rows():
            pk = 0
            for remedy in range(1, self.sizes.remedies + 1):
                for position in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
                    pk += 1
                    yield (
                        pk,
                        remedy,
                        f"{self.remedy_names[remedy - 1]} ({rng.choice(FORMS)}, brand {position + 1})",
                        "A widely sold product; check the label for the dose.",
                        f"https://shop.example/products/{pk}",
                        "Listed by our editors; nobody paid for this listing.",
                        position,
                    )

        return self.write(
            Product,
            [
                "id",
                "remedy_id",
                "name",
                "description",
                "url",
                "disclosure",
                "position",
            ],
            rows(),
        )

    def studies(self) -> int:
        rng = self.rng
        kinds = [k for k, _ in Study.Kind.choices]

        def rows():
            for i in range(1, self.sizes.studies + 1):
                roll = rng.random()
                yield (
                    i,
                    f"scale-study-{i}",
                    " ".join(
                        rng.choices(STUDY_WORDS, k=rng.randint(5, 10))
                    ).capitalize()
                    + f" of {rng.choice(HERBS)} for {rng.choice(BODY_PARTS)} {rng.choice(COMPLAINTS)}",
                    rng.choice(PUBLISHERS),
                    rng.randint(1985, 2026),
                    rng.choice(kinds),
                    f"https://studies.example/{i}" if roll < 0.2 else "",
                    f"10.{1000 + i % 9000}/scale.{i}" if roll >= 0.2 else "",
                    str(10_000_000 + i) if roll > 0.5 else "",
                )

        return self.write(
            Study,
            ["id", "key", "title", "publisher", "year", "kind", "url", "doi", "pmid"],
            rows(),
        )

    def page_pairs(self) -> tuple[array, array]:
        """Each page's remedy and ailment: every remedy has at least one page,
        some many; popular ailments have hundreds of remedies, rare ones few."""
        s, rng = self.sizes, self.rng
        per_remedy = array("l", [1] * s.remedies)
        # Spread the rest unevenly: a remedy drawn often gets many pages.
        extra = s.pages - s.remedies
        weights = [rng.paretovariate(1.5) for _ in range(s.remedies)]
        cumulative = list(_accumulate(weights))
        for r in rng.choices(range(s.remedies), cum_weights=cumulative, k=extra):
            per_remedy[r] += 1
        # A remedy cannot have more pages than there are ailments: move the excess.
        overflow = 0
        for r in range(s.remedies):
            if per_remedy[r] > s.ailments:
                overflow += per_remedy[r] - s.ailments
                per_remedy[r] = s.ailments
        r = 0
        while overflow:
            if per_remedy[r] < s.ailments:
                per_remedy[r] += 1
                overflow -= 1
            r = (r + 1) % s.remedies
        del weights, cumulative
        # Ailment popularity: Zipf-like.
        ailment_weights = list(
            _accumulate(1 / (i + 1) ** 0.8 for i in range(s.ailments))
        )
        shuffled = list(range(1, s.ailments + 1))
        rng.shuffle(shuffled)
        remedy_of = array("l")
        ailment_of = array("l")
        for r in range(s.remedies):
            k = per_remedy[r]
            if k * 4 > s.ailments:
                chosen = rng.sample(shuffled, k)
            else:
                picked: set[int] = set()
                while len(picked) < k:
                    for a in rng.choices(shuffled, cum_weights=ailment_weights, k=k):
                        if len(picked) < k:
                            picked.add(a)
                chosen = sorted(picked)
            for a in chosen:
                remedy_of.append(r + 1)
                ailment_of.append(a)
        return remedy_of, ailment_of

    def vote_plan(self) -> tuple[array, array]:
        """How many votes each page gets (a long tail) and how many are up."""
        s, rng = self.sizes, self.rng
        counts = array("l", [0] * s.pages)
        if s.votes:
            # A third of pages get no votes; the rest share them unevenly.
            rated = [p for p in range(s.pages) if rng.random() < 0.67] or [0]
            weights = list(_accumulate(rng.lognormvariate(0, 1.3) for _ in rated))
            cap = s.members
            remaining = s.votes
            while remaining:
                for p in rng.choices(rated, cum_weights=weights, k=remaining):
                    if counts[p] < cap and remaining:
                        counts[p] += 1
                        remaining -= 1
                if remaining and all(counts[p] >= cap for p in rated):
                    rated = [p for p in range(s.pages) if counts[p] < cap]
                    weights = list(_accumulate(1.0 for _ in rated))
        ups = array("l", [0] * s.pages)
        for p in range(s.pages):
            n = counts[p]
            if n:
                ups[p] = rng.binomialvariate(n, rng.betavariate(4, 2))
        return counts, ups

    def pages(self, remedy_of, ailment_of, vote_counts, up_counts) -> int:
        rng = self.rng
        grades = [g for g, _ in EvidencePage.Grade.choices]
        reviewers = ["Dr A. Patel", "Dr J. Smith", "R. Okafor, PT", "Editorial team"]

        def rows():
            for p in range(self.sizes.pages):
                remedy, ailment = remedy_of[p], ailment_of[p]
                up, total = up_counts[p], vote_counts[p]
                yield (
                    p + 1,
                    remedy,
                    ailment,
                    f"How {self.remedy_names[remedy - 1].lower()} may help with "
                    f"{self.ailment_names[ailment - 1].lower()}: {self.text(1)}"[:400],
                    self.paragraphs(rng.randint(2, 3)),
                    self.text(1),
                    self.text(1) if rng.random() < 0.5 else "",
                    "\n".join(rng.sample(RED_FLAGS, rng.randint(0, 2))),
                    "\n".join(rng.sample(WARNINGS, rng.randint(2, 4))),
                    rng.choice(grades),
                    bool(self.page_published[p]),
                    self.past(400),
                    (self.now - timedelta(days=rng.randint(0, 700))).date()
                    if rng.random() < 0.8
                    else None,
                    rng.choice(reviewers),
                    up,
                    total - up,
                    total,
                    wilson_lower_bound(up, total),
                )

        return self.write(
            EvidencePage,
            [
                "id",
                "remedy_id",
                "ailment_id",
                "summary",
                "why_it_works",
                "how_to_intro",
                "how_to_outro",
                "red_flags",
                "warnings",
                "grade",
                "is_published",
                "updated_at",
                "reviewed_on",
                "reviewed_by",
                "votes_up",
                "votes_down",
                "votes_total",
                "score",
            ],
            rows(),
        )

    def steps(self) -> int:
        rng = self.rng

        def rows():
            pk = 0
            for page in range(1, self.sizes.pages + 1):
                for position in range(rng.randint(MIN_STEPS, MAX_STEPS)):
                    pk += 1
                    yield (
                        pk,
                        page,
                        position,
                        rng.choice(STEP_TITLES),
                        self.text(rng.randint(1, 3)),
                        f"{rng.randint(5, 15)} slow reps" if rng.random() < 0.5 else "",
                        f"{rng.randint(1, 3)} sets" if rng.random() < 0.4 else "",
                        f"Hold {rng.choice((10, 20, 30))} s"
                        if rng.random() < 0.3
                        else "",
                        rng.choice(("1–2× daily", "Every morning", "Twice a week", "")),
                    )

        return self.write(
            HowToStep,
            [
                "id",
                "page_id",
                "position",
                "title",
                "instructions",
                "reps",
                "sets",
                "hold",
                "frequency",
            ],
            rows(),
        )

    def citations(self) -> int:
        rng = self.rng
        studies = self.sizes.studies

        def rows():
            pk = 0
            for page in range(1, self.sizes.pages + 1):
                k = rng.randint(MIN_CITATIONS, MAX_CITATIONS)
                for position, study in enumerate(rng.sample(range(1, studies + 1), k)):
                    pk += 1
                    yield (pk, page, study, position, "")

        return self.write(
            Citation, ["id", "page_id", "study_id", "position", "note"], rows()
        )

    def members(self) -> int:
        rng = self.rng

        def rows():
            for i in range(1, self.sizes.members + 1):
                joined = self.past(1000)
                name = (
                    f"{rng.choice(FIRST_NAMES)} {chr(65 + rng.randrange(26))}."
                    if rng.random() < 0.6
                    else ""
                )
                yield (
                    i,
                    # Unusable: nobody signs in as a made-up member by password.
                    f"!{rng.getrandbits(160):040x}",
                    joined + timedelta(days=rng.randint(0, 30))
                    if rng.random() < 0.8
                    else None,
                    False,
                    f"member{i}",
                    "",
                    "",
                    f"member{i}@{EMAIL_DOMAIN}",
                    False,
                    True,
                    joined,
                    name,
                )

        return self.write(
            User,
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
            ],
            rows(),
        )

    def email_addresses(self) -> int:
        return self.write(
            EmailAddress,
            ["id", "user_id", "email", "verified", "primary"],
            (
                (i, i, f"member{i}@{EMAIL_DOMAIN}", True, True)
                for i in range(1, self.sizes.members + 1)
            ),
        )

    def votes(self, vote_counts, up_counts) -> int:
        rng = self.rng
        members = range(1, self.sizes.members + 1)

        def rows():
            pk = 0
            for p in range(self.sizes.pages):
                n = vote_counts[p]
                if not n:
                    continue
                up = up_counts[p]
                for j, member in enumerate(rng.sample(members, n)):
                    pk += 1
                    at = self.past(700)
                    yield (pk, member, p + 1, 1 if j < up else -1, at, at)

        return self.write(
            Vote,
            ["id", "member_id", "page_id", "value", "created_at", "updated_at"],
            rows(),
        )

    def comments(self) -> tuple[int, list[tuple[int, int]]]:
        """Discussions on remedies (a fifth) and evidence pages, long-tailed in
        size; threads of one comment to a few hundred, nested up to MAX_DEPTH."""
        s, rng = self.sizes, self.rng
        targets = s.remedies + s.pages  # remedy r: r; page p: remedies + p
        per_target = array("l", [0] * targets)
        if s.comments:
            weights = list(
                _accumulate(
                    (rng.lognormvariate(0, 1.6) if rng.random() < 0.5 else 0.0)
                    * (2.5 if t < s.remedies else 1.0)
                    for t in range(targets)
                )
            )
            if not weights[-1]:
                weights = list(_accumulate(1.0 for _ in range(targets)))
            remaining = s.comments
            for t in rng.choices(range(targets), cum_weights=weights, k=remaining):
                per_target[t] += 1
            del weights
        flagged: list[tuple[int, int]] = []  # (comment id, its author)
        states = Comment.State

        def thread_sizes(n: int) -> Iterator[int]:
            # Most threads are a comment and a reply or two; one in a hundred
            # runs past 20 comments, the longest to MAX_THREAD.
            while n:
                size = min(n, MAX_THREAD, int(rng.paretovariate(1.5)))
                yield size
                n -= size

        def rows():
            pk = 0
            for t in range(targets):
                n = per_target[t]
                if not n:
                    continue
                remedy = t + 1 if t < s.remedies else None
                page = t - s.remedies + 1 if t >= s.remedies else None
                started = self.past(700)
                for size in thread_sizes(n):
                    root_at = started + timedelta(seconds=rng.randrange(600 * 86400))
                    root_at = min(root_at, self.now - timedelta(minutes=1))
                    # (id, depth, parent, created_at) of this thread's comments so far
                    thread: list[tuple[int, int, int | None, datetime]] = []
                    for j in range(size):
                        pk += 1
                        if j == 0:
                            parent, depth, at, root = None, 0, root_at, None
                        else:
                            # Mostly answer recent comments, so threads deepen.
                            answered = thread[
                                max(0, len(thread) - 1 - int(rng.expovariate(0.5)))
                            ]
                            a_id, a_depth, a_parent, a_at = answered
                            if a_depth == MAX_DEPTH - 1:
                                parent, depth = a_parent, a_depth
                            else:
                                parent, depth = a_id, a_depth + 1
                            at = a_at + timedelta(seconds=rng.randint(60, 3 * 86400))
                            at = min(at, self.now)
                            root = thread[0][0]
                        thread.append((pk, depth, parent, at))
                        author = (
                            rng.randint(1, s.members) if rng.random() > 0.01 else None
                        )
                        roll = rng.random()
                        state, text, flags = states.PUBLISHED, None, 0
                        edited = None
                        reviewed = None
                        if roll < 0.02 and author:
                            state, text = states.DELETED, ""
                        elif roll < 0.023:
                            state, reviewed = states.REMOVED, at + timedelta(days=1)
                        elif roll < 0.027 and author and s.members >= 4:
                            state, flags = states.PENDING, 3
                            flagged.append((pk, author))
                        elif roll < 0.03:
                            state, reviewed = states.APPROVED, at + timedelta(days=1)
                        elif roll < 0.08:
                            edited = at + timedelta(minutes=rng.randint(1, 29))
                        if text is None:
                            text = (
                                rng.choice(REPLIES)
                                if j and rng.random() < 0.6
                                else self.text(rng.randint(1, 4))
                            )
                        yield (
                            pk,
                            remedy,
                            page,
                            parent,
                            root,
                            depth,
                            author,
                            text,
                            state,
                            flags,
                            at,
                            edited,
                            reviewed,
                            None,
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                        )

        count = self.write(
            Comment,
            [
                "id",
                "remedy_id",
                "evidence_page_id",
                "parent_id",
                "thread_id",
                "depth",
                "author_id",
                "text",
                "state",
                "flag_count",
                "created_at",
                "edited_at",
                "reviewed_at",
                "reviewed_by_id",
                "token",
            ],
            rows(),
        )
        return count, flagged

    def flags(self, flagged: list[tuple[int, int]]) -> int:
        """Three flags from other members on each comment hidden pending review."""
        rng = self.rng
        reasons = [r for r, _ in Flag.Reason.choices]
        members = self.sizes.members

        def rows():
            pk = 0
            for comment, author in flagged:
                flaggers: set[int] = set()
                while len(flaggers) < 3:
                    m = rng.randint(1, members)
                    if m != author:
                        flaggers.add(m)
                for m in sorted(flaggers):
                    pk += 1
                    yield (pk, comment, m, rng.choice(reasons), "", self.now)

        return self.write(
            Flag,
            ["id", "comment_id", "member_id", "reason", "note", "created_at"],
            rows(),
        )

    def search_log(self) -> int:
        rng = self.rng
        terms = [n.lower() for n in self.ailment_names[:200]]
        terms += [n.lower() for n in self.remedy_names[:300]] + SEARCH_TERMS_EXTRA
        cumulative = list(_accumulate(1 / (i + 1) for i in range(len(terms))))
        visitors = [f"{rng.getrandbits(128):032x}" for _ in range(5000)]

        def rows():
            for i in range(1, self.sizes.searches + 1):
                term = rng.choices(terms, cum_weights=cumulative)[0]
                yield (i, term, rng.choice(visitors), self.past(SEARCH_LOG_DAYS))

        return self.write(SearchLog, ["id", "term", "visitor", "created_at"], rows())

    @contextmanager
    def gin_indexes_dropped(self, models_: list[type[models.Model]]):
        """Drop these tables' GIN indexes for a bulk write, then build them again.

        Building a GIN index over a full table sorts its entries once; growing
        it row by row, as a rebuild of the search index does, took ten times
        longer at 100,000 pages. The definitions are read from the database,
        so the indexes come back exactly as the migrations made them.
        """
        if not self.postgres:
            yield
            return
        tables = [m._meta.db_table for m in models_]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = ANY(%s) "
                "AND indexdef LIKE '%% USING gin %%'",
                [tables],
            )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)
        self.log(
            f"  {len(indexes)} GIN indexes built in {time.perf_counter() - started:.1f} s"
        )

    def reset_sequences(self) -> None:
        """Move the id sequences past the ids written here (PostgreSQL)."""
        if not self.postgres:
            return  # SQLite continues from the largest id by itself.
        from django.core.management.color import no_style

        written = [
            Category,
            Ailment,
            Remedy,
            Product,
            Study,
            EvidencePage,
            HowToStep,
            Citation,
            User,
            EmailAddress,
            Vote,
            Comment,
            Flag,
            SearchLog,
        ]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), written):
                cursor.execute(sql)


def _accumulate(values: Iterable[float]) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def load(sizes: Sizes, *, seed: int = 7, log=lambda message: None) -> dict[str, int]:
    """Fill an empty database; raises ScaleError when it is not empty or sizes are impossible."""
    validate(sizes)
    if busy := nonempty_tables():
        raise ScaleError(
            "The database is not empty (it has "
            + ", ".join(busy)
            + "). Scale data goes into an empty database: create one and "
            "point DATABASE_URL at it."
        )
    loader = Loader(sizes, seed=seed, log=log)
    counts = loader.run()
    if not connection.in_atomic_block:
        started = time.perf_counter()
        analyze()
        log(f"  vacuum analyze: {time.perf_counter() - started:.1f} s")
    return counts
