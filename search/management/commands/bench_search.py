"""Benchmark the palette's suggestions on PostgreSQL at a realistic size (not a test).

    createdb -h 127.0.0.1 -U postgres remedies_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/remedies_bench \\
        ./dev manage migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/remedies_bench \\
        ./dev manage bench_search

It loads 10,000 remedies, 2,000 ailments and two evidence pages per remedy
(made-up text from a medical word list, marked with "bench-" slugs), rebuilds
the search index, then times a few hundred suggestion queries (prefixes as
people type them, whole names, synonyms, typos, words from the text) and
prints p50/p95/p99: for `suggest()` alone, for the whole
`/search/suggest/` request through Django (middleware, view, template), and,
for comparison, for the no-JavaScript results page on a quarter of them.
Running it again reuses the loaded rows. It refuses a database that holds
any remedy it did not create, and it refuses SQLite.
"""

from __future__ import annotations

import random
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from ailments.models import Ailment
from remedies.models import Category, EvidencePage, Remedy
from search.models import SearchEntry
from search.services import rebuild_index, suggest

PREFIX = "bench-"


def _words(text: str) -> list[str]:
    """A word list written as one string; METHODS separates its phrases with commas."""
    return text.split(", ") if ", " in text else text.split()


HERBS = _words(
    "ashwagandha boswellia calendula chamomile comfrey dandelion echinacea elderberry "
    "fennel feverfew garlic ginger ginkgo ginseng hawthorn hops lavender lemon balm "
    "liquorice marshmallow meadowsweet milk thistle nettle passionflower peppermint "
    "rhodiola rosehip sage skullcap slippery elm spearmint st johns wort thyme "
    "turmeric valerian willow bark yarrow arnica aloe rooibos hibiscus cinnamon "
    "clove cardamom fenugreek saffron moringa astragalus bilberry cranberry"
)
FORMS = _words(
    "tea tincture capsules extract oil balm compress syrup lozenges powder drops "
    "gel spray bath rinse patch gummies infusion decoction poultice"
)
METHODS = _words(
    "gentle stretching, nerve gliding, heat packs, cold packs, walking programme, "
    "breathing exercises, progressive relaxation, sleep routine, massage, yoga, "
    "tai chi, pilates, hydrotherapy, acupressure, mindfulness, journaling, "
    "posture training, balance training, resistance bands, foam rolling"
)
BODY_PARTS = _words(
    "back neck shoulder knee hip ankle foot heel wrist elbow jaw head chest "
    "stomach bowel bladder skin scalp eye ear throat sinus gum tooth muscle joint "
    "tendon nerve spine pelvis calf thigh hand finger toe"
)
COMPLAINTS = _words(
    "pain ache stiffness strain sprain cramp spasm inflammation swelling itch "
    "rash dryness irritation tension weakness numbness tingling burning soreness "
    "fatigue infection bloating reflux congestion"
)
QUALIFIERS = _words(
    "acute chronic recurrent mild severe seasonal nocturnal exercise-induced "
    "post-viral postural stress-related age-related"
)
TEXT = _words(
    "the trial found a modest benefit after four weeks of daily use compared with "
    "placebo in adults with symptoms lasting more than three months guidelines "
    "recommend staying active and avoiding bed rest where possible most people "
    "improve within a few weeks although symptoms can return inflammation settles "
    "as blood flow improves and muscles relax the evidence is limited by small "
    "samples short follow up and mixed methods side effects were uncommon and mild "
    "stop and seek advice if pain spreads or numbness appears people who are "
    "pregnant or taking blood thinners should ask a pharmacist first dosing varies "
    "between products so follow the label and start low"
)


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


