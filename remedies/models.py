from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ailments.models import RED_FLAGS_HELP, RedFlag, red_flag_items, split_lines


@dataclass(frozen=True)
class Tally:
    """Up and down votes, and the effectiveness shown for them."""

    up: int
    down: int

    @property
    def total(self) -> int:
        return self.up + self.down

    @property
    def is_rated(self) -> bool:
        return self.total > 0

    @property
    def percent(self) -> int | None:
        """Up votes as a whole percent of all votes, rounded half up; None when unrated."""
        if not self.total:
            return None
        return (200 * self.up + self.total) // (2 * self.total)

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.up + other.up, self.down + other.down)


def pooled_tally(pages) -> Tally:
    """All the votes of the given evidence pages together."""
    return sum((page.tally for page in pages), Tally(0, 0))


# A study's kind, counted: "2 clinical guidelines".
KIND_PLURALS = {
    "guideline": "clinical guidelines",
    "review": "systematic reviews or meta-analyses",
    "trial": "randomised trials",
    "observational": "observational studies",
    "expert": "expert opinions",
}


def kinds_in_words(studies) -> str:
    """What kinds of study these are, most first: "3 randomised trials, 1 clinical guideline"."""
    counts: dict[str, int] = {}
    for study in studies:
        counts[study.kind] = counts.get(study.kind, 0) + 1
    return ", ".join(
        f"{n} {KIND_PLURALS[kind] if n > 1 else Study.Kind(kind).label.lower()}"
        for kind, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )


def validate_doi(value: str) -> None:
    if not re.fullmatch(r"10\.\d{4,9}/\S+", value):
        raise ValidationError(
            "Enter a DOI like 10.7326/M16-2367 (without https://doi.org/)."
        )


def validate_pmid(value: str) -> None:
    if not re.fullmatch(r"[1-9]\d{0,8}", value):
        raise ValidationError("Enter a PubMed ID: digits only, like 28192789.")


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class RemedyQuerySet(models.QuerySet):
    def published(self) -> RemedyQuerySet:
        return self.filter(is_published=True)

    def visible_to(self, user) -> RemedyQuerySet:
        """Editors preview drafts; everyone else sees published remedies only."""
        return self if user.is_staff else self.published()

    def with_stats(self) -> RemedyQuerySet:
        """Annotate pooled tallies and condition count over published evidence pages.

        Each figure is a subquery on the remedy's own pages (by their remedy
        index), so a page of 20 remedies reads those remedies' pages only,
        not every page of every remedy.
        """
        live = (
            EvidencePage.objects.filter(
                remedy=models.OuterRef("pk"),
                is_published=True,
                ailment__is_published=True,
            )
            .order_by()
            .values("remedy")
        )

        def per_remedy(aggregate):
            return models.functions.Coalesce(
                models.Subquery(live.annotate(v=aggregate).values("v")), 0
            )

        return self.select_related("category").annotate(
            condition_count=per_remedy(models.Count("pk")),
            pooled_up=per_remedy(models.Sum("votes_up")),
            pooled_down=per_remedy(models.Sum("votes_down")),
        )

    def most_helpful(self, n: int) -> RemedyQuerySet:
        """The `n` remedies with the most up votes across their published pages,
        most first, with their stats.

        One query: the live pages are grouped by remedy once to find the
        winners, and only those get `with_stats()`; ranking by the
        `with_stats()` subqueries would run them for every remedy.
        """
        winners = (
            EvidencePage.objects.filter(
                is_published=True, ailment__is_published=True, remedy__in=self
            )
            .order_by()
            .values("remedy")
            .annotate(up=models.Sum("votes_up"))
            .filter(up__gt=0)
            .order_by("-up", "remedy__name")
            .values("remedy")[:n]
        )
        return self.filter(pk__in=winners).with_stats().order_by("-pooled_up", "name")


