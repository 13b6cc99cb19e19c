"""Every field a member or an editor writes and a page shows, carrying every payload:
the HTML shows each as inert text.

Comments have their own corpus test (tests/discussions/test_xss.py, the same
payloads). Here: display names, search terms (results, palette suggestions,
recent searches) and every editor's text field that reaches a public page.
Each page is compared with the same page carrying plain text (tests/security/inert.py):
no script, handler, javascript: link or smuggled element may appear.
"""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings

from ailments.models import Ailment
from discussions.models import Comment
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
from tests.helpers import make_comment, set_tally

from .base import SecurityTestCase
from .inert import problems
from .xss_payloads import PAYLOADS

HTMX = {"HTTP_HX_REQUEST": "true"}
PLAIN = "Plain text"

# Every editor's text field shown on a public page: (model, field).
EDITOR_FIELDS = [
    (Category, "name"),
    (Category, "description"),
    (Remedy, "name"),
    (Remedy, "synonyms"),
    (Remedy, "what_it_is"),
    (Remedy, "how_it_works"),
    (Remedy, "why_it_matters"),
    (Remedy, "considerations"),
    (Remedy, "safety_note"),
    (Ailment, "name"),
    (Ailment, "synonyms"),
    (Ailment, "description"),
    (Ailment, "red_flags"),
    (Ailment, "red_flag_action"),
    (EvidencePage, "summary"),
    (EvidencePage, "why_it_works"),
    (EvidencePage, "how_to_intro"),
    (EvidencePage, "how_to_outro"),
    (EvidencePage, "red_flags"),
    (EvidencePage, "warnings"),
    (EvidencePage, "reviewed_by"),
    (HowToStep, "title"),
    (HowToStep, "instructions"),
    (HowToStep, "reps"),
    (HowToStep, "sets"),
    (HowToStep, "hold"),
    (HowToStep, "frequency"),
    (Study, "title"),
    (Study, "publisher"),
    (Citation, "note"),
    (Product, "name"),
    (Product, "description"),
    (Product, "disclosure"),
]


def fit(model, field: str, text: str, key: str = "") -> str:
    """`text` cut to the field's maximum length, with `key` in front for unique names."""
    limit = model._meta.get_field(field).max_length
    text = f"{key} {text}" if key else text
    return text[:limit] if limit else text


# Fields written "sign | details", one a line (red flags, stop rules): the
# text goes in as a sign and as details, so a page shows the same number of
# details elements whatever the text holds.
SIGN_AND_DETAILS = {"red_flags", "warnings"}


def editor_content(key: str, text: str) -> EvidencePage:
    """A category, remedy, ailment and evidence page (with a step, a study and a
    product) whose every text field carries `text`."""

    def values(model, **extra):
        unique = {"name"} if model in (Category, Remedy, Ailment) else set()
        fields = {
            field: fit(model, field, text, key if field in unique else "")
            for m, field in EDITOR_FIELDS
            if m is model
        }
        for field in SIGN_AND_DETAILS.intersection(fields):
            one_line = " ".join(text.splitlines())
            fields[field] = f"A sign | {one_line}\n{one_line} | Its details"
        return {**fields, **extra}

    category = Category.objects.create(**values(Category, slug=f"c-{key}"))
    remedy = Remedy.objects.create(
        **values(
            Remedy,
            slug=f"r-{key}",
            category=category,
            safety_rating=7,
            is_published=True,
        )
    )
    ailment = Ailment.objects.create(**values(Ailment, slug=f"a-{key}"))
    page = EvidencePage.objects.create(
        **values(
            EvidencePage, remedy=remedy, ailment=ailment, grade="B", is_published=True
        )
    )
    HowToStep.objects.create(**values(HowToStep, page=page, position=1))
    study = Study.objects.create(
        **values(
            Study,
            key=f"s-{key}",
            year=2020,
            kind=Study.Kind.TRIAL,
            url="https://example.org/",
        )
    )
    Citation.objects.create(**values(Citation, page=page, study=study, position=1))
    Product.objects.create(**values(Product, remedy=remedy, url="https://example.com/"))
    set_tally(page, 3, 1)
    return page


