"""Finding remedies, ailments and evidence pages by what people type.

Search reads one table of its own, `SearchEntry`: a denormalised copy of every
remedy, ailment and evidence page. Nothing keeps it fresh behind anyone's back
(no signals): `rebuild_index()` rewrites it whole (the demo loader calls it),
and `index_remedy()`, `index_ailment()`, `index_page()` and
`remove_from_index()` update it after an edit. The one thing read from the
other apps is what votes change (`add_ratings()`, for result lines).

Matching depends on the database, behind the one function `search()`:

- PostgreSQL: full-text search on two stored vectors behind GIN indexes (names
  only, and everything), the last word matched as a prefix.
- SQLite: every word must start a word of the names, or of the text (LIKE).

On both, a typed word of four letters or more that starts no word of any name
is also searched as the most similar name word (trigram similarity over
`SearchWord`, as pg_trgm works it out: pg_trgm on PostgreSQL, an FTS5 trigram
index on SQLite), so small typos still find ("siatica" finds Sciatica), and
names and synonyms rank before near misses, near misses before the text of
pages.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import StartsWith
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator

from ailments.models import Ailment, split_lines
from core import freshness
from core.ratelimit import RateLimitUnavailable, cooldown
from remedies.citations import strip_markers
from remedies.models import EvidencePage, Remedy, Tally

from .models import (
    HiddenTrendingTerm,
    SearchEntry,
    SearchEntryQuerySet,
    SearchLog,
    SearchWord,
)

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
SUGGESTIONS = 8
# Trigram matching needs a few letters to mean anything.
TYPO_MIN_LENGTH = 4
SUMMARY_LENGTH = 220
CONFIG = "english"
# Unstemmed, without stop words: made by migration search/0002.
AS_WRITTEN = "search_as_written"

WORD_RE = re.compile(r"\w+")

Kind = SearchEntry.Kind


# Queries


def normalise(query: str) -> str:
    """What a search is remembered as: lower case, single spaces, at most 100 characters."""
    return " ".join(query.replace("\x00", "").lower().split())[
        :MAX_QUERY_LENGTH
    ].strip()


def _words(query: str) -> list[str]:
    return [w[:50] for w in WORD_RE.findall(query.lower())][:MAX_WORDS]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class _Match:
    """How one query matches: by a name, by any text, and how to rank matches."""

    by_name: Q
    by_text: Q
    tier: Case
    name_rank: object


def _annotations(match: _Match, *, tier=None) -> dict:
    # The same names in the same order on every queryset, so they can be combined.
    return {
        "tier": match.tier if tier is None else Value(tier),
        "name_rank": match.name_rank if tier is None else Value(0.0),
        "kind_order": Case(
            When(kind=Kind.AILMENT, then=Value(0)),
            When(kind=Kind.REMEDY, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
    }


ORDERING = ("tier", "-name_rank", "kind_order", "-popularity", "title", "pk")
TEXT_ORDERING = ("-popularity", "title", "pk")

# For each typed word of four letters or more that starts no word of any name,
# the known word most like it (pg_trgm similarity), if one is close enough and
# about as long: a typo drops, adds or swaps a letter or two, so "headahce" is
# "headache", not the shorter "head" that shares more of its trigrams.
_CORRECTIONS_SQL = """
SELECT q.w, (
    SELECT t.word FROM {table} t
    WHERE t.word %% q.w AND similarity(t.word, q.w) >= %s
      AND abs(length(t.word) - length(q.w)) <= {max_difference}
    ORDER BY similarity(t.word, q.w) DESC, t.word
    LIMIT 1
)
FROM unnest(%s::text[]) AS q(w)
WHERE NOT EXISTS (SELECT 1 FROM {table} k WHERE starts_with(k.word, q.w))
"""
TYPO_MIN_SIMILARITY = 0.3
TYPO_MAX_LENGTH_DIFFERENCE = 2

# The same on SQLite, from the FTS5 trigram index of the known words
# (migration 0005): `typed` holds each unknown word's trigrams, `shared`
# counts, for every known word with any of them, how many it has. The
# database keeps the words that could reach the threshold (counting a known
# word's trigrams as its length + 1, which a repeated trigram makes one too
# many, hence the lower bar); Python then works out pg_trgm's similarity
# exactly and picks the best, as PostgreSQL does. A typed word that starts a
# known word (a word half typed) is left alone. CROSS JOIN keeps SQLite's
# join order: one look-up in the trigram index per typed trigram, never a
# scan of the whole index.
_SQLITE_CORRECTIONS_SQL = """
WITH typed(w, n, gram) AS (VALUES {rows}),
unknown AS (
    SELECT DISTINCT w, n FROM typed
    WHERE NOT EXISTS (
        SELECT 1 FROM {table} k
        WHERE k.word >= typed.w AND k.word < typed.w || char(1114111)
    )
),
shared AS (
    SELECT u.w AS w, u.n AS n, v.doc AS id, count(*) AS k
    FROM unknown u
    CROSS JOIN typed t
    CROSS JOIN search_word_trigram_terms v
    WHERE t.w = u.w AND v.term = t.gram
    GROUP BY u.w, v.doc
)
SELECT s.w, known.word
FROM shared s JOIN {table} known ON known.id = s.id
WHERE abs(length(known.word) - length(s.w)) <= {max_difference}
  AND s.k >= %s * (s.n + length(known.word) + 1 - s.k)