class Command(BaseCommand):
    help = "Load 10,000 remedies and 2,000 ailments into a scratch PostgreSQL database and time suggestions."

    def add_arguments(self, parser):
        parser.add_argument("--remedies", type=int, default=10_000)
        parser.add_argument("--ailments", type=int, default=2_000)
        parser.add_argument("--pages-per-remedy", type=int, default=2)
        parser.add_argument("--queries", type=int, default=400)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark runs on PostgreSQL only: set DATABASE_URL."
            )
        if Remedy.objects.exclude(slug__startswith=PREFIX).exists():
            raise CommandError(
                "This database holds remedies the benchmark did not create. "
                "Point DATABASE_URL at a scratch database."
            )
        seed = options["seed"]
        want = options["remedies"]
        if (
            Remedy.objects.count() != want
            or Ailment.objects.count() != options["ailments"]
        ):
            self._load(
                random.Random(seed),
                want,
                options["ailments"],
                options["pages_per_remedy"],
            )
        else:
            self.stdout.write("Reusing the rows loaded by an earlier run.")
        # Its own generator: the same queries whether or not this run loaded.
        self._measure(random.Random(seed + 1), options["queries"])

    # Loading

    def _text(self, rng: random.Random, words: int) -> str:
        paragraphs = []
        while words > 0:
            n = min(words, rng.randint(40, 80))
            vocab = TEXT + BODY_PARTS + COMPLAINTS + HERBS
            paragraphs.append(
                " ".join(rng.choice(vocab) for _ in range(n)).capitalize() + "."
            )
            words -= n
        return "\n\n".join(paragraphs)

    def _load(self, rng, n_remedies, n_ailments, pages_per_remedy):
        started = time.perf_counter()
        with transaction.atomic():
            Remedy.objects.all().delete()
            Ailment.objects.filter(slug__startswith=PREFIX).delete()
            Category.objects.filter(slug__startswith=PREFIX).delete()
            categories = Category.objects.bulk_create(
                Category(name=f"Bench category {i}", slug=f"{PREFIX}category-{i}")
                for i in range(20)
            )

            names = set()
            while len(names) < n_ailments:
                names.add(
                    f"{rng.choice(QUALIFIERS)} {rng.choice(BODY_PARTS)} {rng.choice(COMPLAINTS)}".capitalize()
                    if rng.random() < 0.7
                    else f"{rng.choice(BODY_PARTS)} {rng.choice(COMPLAINTS)} {len(names)}".capitalize()
                )
            ailments = Ailment.objects.bulk_create(
                Ailment(
                    name=name,
                    slug=f"{PREFIX}ailment-{i}",
                    synonyms="\n".join(
                        f"{rng.choice(BODY_PARTS)} {rng.choice(COMPLAINTS)}"
                        for _ in range(3)
                    ),
                    description=self._text(rng, 150),
                    red_flags="Sudden severe pain: seek care now.",
                    is_published=True,
                )
                for i, name in enumerate(sorted(names))
            )

            names = set()
            while len(names) < n_remedies:
                if rng.random() < 0.6:
                    name = f"{rng.choice(HERBS)} {rng.choice(FORMS)}"
                else:
                    name = f"{rng.choice(METHODS)} for the {rng.choice(BODY_PARTS)}"
                name = name.capitalize()
                if name in names:
                    name = f"{name} {rng.choice(QUALIFIERS)} {len(names)}"
                names.add(name)
            remedies = Remedy.objects.bulk_create(
                Remedy(
                    name=name,
                    slug=f"{PREFIX}remedy-{i}",
                    category=rng.choice(categories),
                    synonyms="\n".join(
                        f"{rng.choice(HERBS)} {rng.choice(FORMS)}" for _ in range(2)
                    ),
                    what_it_is=self._text(rng, 120),
                    how_it_works=self._text(rng, 160),
                    why_it_matters=self._text(rng, 100),
                    considerations=self._text(rng, 100),
                    safety_rating=rng.randint(4, 10),
                    is_published=rng.random() < 0.95,
                )
                for i, name in enumerate(sorted(names))
            )

            pages = []
            for remedy in remedies:
                for ailment in rng.sample(ailments, pages_per_remedy):
                    up, down = rng.randint(0, 80), rng.randint(0, 30)
                    pages.append(
                        EvidencePage(
                            remedy=remedy,
                            ailment=ailment,
                            summary=self._text(rng, 30)[:380],
                            why_it_works=self._text(rng, 250),
                            warnings="Stop if it hurts more.",
                            grade=rng.choice("ABCDI"),
                            is_published=True,
                            votes_up=up,
                            votes_down=down,
                            votes_total=up + down,
                            score=up / (up + down + 5),
                        )
                    )
            EvidencePage.objects.bulk_create(pages, batch_size=2000)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        total = rebuild_index()
        indexed = time.perf_counter() - started
        with connection.cursor() as cursor:
            # As autovacuum would soon after a load.
            cursor.execute("VACUUM ANALYZE search_searchentry")
        self.stdout.write(
            f"Loaded {n_remedies} remedies, {n_ailments} ailments, {len(pages)} evidence "
            f"pages in {loaded:.1f} s; rebuilt the index ({total} entries) in {indexed:.1f} s."
        )

    # Measuring

    def _queries(self, rng: random.Random, n: int) -> list[str]:
        titles = list(
            SearchEntry.objects.filter(kind__in=["remedy", "ailment"])
            .order_by("pk")
            .values_list("title", flat=True)
        )
        synonyms = [
            s
            for text in SearchEntry.objects.filter(kind="ailment")
            .order_by("pk")
            .values_list("synonyms", flat=True)[:500]
            for s in text.splitlines()
        ]

        def typo(word: str) -> str:
            i = rng.randrange(1, len(word) - 1)
            return (
                word[:i] + word[i + 1 :]
                if rng.random() < 0.5
                else word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            )

        queries = []
        while len(queries) < n:
            title = rng.choice(titles).lower()
            roll = rng.random()
            if roll < 0.45:  # as typed: a prefix of 2 letters to the whole name
                queries.append(title[: rng.randint(2, len(title))])
            elif roll < 0.6:
                queries.append(title)
            elif roll < 0.7:
                queries.append(rng.choice(synonyms))
            elif roll < 0.85:
                word = max(title.split(), key=len)
                queries.append(typo(word) if len(word) > 4 else word)
            elif roll < 0.95:
                queries.append(" ".join(rng.sample(TEXT, 2)))
            else:
                queries.append("zq" + "".join(rng.choice("xkjvw") for _ in range(4)))
        return [q.strip() for q in queries if q.strip()]

    def _timed(self, path: str, params: list[dict], **headers) -> list[float]:
        """Milliseconds for each GET of `path` through Django's test client."""
        client = Client(HTTP_HOST="localhost", **headers)
        samples = []
        for p in params:
            started = time.perf_counter()
            response = client.get(path, p)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{path} {p} answered {response.status_code}")
        return samples

    def _measure(self, rng: random.Random, n: int) -> None:
        call_command(
            "createcachetable", verbosity=0
        )  # the results page's trending cache
        queries = self._queries(rng, n)
        for q in queries[:20]:  # warm the connection pool and the caches
            suggest(q)
        service, found = [], 0
        for q in queries:
            started = time.perf_counter()
            found += bool(suggest(q))
            service.append((time.perf_counter() - started) * 1000)
        view = self._timed(
            reverse("search:suggest"),
            [{"q": q} for q in queries],
            HTTP_HX_REQUEST="true",
        )
        # The no-JavaScript results page, for comparison, on a quarter of the
        # queries (with page=1, so nothing is logged): it counts and ranks
        # every match, not just the first eight.
        results = self._timed(
            reverse("search:search_results"),
            [{"q": q, "page": "1"} for q in queries[: len(queries) // 4]],
        )

        entries = SearchEntry.objects.count()
        self.stdout.write(
            f"{len(queries)} queries over {entries} index entries "
            f"({found} with suggestions), PostgreSQL {connection.pg_version // 10000}:"
        )
        for label, samples in (
            ("suggest()", service),
            ("GET /search/suggest/", view),
            (f"GET /search/?q= ({len(results)})", results),
        ):
            p50, p95, p99 = _percentiles(samples)
            self.stdout.write(
                f"  {label:<26} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   "
                f"p99 {p99:6.1f} ms   max {max(samples):6.1f} ms"
            )
