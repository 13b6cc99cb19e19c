"""Search's own data: an index of what can be found, and a log for *Trending now*.

Nothing here points at the other apps with a foreign key: the index is a
denormalised copy that `search.services` rebuilds, so search never joins
across apps and never needs a migration in them.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import RowNumber


class SearchEntryQuerySet(models.QuerySet):
    def published(self) -> SearchEntryQuerySet:
        return self.filter(is_published=True)

    def kind_counts(self) -> dict[str, int]:
        """How many entries of each kind, in one query."""
        rows = self.order_by().values("kind").annotate(n=models.Count("pk"))
        return {row["kind"]: row["n"] for row in rows}

    def top_per_kind(self, n: int) -> list[SearchEntry]:
        """The first `n` of each kind in the queryset's order, in one query."""
        order = self.query.order_by
        return list(
            self.annotate(
                place=models.Window(
                    RowNumber(), partition_by=[models.F("kind")], order_by=order
                )
            ).filter(place__lte=n)
        )


class SearchEntry(models.Model):
    """One findable thing: a remedy, an ailment or an evidence page.

    `names` is the title and synonyms as lower-case words, one name per line:
    what the SQLite fallback matches, and where `SearchWord` comes from. The
    two vectors are filled on PostgreSQL only: `names_vector` (title A,
    synonyms B) and `search_vector` (those, summary C, body D), each behind a
    GIN index made by migration 0002; on SQLite they stay empty. `grade` is an
    evidence page's evidence grade, shown on its result line (empty for the
    other kinds); a result's votes are not copied here, they are read when
    results are shown (`search.services.add_ratings`).
    """

    class Kind(models.TextChoices):
        AILMENT = "ailment", "Ailment"
        REMEDY = "remedy", "Remedy"
        PAGE = "page", "Remedy for an ailment"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    synonyms = models.TextField(blank=True)
    names = models.TextField(blank=True)
    summary = models.CharField(max_length=400, blank=True)
    body = models.TextField(blank=True)
    url = models.CharField("URL", max_length=300)
    label = models.CharField(
        max_length=200, blank=True, help_text="Shown beside the title, e.g. a category."
    )
    is_published = models.BooleanField("published", default=False)
    # A tie-breaker between equally good matches: an evidence page's score.
    popularity = models.FloatField(default=0.0)
    grade = models.CharField("evidence grade", max_length=1, blank=True)
    names_vector = SearchVectorField(null=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(auto_now=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "search index entry"
        verbose_name_plural = "search index entries"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="one_search_entry_per_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class SearchWord(models.Model):
    """A word of four letters or more from some name or synonym in the index.

    A typed word that starts none of these is compared with them by trigram
    similarity, and the closest one is searched for as well: "siatica" also
    searches "sciatica". On PostgreSQL through pg_trgm (GIN index from
    migration 0002); on SQLite through an FTS5 trigram index of these rows
    (`search_word_trigrams`, migration 0005), which triggers keep in step with
    this table as the database keeps a GIN index. A few thousand short rows,
    so the comparison takes a few milliseconds.
    """

    word = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.word


class SearchLog(models.Model):
    """A final search (a submitted query or a chosen suggestion), for *Trending now*.

    No personal data: `visitor` is a salted hash of the session key, so one
    visitor's searches can be counted once without knowing who they are. Rows
    older than a month are deleted by `manage.py prune_search_log`.
    """

    term = models.CharField(max_length=100)
    visitor = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["visitor", "created_at"], name="search_log_visitor"),
        ]

    def __str__(self) -> str:
        return self.term


class HiddenTrendingTerm(models.Model):
    """A term editors took out of *Trending now*: it never shows there, however many search it.

    Stored as searches are remembered (lower case, single spaces), so it
    matches the log's terms exactly. Searching it still works as before.
    """

    term = models.CharField(
        max_length=100,
        unique=True,
        help_text="Exactly as it shows in Trending now.",
    )
    hidden_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["term"]
        verbose_name = "hidden trending term"

    def __str__(self) -> str:
        return self.term