"""
_SQLITE_PREFILTER = 0.25


def _trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _similarity(a: set[str], b: set[str]) -> float:
    """pg_trgm's similarity: the trigrams both have, over those either has."""
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def _corrections(words: list[str]) -> dict[str, str]:
    """Typed words that are no known name, with the name word they were probably meant as.

    One query, on either database.
    """
    unsure = list(dict.fromkeys(w for w in words if len(w) >= TYPO_MIN_LENGTH))
    if not unsure:
        return {}
    if not _is_postgres():
        return _sqlite_corrections(unsure)
    sql = _CORRECTIONS_SQL.format(
        table=SearchWord._meta.db_table, max_difference=TYPO_MAX_LENGTH_DIFFERENCE
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [TYPO_MIN_SIMILARITY, unsure])
        return {word: known for word, known in cursor.fetchall() if known}


def _sqlite_corrections(unsure: list[str]) -> dict[str, str]:
    grams = {word: _trigrams(word) for word in unsure}
    rows = [(w, len(g), gram) for w, g in grams.items() for gram in sorted(g)]
    sql = _SQLITE_CORRECTIONS_SQL.format(
        rows=", ".join(["(%s, %s, %s)"] * len(rows)),
        table=SearchWord._meta.db_table,
        max_difference=TYPO_MAX_LENGTH_DIFFERENCE,
    )
    params = [value for row in rows for value in row] + [_SQLITE_PREFILTER]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = cursor.fetchall()
    best: dict[str, tuple[float, str]] = {}
    for typed, known in candidates:
        score = _similarity(grams[typed], _trigrams(known))
        if score < TYPO_MIN_SIMILARITY:
            continue
        # Most similar first, then alphabetical: ORDER BY similarity DESC, word.
        if typed not in best or (-score, known) < (-best[typed][0], best[typed][1]):
            best[typed] = (score, known)
    return {typed: known for typed, (_, known) in best.items()}


def _tsquery(words: list[str], corrections: dict[str, str]):
    """Every word must match; a probable typo may match its correction instead.

    The last word is a prefix, so suggestions work as you type. Stemming cuts
    words short ("gliding" is stored as "glide", "mindfulness" as "mind"), so
    a half-typed "glidin" or "mindf" is no prefix of any stem: it is also
    matched, unstemmed, against the names' words as written (the
    `search_as_written` lexemes in the vectors).
    """

    def term(word: str, *, prefix: bool) -> str:
        t = f"{word}:*" if prefix else word
        return f"({t} | {corrections[word]})" if word in corrections else t

    *head, last = words
    query = SearchQuery(
        term(last, prefix=True), search_type="raw", config=CONFIG
    ) | SearchQuery(f"{last}:*", search_type="raw", config=AS_WRITTEN)
    if head:
        first = " & ".join(term(word, prefix=False) for word in head)
        query = SearchQuery(first, search_type="raw", config=CONFIG) & query
    return query


def _postgres_match(query: str, words: list[str]) -> _Match:
    corrections = _corrections(words)
    exact = _tsquery(words, {})
    loose = _tsquery(words, corrections) if corrections else exact
    tiers = [
        When(title__iexact=query, then=Value(0)),
        When(Q(names_vector=exact), then=Value(1)),
    ]
    if corrections:
        tiers.append(When(Q(names_vector=loose), then=Value(2)))
    return _Match(
        by_name=Q(names_vector=loose),
        by_text=Q(search_vector=loose),
        tier=Case(*tiers, default=Value(3), output_field=IntegerField()),
        # Title (A) before synonyms (B); shorter names first.
        name_rank=SearchRank(F("names_vector"), loose, normalization=Value(1)),
    )