class Remedy(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="remedies"
    )
    synonyms = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Other names people search for, one per line.",
    )
    what_it_is = models.TextField("what it is", max_length=5000)
    how_it_works = models.TextField("how it works", max_length=5000)
    why_it_matters = models.TextField("why it’s important", max_length=5000)
    considerations = models.TextField(max_length=5000)
    safety_rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="1 (serious risks for many people) to 10 (very safe for most people). "
        "Leave empty when not yet rated.",
    )
    safety_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the safety rating rests on, in one sentence.",
    )
    is_published = models.BooleanField("published", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RemedyQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "remedies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(safety_rating__isnull=True)
                | models.Q(safety_rating__gte=1, safety_rating__lte=10),
                name="remedy_safety_rating_1_to_10",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("remedies:remedy_detail", args=[self.slug])

    @property
    def synonym_list(self) -> list[str]:
        return split_lines(self.synonyms)

    @property
    def pooled(self) -> Tally:
        """All votes across its ailments. Needs `with_stats()`."""
        return Tally(self.pooled_up, self.pooled_down)

    @property
    def safety_meaning(self) -> str:
        """What the safety rating means, in words (the bands are on /about/methods/)."""
        if self.safety_rating is None:
            return ""
        for lowest, words in SAFETY_BANDS:
            if self.safety_rating >= lowest:
                return words
        return SAFETY_BANDS[-1][1]


# The safety rating's bands, highest first: the lowest rating of each, and its meaning.
SAFETY_BANDS = [
    (9, "very safe for most people"),
    (7, "safe for most people; minor side effects"),
    (5, "some side effects or interactions to know about"),
    (3, "real risks for some people: ask first"),
    (1, "serious risks for many people"),
]


class Study(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Clinical guideline"
        REVIEW = "review", "Systematic review or meta-analysis"
        TRIAL = "trial", "Randomised trial"
        OBSERVATIONAL = "observational", "Observational study"
        EXPERT = "expert", "Expert opinion"

    key = models.SlugField(
        max_length=80, unique=True, help_text="A short stable identifier."
    )
    title = models.CharField(max_length=400)
    publisher = models.CharField("publisher or journal", max_length=200)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = models.URLField("URL", max_length=500, blank=True)
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text="e.g. 10.7326/M16-2367",
    )
    pmid = models.CharField(
        "PMID",
        max_length=12,
        blank=True,
        validators=[validate_pmid],
        help_text="e.g. 28192789",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return f"{self.title} ({self.publisher}, {self.year})"

    def clean(self) -> None:
        super().clean()
        if not (self.url or self.doi or self.pmid):
            raise ValidationError(
                {
                    "url": "Give at least one way to find this study: a URL, a DOI or a PMID."
                }
            )

    @property
    def link(self) -> str:
        """Where a reader can find it: the DOI resolver, PubMed, or the URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


# How often an evidence page is reviewed, in months.
REVIEW_INTERVALS = [
    (3, "3 months"),
    (6, "6 months"),
    (12, "12 months"),
    (24, "2 years"),
]


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it is shorter)."""
    import calendar

    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class EvidencePageQuerySet(models.QuerySet):
    def published(self) -> EvidencePageQuerySet:
        """Pages a visitor may see: the page, its remedy and its ailment all published."""
        return self.filter(
            is_published=True, remedy__is_published=True, ailment__is_published=True
        )

    def visible_to(self, user) -> EvidencePageQuerySet:
        return self if user.is_staff else self.published()

    def at(self, slug: str, ailment_slug: str) -> EvidencePageQuerySet:
        """The page at /remedies/<slug>/for/<ailment_slug>/ (at most one)."""
        return self.filter(remedy__slug=slug, ailment__slug=ailment_slug)

    def with_citation_counts(self) -> EvidencePageQuerySet:
        """Annotate `citation_count`, a subquery per page: a ranked list reads
        the citations of the pages it shows, not of every page it ranks."""
        cited = (
            Citation.objects.filter(page=models.OuterRef("pk"))
            .order_by()
            .values("page")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            citation_count=models.functions.Coalesce(models.Subquery(cited), 0)
        )

    def past_review(self, today: date) -> EvidencePageQuerySet:
        """Pages never reviewed, or last reviewed longer ago than their review interval."""
        due = models.Q(reviewed_on__isnull=True)
        for months, _ in REVIEW_INTERVALS:
            due |= models.Q(
                review_every=months, reviewed_on__lte=months_before(today, months)
            )
        return self.filter(due)

    def ranked(self, order: str = "best") -> EvidencePageQuerySet:
        """Best supported first (Wilson lower bound), or most voted first."""
        if order == "votes":
            return self.order_by("-votes_total", "-score", "remedy__name")
        return self.order_by("-score", "-votes_total", "remedy__name")


class EvidencePage(models.Model):
    """What is known about one remedy for one ailment."""

    class Grade(models.TextChoices):
        A = "A", "A: consistent evidence from guidelines or several good trials"
        B = "B", "B: moderate evidence from some good trials"
        C = "C", "C: limited or mixed evidence"
        D = "D", "D: expert opinion or very weak evidence only"
        INSUFFICIENT = "I", "Insufficient evidence to judge"

    remedy = models.ForeignKey(
        Remedy, on_delete=models.CASCADE, related_name="evidence_pages"
    )
    ailment = models.ForeignKey(
        "ailments.Ailment", on_delete=models.PROTECT, related_name="evidence_pages"
    )
    summary = models.CharField(
        max_length=400, help_text="One or two sentences for cards."
    )
    why_it_works = models.TextField(
        max_length=10000,
        help_text="Paragraphs, blank line between. Write [1], [2]… after a claim "
        "to link it to the study listed at that place below.",
    )
    how_to_intro = models.TextField("before the steps", max_length=2000, blank=True)
    how_to_outro = models.TextField("after the steps", max_length=2000, blank=True)
    red_flags = models.TextField(
        max_length=5000,
        blank=True,
        help_text="Red flags for this remedy and ailment, shown after the "
        "ailment’s own, under its line saying what to do. " + RED_FLAGS_HELP,
    )
    warnings = models.TextField(
        max_length=5000,
        blank=True,
        help_text="When to stop, who needs a modified plan, when to get help; one per "
        "line, shown with the steps. More about a rule may follow on its line "
        "after a “|”: readers open it when they want it.",
    )
    grade = models.CharField("evidence grade", max_length=1, choices=Grade.choices)
    studies = models.ManyToManyField(
        Study, through="Citation", related_name="evidence_pages"
    )
    is_published = models.BooleanField("published", default=False)
    updated_at = models.DateTimeField("last updated", auto_now=True)
    reviewed_on = models.DateField("last reviewed", null=True, blank=True)
    reviewed_by = models.CharField(max_length=120, blank=True)
    review_every = models.PositiveSmallIntegerField(
        "review every",
        choices=REVIEW_INTERVALS,
        default=12,
        help_text="Once its last review is older than this, the page is listed "
        "on the editors’ desk as due for review.",
    )

    # Tallies of the votes app's rows, kept here so no page counts vote rows.
    # Only votes.services writes them, in the same transaction as the votes.
    votes_up = models.PositiveIntegerField(default=0, editable=False)
    votes_down = models.PositiveIntegerField(default=0, editable=False)
    votes_total = models.PositiveIntegerField(default=0, editable=False)
    # Lower bound of the 95% Wilson score interval of votes_up / votes_total:
    # the ailment page's ranking, stored so it can be indexed.
    score = models.FloatField(default=0.0, editable=False)

    objects = EvidencePageQuerySet.as_manager()
    # Tallies change with every vote and are not editorial content.
    history = HistoricalRecords(
        excluded_fields=["updated_at", "votes_up", "votes_down", "votes_total", "score"]
    )

    class Meta:
        verbose_name = "evidence page"
        constraints = [
            models.UniqueConstraint(
                fields=["remedy", "ailment"],
                name="one_evidence_page_per_remedy_and_ailment",
                violation_error_message="This remedy already has an evidence page for this ailment.",
            )
        ]
        indexes = [
            models.Index(fields=["ailment", "-score"], name="evidence_rank_best"),
            models.Index(
                fields=["ailment", "-votes_total"], name="evidence_rank_votes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.remedy} for {self.ailment}"

    def get_absolute_url(self) -> str:
        return reverse(
            "remedies:evidence_detail", args=[self.remedy.slug, self.ailment.slug]
        )

    @property
    def tally(self) -> Tally:
        return Tally(self.votes_up, self.votes_down)

    def vote_of(self, user) -> int | None:
        """`user`'s vote here (1 or -1), or None: one query for a member, none for a visitor."""
        if not user.is_authenticated:
            return None
        return (
            self.votes.filter(member_id=user.pk).values_list("value", flat=True).first()
        )

    @property
    def red_flag_list(self) -> list[str]:
        return split_lines(self.red_flags)

    @property
    def red_flag_items(self) -> list[RedFlag]:
        return red_flag_items(self.red_flags)

    @property
    def warning_list(self) -> list[str]:
        return split_lines(self.warnings)

    @property
    def warning_items(self) -> list[RedFlag]:
        """The warnings as rules, each with its details where the editors wrote
        some after a "|" (as red flags are written)."""
        return red_flag_items(self.warnings)

    @property
    def grade_label(self) -> str:
        """The grade in two or three words, for the summary card."""
        return GRADE_LABELS.get(self.grade, "")

    @property
    def crowd_and_evidence(self) -> str:
        """Whether members' votes and the evidence grade point different ways:
        "" when they do not, else "crowd-higher" or "crowd-lower" (the rule,
        for readers, is in templates/methods.html#crowd-and-evidence)."""
        return crowd_and_evidence(self.tally, self.grade)


GRADE_LABELS = {
    "A": "Strong evidence",
    "B": "Moderate evidence",
    "C": "Limited or mixed evidence",
    "D": "Very weak evidence",
    "I": "Not enough evidence to judge",
}

# When members' votes and the evidence grade point different ways: a clear
# majority of enough votes one way, a grade at the other end.
DISAGREEMENT_MIN_VOTES = 20
CROWD_HIGH = 75  # percent and above: most members say it helped
CROWD_LOW = 40  # percent and below: most members say it did not
WEAK_GRADES = frozenset({"D", "I"})
STRONG_GRADES = frozenset({"A", "B"})


def crowd_and_evidence(tally: Tally, grade: str) -> str:
    """Which way members' votes and the evidence grade disagree, if they do:
    "crowd-higher" (members like it, the evidence is weak), "crowd-lower"
    (members do not, the evidence is strong) or ""."""
    if tally.total < DISAGREEMENT_MIN_VOTES:
        return ""
    if tally.percent >= CROWD_HIGH and grade in WEAK_GRADES:
        return "crowd-higher"
    if tally.percent <= CROWD_LOW and grade in STRONG_GRADES:
        return "crowd-lower"
    return ""


class HowToStep(models.Model):
    page = models.ForeignKey(
        EvidencePage, on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    instructions = models.TextField(
        max_length=3000,
        help_text="Write [1], [2]… after a claim to link it to the study listed "
        "at that place on the page.",
    )
    reps = models.CharField(max_length=80, blank=True, help_text="e.g. “10 slow reps”")
    sets = models.CharField(max_length=80, blank=True, help_text="e.g. “2–3 sets”")
    hold = models.CharField(max_length=80, blank=True, help_text="e.g. “Hold 20–30 s”")
    frequency = models.CharField(
        max_length=200, blank=True, help_text="e.g. “1–2× daily”"
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "how-to step"

    def __str__(self) -> str:
        return self.title

    @property
    def dosing(self) -> list[tuple[str, str]]:
        pairs = [("Reps", self.reps), ("Sets", self.sets), ("Hold", self.hold)]
        pairs.append(("How often", self.frequency))
        return [(label, value) for label, value in pairs if value]


class Citation(models.Model):
    page = models.ForeignKey(
        EvidencePage, on_delete=models.CASCADE, related_name="citations"
    )
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(
        max_length=400, blank=True, help_text="What this source supports on this page."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "study"], name="cite_a_study_once_per_page"
            )
        ]

    def __str__(self) -> str:
        return str(self.study)


class Product(models.Model):
    remedy = models.ForeignKey(
        Remedy, on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500)
    url = models.URLField("URL", max_length=500)
    disclosure = models.CharField(
        max_length=300,
        help_text="Required: how this product came to be listed and whether anyone is paid.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