@override_settings(DISCUSSION_POST_INTERVAL=0)
class XssTests(SecurityTestCase):
    def assert_inert(self, html: str, baseline: str, where: str):
        found = problems(html, baseline)
        self.assertEqual(found, [], where)

    def test_the_corpus_has_at_least_100_payloads(self):
        self.assertGreaterEqual(len(set(PAYLOADS)), 100)

    def test_every_editor_text_field_on_every_public_page(self):
        plain = editor_content("plain", PLAIN)
        pages = [editor_content(str(k), payload) for k, payload in enumerate(PAYLOADS)]
        rebuild_index()

        def urls(page):
            return [
                page.remedy.get_absolute_url(),
                page.get_absolute_url(),
                page.ailment.get_absolute_url(),
            ]

        baselines = [self.client.get(url).content.decode() for url in urls(plain)]
        tried = 0
        for page, payload in zip(pages, PAYLOADS, strict=True):
            for url, baseline in zip(urls(page), baselines, strict=True):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200, url)
                self.assert_inert(r.content.decode(), baseline, f"{url}: {payload!r}")
            tried += 1
        # The lists and the search results show them all; their baselines are themselves
        # without any payload-free page to compare, so they are checked for what runs.
        listing = [
            "/",
            "/ailments/",
            "/remedies/",
            "/sitemap.xml",
            "/sitemap-remedies.xml",
        ]
        listing += [f"/remedies/?page={n}" for n in range(2, 9)]
        listing += [f"/ailments/?page={n}" for n in range(2, 9)]
        listing += [f"/remedies/?category=c-{k}" for k in range(0, len(PAYLOADS), 7)]
        for kind in ("remedy", "ailment", "page"):
            listing += [f"/search/?q=window&kind={kind}&page={n}" for n in range(1, 9)]
        for url in listing:
            r = self.client.get(url)
            self.assertLess(r.status_code, 400, url)
            self.assertEqual(problems(r.content.decode(), r.content.decode()), [], url)
        self.assertEqual(tried * len(EDITOR_FIELDS), len(PAYLOADS) * len(EDITOR_FIELDS))

    def test_display_names_on_the_discussion_the_account_page_and_refusals(self):
        page_url = self.page.get_absolute_url()
        make_comment(self.page, author=self.other_member, text="Bob's thread")
        self.client.force_login(self.member)

        def shown():
            return [
                self.client.get(page_url).content.decode(),
                self.client.get("/account/").content.decode(),
                # A refusal names who is signed in.
                self.client.get(
                    f"/discussions/{self.others_comment.pk}/edit/"
                ).content.decode(),
            ]

        self.client.post("/account/", {"display_name": PLAIN})
        baselines = shown()
        for payload in PAYLOADS:
            # Longer than a display name may be: refused, and shown back in the form.
            r = self.client.post("/account/", {"display_name": payload})
            if len(" ".join(payload.split())) > 50:
                self.assertEqual(r.status_code, 200)
                self.assert_inert(
                    r.content.decode(), baselines[1], f"form: {payload!r}"
                )
            short = " ".join(payload.split())[:50]
            r = self.client.post("/account/", {"display_name": short})
            self.assertEqual(r.status_code, 302, short)
            for html, baseline in zip(shown(), baselines, strict=True):
                self.assert_inert(html, baseline, repr(short))

    def test_search_terms_on_results_suggestions_and_recent_searches(self):
        def shown(term):
            return [
                self.client.get("/search/", {"q": term}).content.decode(),
                self.client.get(
                    "/search/", {"q": term, "kind": "remedy"}
                ).content.decode(),
                self.client.get(
                    "/search/suggest/", {"q": term}, **HTMX
                ).content.decode(),
                self.client.get("/search/recent/").content.decode(),
                self.client.get("/search/recent/", **HTMX).content.decode(),
            ]

        self.client.get("/search/remember/", {"q": PLAIN})
        baselines = shown(PLAIN)
        for payload in PAYLOADS:
            # Remembered, so it shows among the visitor's recent searches
            # (within its rate limit: one client's 134 searches would pass it).
            cache.clear()
            self.client.get("/search/remember/", {"q": payload})
            for html, baseline in zip(shown(payload), baselines, strict=True):
                self.assert_inert(html, baseline, repr(payload))
            self.client.post("/search/recent/clear/")

    def test_comments_carrying_the_payloads_leave_the_whole_page_inert(self):
        # The discussions corpus test reads the comment text; this reads the whole page.
        root = make_comment(self.page, author=self.other_member, text=PLAIN)
        replies = [
            make_comment(parent=root, author=self.other_member, text=PLAIN)
            for _ in PAYLOADS
        ]
        url = self.page.get_absolute_url()
        member = self.client_for("member")
        baselines = [
            self.client.get(url).content.decode(),
            member.get(url).content.decode(),
        ]
        for reply, payload in zip(replies, PAYLOADS, strict=True):
            Comment.objects.filter(pk=reply.pk).update(text=payload)
        for client, baseline in zip((self.client, member), baselines, strict=True):
            html = client.get(url).content.decode()
            self.assertEqual(
                html.count("comment__text"), baseline.count("comment__text")
            )
            self.assert_inert(html, baseline, "comments")