def _starts_a_word_in(field: str, word: str) -> Q:
    """Roughly "a word of the text starts with `word`" in LIKE terms ("ibs" misses "ribs")."""
    q = Q(**{f"{field}__istartswith": word})
    for before in (" ", "\n", "(", "-", "“", "'", '"'):
        q |= Q(**{f"{field}__icontains": before + word})
    return q


def _starts_a_name_word(word: str) -> Q:
    # `names` holds the title and synonyms as lower-case words, one name per
    # line, so "starts a word" is a LIKE on the start or after a space or line.
    return (
        Q(names__startswith=word)
        | Q(names__contains=f" {word}")
        | Q(names__contains=f"\n{word}")
    )


def _any(conditions: Iterable[Q]) -> Q:
    return reduce(operator.or_, conditions)


def _sqlite_match(query: str, words: list[str]) -> _Match:
    corrections = _corrections(words)
    exact = Q()
    by_name = Q()
    by_text = Q()
    for word in words:
        spellings = [word, corrections[word]] if word in corrections else [word]
        exact &= _starts_a_name_word(word)
        names = _any(_starts_a_name_word(s) for s in spellings)
        by_name &= names
        by_text &= names | _any(
            _starts_a_word_in("summary", s) | _starts_a_word_in("body", s)
            for s in spellings
        )
    tiers = [When(title__iexact=query, then=Value(0)), When(exact, then=Value(1))]
    if corrections:
        tiers.append(When(by_name, then=Value(2)))
    # Within a tier, names that start with what was typed (or meant) first.
    phrases = dict.fromkeys(
        [" ".join(words), " ".join(corrections.get(w, w) for w in words)]
    )
    return _Match(
        by_name=by_name,
        by_text=by_text,
        tier=Case(*tiers, default=Value(3), output_field=IntegerField()),
        name_rank=Case(
            When(_any(Q(names__startswith=p) for p in phrases), then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        ),
    )


def _match(query: str) -> _Match | None:
    query = normalise(query)
    words = _words(query)
    if not words:
        return None
    return (_postgres_match if _is_postgres() else _sqlite_match)(query, words)


def search(query: str) -> SearchEntryQuerySet:
    """Published remedies, ailments and evidence pages matching `query`, best first.

    Names and synonyms come before matches in the text of pages, and a
    corrected typo ("siatica" for "sciatica") between the two. Each row is
    annotated with `tier`, the same on both databases: 0 the exact title, 1 a
    name, 2 a name once a typo is corrected, 3 only the text; within a tier,
    `name_rank` (PostgreSQL: the rank of the names; SQLite: 1 when the title
    starts with the query). Returns a queryset, so callers slice, count or
    group it in the database.
    """
    match = _match(query)
    if match is None:
        return SearchEntry.objects.none()
    return _matching(match)


def _matching(match: _Match) -> SearchEntryQuerySet:
    return (
        SearchEntry.objects.published()
        .filter(match.by_text)
        .annotate(**_annotations(match))
        .order_by(*ORDERING)
    )


SUGGESTION_FIELDS = ("kind", "title", "label", "url", "popularity")
# Suggestions rank at most this many pages found only by their text.
TEXT_CANDIDATES = 200


def suggest(query: str, *, limit: int = SUGGESTIONS) -> list[SearchEntry]:
    """The first few results for what has been typed so far, for the palette.

    Ordered like `search()`. On PostgreSQL, which must answer in a few
    milliseconds with tens of thousands of entries, it is one query of two
    parts: the best `limit` name matches (the small names vector), then, only
    if those are fewer than `limit`, the most popular of the first 200 entries
    matched by their text that are not name matches, rather than ranking every
    page that mentions a common word. (Below `limit` name matches, at least
    192 of those 200 are text-only, so the filling never runs dry while more
    exist.)
    """
    if len(normalise(query)) < 2:
        return []
    match = _match(query)
    if match is None:
        return []
    if not _is_postgres():
        return list(_matching(match).only(*SUGGESTION_FIELDS)[:limit])
    live = SearchEntry.objects.published()
    by_name = (
        live.filter(match.by_name)
        .only(*SUGGESTION_FIELDS)
        .annotate(**_annotations(match))
        .order_by(*ORDERING)[:limit]
    )
    # The first 200 text matches, name matches among them (a LIMIT the
    # planner can meet quickly), then the ones the first part did not take.
    candidates = live.filter(match.by_text).values("pk")[:TEXT_CANDIDATES]
    by_text = (
        SearchEntry.objects.filter(pk__in=candidates)
        .exclude(match.by_name)
        .only(*SUGGESTION_FIELDS)
        .annotate(**_annotations(match, tier=3))
        .order_by(*TEXT_ORDERING)[:limit]
    )
    # No ORDER BY around the two parts: PostgreSQL reads them in turn and
    # stops once it has `limit` rows, so with enough name matches the text
    # part never runs. Python puts the few rows in order.
    rows = list(by_name.union(by_text, all=True)[:limit])
    return sorted(rows, key=_sort_key)


def _sort_key(entry: SearchEntry) -> tuple:
    # ORDERING, in Python.
    return (
        entry.tier,
        -entry.name_rank,
        entry.kind_order,
        -entry.popularity,
        entry.title,
        entry.pk,
    )


# What result lines show besides the index's own fields


def add_ratings(entries: Iterable[SearchEntry]) -> None:
    """Give the entries what votes decide, read now, in one query, for result lines.

    A remedy gets `tally`: the votes of all its published evidence pages, as
    on its card. An evidence page gets `tally`: its own votes (its grade is in
    the index). An ailment gets `remedy_count`: the remedies with a published
    page for it. Votes are not copied into the index (a vote does not
    re-index); a page that shows these shows `freshness.TALLIES`, which every
    vote makes stale. Subqueries for the given rows only, so the cost is the
    same however many entries matched.
    """
    entries = [entry for entry in entries if entry.pk]
    if not entries:
        return
    live = EvidencePage.objects.published().order_by()

    def over(field: str, aggregate):
        per_object = live.filter(**{field: OuterRef("object_id")}).values(field)
        return Coalesce(
            Subquery(per_object.annotate(v=aggregate).values("v")), Value(0)
        )

    page = EvidencePage.objects.filter(pk=OuterRef("object_id"))

    def votes(field: str) -> Case:
        return Case(
            When(kind=Kind.PAGE, then=Subquery(page.values(field))),
            When(kind=Kind.REMEDY, then=over("remedy", Sum(field))),
            default=Value(0),
            output_field=IntegerField(),
        )

    rows = (
        SearchEntry.objects.filter(pk__in=[entry.pk for entry in entries])
        .annotate(
            up=votes("votes_up"),
            down=votes("votes_down"),
            remedies=Case(
                When(kind=Kind.AILMENT, then=over("ailment", Count("pk"))),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .values_list("pk", "up", "down", "remedies")
    )
    found = {pk: (up or 0, down or 0, remedies) for pk, up, down, remedies in rows}
    for entry in entries:
        up, down, remedies = found.get(entry.pk, (0, 0, 0))
        if entry.kind == Kind.AILMENT:
            entry.tally, entry.remedy_count = None, remedies
        else:
            entry.tally, entry.remedy_count = Tally(up, down), None


# The index


def _summary(text: str) -> str:
    first = text.strip().split("\n\n", 1)[0]
    return Truncator(" ".join(first.split())).chars(SUMMARY_LENGTH)


def _names(*names: str) -> str:
    """Names as lower-case words, one name per line, for word-start and trigram matching."""
    lines = (" ".join(WORD_RE.findall(name.lower())) for name in names)
    return "\n".join(line for line in lines if line)


def _remedy_entry(remedy: Remedy) -> SearchEntry:
    synonyms = remedy.synonym_list
    return SearchEntry(
        kind=Kind.REMEDY,
        object_id=remedy.pk,
        title=remedy.name,
        synonyms="\n".join(synonyms),
        names=_names(remedy.name, *synonyms),
        summary=_summary(remedy.what_it_is),
        body="\n\n".join(
            [
                remedy.what_it_is,
                remedy.how_it_works,
                remedy.why_it_matters,
                remedy.considerations,
            ]
        ),
        url=remedy.get_absolute_url(),
        label=remedy.category.name,
        is_published=remedy.is_published,
    )


def _ailment_entry(ailment: Ailment) -> SearchEntry:
    synonyms = ailment.synonym_list
    return SearchEntry(
        kind=Kind.AILMENT,
        object_id=ailment.pk,
        title=ailment.name,
        synonyms="\n".join(synonyms),
        names=_names(ailment.name, *synonyms),
        summary=_summary(ailment.description),
        body=ailment.description,
        url=ailment.get_absolute_url(),
        label="",
        is_published=ailment.is_published,
    )


def _page_entry(page: EvidencePage) -> SearchEntry:
    remedy, ailment = page.remedy, page.ailment
    synonyms = [*split_lines(remedy.synonyms), *split_lines(ailment.synonyms)]
    steps = [f"{step.title}\n{step.instructions}" for step in page.steps.all()]
    return SearchEntry(
        kind=Kind.PAGE,
        object_id=page.pk,
        title=f"{remedy.name} for {ailment.name}",
        synonyms="\n".join(synonyms),
        names=_names(remedy.name, ailment.name, *synonyms),
        summary=_summary(page.summary),
        # The studies' markers ([1]) are links on the page, not words.
        body=strip_markers(
            "\n\n".join(
                [
                    page.why_it_works,
                    page.how_to_intro,
                    *steps,
                    page.how_to_outro,
                    page.warnings,
                ]
            )
        ),
        url=page.get_absolute_url(),
        label="",
        is_published=page.is_published and remedy.is_published and ailment.is_published,
        popularity=page.score,
        grade=page.grade,
    )


_UPSERT_FIELDS = [
    "title",
    "synonyms",
    "names",
    "summary",
    "body",
    "url",
    "label",
    "is_published",
    "popularity",
    "grade",
    "indexed_at",
]


_NAMES_SQL = (
    "setweight(to_tsvector(%s::regconfig, %s), 'A')"
    " || setweight(to_tsvector(%s::regconfig, %s), 'B')"
    " || setweight(to_tsvector(%s::regconfig, %s), 'A')"
    " || setweight(to_tsvector(%s::regconfig, %s), 'B')"
)
_TEXT_SQL = (
    " || setweight(to_tsvector(%s::regconfig, %s), 'C')"
    " || setweight(to_tsvector(%s::regconfig, %s), 'D')"
)


def _set_vectors(entry: SearchEntry) -> None:
    """Give the entry its two vectors, computed by PostgreSQL as the row is written.

    Names twice: stemmed (English) and as written (for half-typed words);
    title A, synonyms B, summary C, body D. Plain SQL, because compiling four
    to six SearchVector expressions per row made a rebuild three times slower.
    """
    names = [CONFIG, entry.title, CONFIG, entry.synonyms]
    names += [AS_WRITTEN, entry.title, AS_WRITTEN, entry.synonyms]
    text = [CONFIG, entry.summary, CONFIG, entry.body]
    field = SearchVectorField()
    entry.names_vector = RawSQL(_NAMES_SQL, names, output_field=field)
    entry.search_vector = RawSQL(
        _NAMES_SQL + _TEXT_SQL, names + text, output_field=field
    )


def _name_words(names: str) -> set[str]:
    """The words of names that typos are corrected to (`SearchWord`)."""
    return {w for w in names.split() if TYPO_MIN_LENGTH <= len(w) <= 50}


def _upsert(entries: list[SearchEntry]) -> None:
    """Insert or update the entries by (kind, object id), vectors and name words included."""
    if not entries:
        return
    now = timezone.now()
    fields = list(_UPSERT_FIELDS)
    postgres = _is_postgres()
    for entry in entries:
        entry.indexed_at = now
        if postgres:
            _set_vectors(entry)
    if postgres:
        fields += ["names_vector", "search_vector"]
    words = set().union(*(_name_words(entry.names) for entry in entries))
    # On SQLite, triggers add each new word to the trigram index too.
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True
    )
    SearchEntry.objects.bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=fields,
        batch_size=500,
    )


def _forget_words(words: set[str]) -> None:
    """Delete those of `words` that no entry's names hold any more.

    The trigram index follows (on SQLite its triggers), so a typo is never
    corrected to a name that is gone. Only after edits, never while searching.
    """
    if not words:
        return
    holding = SearchEntry.objects.filter(
        _any(Q(names__contains=word) for word in words)
    ).values_list("names", flat=True)
    used = {word for names in holding.iterator() for word in names.split()}
    SearchWord.objects.filter(word__in=words - used).delete()


def _reindex(obj, entries: list[SearchEntry]) -> None:
    """Write the entries of what an editor changed; forget the name words it dropped.

    An evidence grade is shown on result lines, and is no listed field
    (core.freshness.LISTED_FIELDS), so when one changes this makes the
    pages that list it, search results among them, stale.
    """
    keys = _any(
        Q(kind=kind, object_id__in=[e.object_id for e in entries if e.kind == kind])
        for kind in sorted({e.kind for e in entries})
    )
    with transaction.atomic():
        before = {
            (kind, object_id): (names, grade)
            for kind, object_id, names, grade in SearchEntry.objects.filter(
                keys
            ).values_list("kind", "object_id", "names", "grade")
        }
        _upsert(entries)
        dropped = set().union(*(_name_words(names) for names, _ in before.values()))
        kept = set().union(*(_name_words(entry.names) for entry in entries))
        _forget_words(dropped - kept)
        regraded = any(
            (entry.kind, entry.object_id) in before
            and before[entry.kind, entry.object_id][1] != entry.grade
            for entry in entries
        )
        if regraded:
            freshness.content_changed(obj)


def _pages():
    return EvidencePage.objects.select_related(
        "remedy__category", "ailment"
    ).prefetch_related("steps")


def _in_batches(entries: Iterable[SearchEntry], size: int = 1000) -> Iterator[list]:
    batch: list[SearchEntry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def rebuild_index() -> int:
    """Rewrite the whole search index from the remedies, ailments and evidence pages.

    Rows are updated in place (their ids, which recent searches refer to, stay
    the same) and rows of deleted objects are removed. Safe to run at any time;
    returns how many entries the index holds.
    """
    sources = [
        (Kind.REMEDY, Remedy, Remedy.objects.select_related("category"), _remedy_entry),
        (Kind.AILMENT, Ailment, Ailment.objects.all(), _ailment_entry),
        (Kind.PAGE, EvidencePage, _pages(), _page_entry),
    ]
    total = 0
    with transaction.atomic():
        SearchWord.objects.all().delete()
        for kind, model, queryset, make in sources:
            rows = (make(obj) for obj in queryset.order_by("pk").iterator(1000))
            for batch in _in_batches(rows):
                _upsert(batch)
                total += len(batch)
            SearchEntry.objects.filter(kind=kind).exclude(
                object_id__in=model.objects.values("pk")
            ).delete()
        if connection.vendor == "sqlite":
            _rebuild_trigrams()
    return total


def _rebuild_trigrams() -> None:
    """SQLite: rebuild the trigram index of the words (migration 0005) whole.

    Its triggers keep it in step anyway; this repairs it whatever happened.
    """
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_word_trigrams")
        cursor.execute(
            "INSERT INTO search_word_trigrams (rowid, padded) "
            f"SELECT id, '  ' || word || ' ' FROM {SearchWord._meta.db_table}"
        )


def index_remedy(remedy: Remedy) -> None:
    """Bring a remedy's search entry up to date after it was saved.

    Also re-indexes its evidence pages, whose titles, synonyms and published
    flag come from the remedy. Call it after saving a remedy (a rename, new
    synonyms, publishing or unpublishing, a new category). After renaming a
    category, call it for each of the category's remedies or `rebuild_index()`.
    """
    remedy = Remedy.objects.select_related("category").get(pk=remedy.pk)
    _reindex(
        remedy,
        [_remedy_entry(remedy), *map(_page_entry, _pages().filter(remedy=remedy))],
    )


def index_ailment(ailment: Ailment) -> None:
    """Bring an ailment's search entry up to date after it was saved.

    Also re-indexes its evidence pages, whose titles, synonyms and published
    flag come from the ailment.
    """
    ailment = Ailment.objects.get(pk=ailment.pk)
    _reindex(
        ailment,
        [_ailment_entry(ailment), *map(_page_entry, _pages().filter(ailment=ailment))],
    )


def index_page(page: EvidencePage) -> None:
    """Bring one evidence page's search entry up to date after it (or its steps) was saved."""
    page = _pages().get(pk=page.pk)
    _reindex(page, [_page_entry(page)])


def remove_from_index(obj: Remedy | Ailment | EvidencePage) -> None:
    """Take a deleted remedy, ailment or evidence page out of the index.

    Call it after the delete (Django has cleared `obj.pk` by then, so this
    removes every entry of that kind whose object is gone). Deleting a remedy
    deletes its evidence pages too, so their entries go as well. Name words
    that only they had are forgotten, so typos are no longer corrected to them.
    """
    kinds = {
        Remedy: [(Kind.REMEDY, Remedy), (Kind.PAGE, EvidencePage)],
        Ailment: [(Kind.AILMENT, Ailment), (Kind.PAGE, EvidencePage)],
        EvidencePage: [(Kind.PAGE, EvidencePage)],
    }
    gone = SearchEntry.objects.filter(
        _any(
            Q(kind=kind) & ~Q(object_id__in=model.objects.values("pk"))
            for kind, model in kinds[type(obj)]
        )
    )
    with transaction.atomic():
        names = list(gone.values_list("names", flat=True))
        gone.delete()
        _forget_words(set().union(*map(_name_words, names)))


# Recent searches: the visitor's own. Someone with a session of ours (every
# member) keeps them in it, and signing out empties it; anyone else keeps them
# in a signed cookie of their own (`RecentCookie`, read and written by
# search.views), so remembering a search never starts a session.

RECENT_KEY = "search_recent"
RECENT_LIMIT = 5


@dataclass(frozen=True)
class Recent:
    term: str
    entry: SearchEntry | None


@dataclass
class RecentCookie:
    """A visitor's recent searches as kept in their cookie.

    `visitor` is a random id made with the cookie, which counts them once for
    Trending now; `held` says the client came with it (a client that drops
    its cookie gets a new one, and is not counted); `changed` that it must be
    written back.
    """

    visitor: str
    items: list[dict]
    held: bool
    changed: bool = False


def recent_items(raw) -> list[dict]:
    """Recent searches as stored, checked: at most RECENT_LIMIT of {"q": term, "entry": id or None}."""
    if not isinstance(raw, list):
        return []
    items = []
    for item in raw[:RECENT_LIMIT]:
        if not isinstance(item, dict):
            continue
        term, entry = item.get("q"), item.get("entry")
        if isinstance(term, str) and term and (entry is None or type(entry) is int):
            items.append({"q": term[:MAX_QUERY_LENGTH], "entry": entry})
    return items


def _remembered(items: list[dict], term: str, entry: SearchEntry | None) -> list[dict]:
    item = {"q": term, "entry": entry.pk if entry else None}
    kept = [
        old
        for old in items
        if old.get("q") != term or old.get("entry") != item["entry"]
    ]
    return [item, *kept][:RECENT_LIMIT]


def recent_searches(items) -> list[Recent]:
    """The visitor's last few searches, newest first; chosen pages that are gone are left out."""
    items = recent_items(items)
    ids = [i["entry"] for i in items if i.get("entry")]
    entries = SearchEntry.objects.published().in_bulk(ids) if ids else {}
    recents = []
    for item in items:
        if item.get("entry"):
            if item["entry"] in entries:
                recents.append(Recent(item["q"], entries[item["entry"]]))
        else:
            recents.append(Recent(item["q"], None))
    return recents


def recent_terms(items) -> list[str]:
    """The visitor's recent searches as typed or chosen, newest first, without queries."""
    return [i["q"] for i in recent_items(items)]


# The trending log

TRENDING_DAYS = 7
TRENDING_HALF_LIFE_DAYS = 2
TRENDING_MIN_VISITORS = 3
TRENDING_LIMIT = 5
TRENDING_CACHE_KEY = "search:trending"
TRENDING_CACHE_SECONDS = 300
# A visitor's searches this close together are one search being refined:
# "sciat" then "sciatica" counts once, as "sciatica".
PREFIX_WINDOW = timedelta(minutes=30)
LOG_KEEP_DAYS = 30
# One client (one address, see core.ratelimit.client_key) counts for a term at
# most once in this many seconds, however many sessions it holds: sessions
# cost nothing to start, so they alone cannot tell visitors apart.
CLIENT_TERM_SECONDS = 3600


def visitor_hash(session_key: str) -> str:
    """A salted hash of a visitor's id, their session key or their cookie's (salt
    from SECRET_KEY): counts a visitor once, names no one."""
    return salted_hmac("search.visitor", session_key, algorithm="sha256").hexdigest()[
        :32
    ]


def _held(session) -> bool:
    """Whether the client came with a session of ours, rather than one starting now.

    Reading the session drops a key that names no stored session.
    """
    session.items()
    return session.session_key is not None


def _within(check, key: str, **kwargs) -> bool:
    """A rate-limit check that says no when it cannot count."""
    try:
        return check(key, **kwargs)
    except RateLimitUnavailable:
        return False


def record_search(
    *,
    session,
    term: str,
    client: str,
    entry: SearchEntry | None = None,
    found: bool = True,
    cookie: RecentCookie | None = None,
) -> None:
    """Remember a final search: a submitted query, or a suggestion the visitor chose.

    A search that found nothing (`found` false) is neither: not a recent
    search worth offering again, and not trending. Otherwise it goes first in
    the visitor's recent searches: in their session when they hold one of
    ours, else in `cookie` (marked changed, for the caller to write back);
    no session is ever started for it. It goes into the trending log, under
    a hash of the visitor's id, only when the client came with that id (a
    session it held, or its cookie: a client cannot become a new visitor by
    dropping its cookie), and that client (`client`, a salted hash of its
    address, which is never stored) has not counted for the term within the
    hour. Within half an hour a visitor's shorter prefixes of the term are
    replaced by it, and a prefix of a term they already searched is not
    logged again, so the letters typed on the way to "sciatica" count once.
    """
    term = normalise(term)
    if not term or not found:
        return
    if _held(session):
        session[RECENT_KEY] = _remembered(
            recent_items(session.get(RECENT_KEY)), term, entry
        )
        visitor = session.session_key
    elif cookie is not None:
        cookie.items = _remembered(cookie.items, term, entry)
        cookie.changed = True
        visitor = cookie.visitor if cookie.held else None
    else:
        return
    if visitor is None:
        return
    term_key = salted_hmac("search.term", term, algorithm="sha256").hexdigest()[:32]
    if not _within(
        cooldown, f"search-trend:{client}:{term_key}", seconds=CLIENT_TERM_SECONDS
    ):
        return
    visitor = visitor_hash(visitor)
    with transaction.atomic():
        recent = SearchLog.objects.filter(
            visitor=visitor, created_at__gte=timezone.now() - PREFIX_WINDOW
        )
        if recent.filter(StartsWith(F("term"), Value(term))).exists():
            return
        recent.filter(StartsWith(Value(term), F("term"))).delete()
        SearchLog.objects.create(term=term, visitor=visitor)


def _trending(now: datetime) -> list[str]:
    # visitors_k: distinct visitors whose latest search of the term is at most
    # k days old. A visitor whose latest search is between k-1 and k days old
    # weighs 0.5^((k-1)/half-life); summing the weights is the same as the
    # linear combination of visitors_k below, so the database does it all.
    weights = [
        0.5 ** ((k - 1) / TRENDING_HALF_LIFE_DAYS) for k in range(1, TRENDING_DAYS + 1)
    ] + [0.0]
    counts = {
        f"visitors_{k}": Count(
            "visitor", distinct=True, filter=Q(created_at__gte=now - timedelta(days=k))
        )
        for k in range(1, TRENDING_DAYS + 1)
    }
    score = sum(
        (
            Value(weights[k - 1] - weights[k]) * F(f"visitors_{k}")
            for k in range(1, TRENDING_DAYS + 1)
        ),
        start=Value(0.0),
    )
    rows = (
        SearchLog.objects.filter(created_at__gte=now - timedelta(days=TRENDING_DAYS))
        .exclude(term__in=HiddenTrendingTerm.objects.values("term"))
        .values("term")
        .annotate(**counts)
        .annotate(score=ExpressionWrapper(score, output_field=FloatField()))
        .filter(**{f"visitors_{TRENDING_DAYS}__gte": TRENDING_MIN_VISITORS})
        .order_by("-score", "term")[:TRENDING_LIMIT]
    )
    return [row["term"] for row in rows]


def trending() -> list[str]:
    """Terms searched by the most distinct visitors this week, recent ones weighing more.

    A term shows only once at least three visitors searched it, and never
    once editors have hidden it (`HiddenTrendingTerm`). The same for every
    visitor, so it is kept in the shared cache for five minutes.
    """
    return cache.get_or_set(
        TRENDING_CACHE_KEY, lambda: _trending(timezone.now()), TRENDING_CACHE_SECONDS
    )


def forget_trending() -> None:
    """Work trending out afresh on its next showing: after editors hide or show a term.

    Pages that show it (core/pages.py) are stale at once too.
    """
    cache.delete(TRENDING_CACHE_KEY)
    freshness.trending_changed()


def prune_search_log(*, days: int = LOG_KEEP_DAYS) -> int:
    """Delete log rows older than `days`; returns how many went."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = SearchLog.objects.filter(created_at__lt=cutoff).delete()
    return deleted
