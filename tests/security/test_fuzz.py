"""Hostile requests over every URL and form: no server error, ever.

A fixed number of requests (REQUESTS), generated from a seeded corpus
(tests/security/hostile.py), go through the Django test client so that any
exception surfaces: huge, empty and wrong-typed values, unicode edge cases,
NUL bytes, path traversal, SQL and template syntax, duplicated and missing
fields, wrong methods, missing and bad CSRF tokens, bodies that are not what
they claim, oversized bodies, and hostile request headers (Host,
X-Forwarded-For/-Proto/-Host, every HX-* header, Cookie, Content-Type,
Accept-Language, Range and more, every one of them sent in every run, half
the batches behind a trusted proxy), as visitors, members, editors and a
superuser. Requests run in batches whose database changes are rolled
back, so an account deleted or a remedy removed in one batch is back for the
next. The figures are printed at the end (run pytest with -s to see them, or
set FUZZ_REPORT to a file name to have them and every finding written there, one file per part).
"""

from __future__ import annotations

import os
import random
import sys
import time
import traceback
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.db import transaction
from django.forms.models import _get_foreign_key
from django.test import RequestFactory, override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from .base import SecurityTestCase
from .hostile import (
    HEADERS,
    HTMX_HEADERS,
    METHODS,
    VALUES,
    HostileRequest,
    Target,
    form_data,
    header_value,
    hostile_segment,
    query_string,
    raw_body,
)

REQUESTS = 10_000  # the fixed budget: the same requests on every run
BATCH = 250
SHARDS = 4  # parts of the corpus, sent by separate tests
SEED = 20261125
# The share of requests with hostile request headers (tests/security/hostile.py
# HEADERS), and how often each header must have been sent in a run.
HEADER_SHARE = 0.35
HEADER_MIN_SENT = 20

COMMENT_FIELDS = ("text", "token", "comment_order")
CONTENT_MODELS = (
    "ailments.ailment",
    "remedies.category",
    "remedies.remedy",
    "remedies.evidencepage",
    "remedies.study",
    "remedies.product",
)
# Filters the admin's changelists offer, and some they do not.
ADMIN_PARAMS = (
    "q",
    "o",
    "p",
    "all",
    "e",
    "_popup",
    "_to_field",
    "_changelist_filters",
    "is_published__exact",
    "category__id__exact",
    "remedy__id__exact",
    "ailment__id__exact",
    "remedy__category__id__exact",
    "safety_rating",
    "grade__exact",
    "kind__exact",
    "year",
    "state__exact",
    "created_at__gte",
    "value__exact",
    "password__startswith",
    "author__password__startswith",
)


def admin_fields(model_admin, request) -> tuple[str, ...]:
    """The names an admin add/change form posts: its fields and its inlines' management form."""
    form = model_admin.get_form(request)
    names = list(form.base_fields)
    for inline in model_admin.inlines:
        fk = _get_foreign_key(model_admin.model, inline.model, inline.fk_name)
        prefix = fk.remote_field.get_accessor_name(model=inline.model).replace("+", "")
        names += [
            f"{prefix}-TOTAL_FORMS",
            f"{prefix}-INITIAL_FORMS",
            f"{prefix}-0-id",
            f"{prefix}-0-{fk.name}",
            f"{prefix}-0-position",
            f"{prefix}-0-DELETE",
        ]
    return (*names, "_save", "_continue", "_saveasnew")


@override_settings(DISCUSSION_POST_INTERVAL=0)
class FuzzTests(SecurityTestCase):
    def targets(self) -> list[Target]:
        """Every URL of the site, what it reads, and who may use it."""
        remedy, ailment = self.remedy.slug, self.ailment.slug
        page = self.page.get_absolute_url()
        mine, bobs = self.comment.pk, self.others_comment.pk
        post = ("POST",)
        targets = [
            Target("/", params=("q", "page"), weight=0.6),
            Target("/about/methods/", weight=0.5),
            Target("/about/privacy/", weight=0.5),
            Target("/csp-report/", methods=("POST",), fields=("csp-report",), weight=1),
            Target("/robots.txt", weight=0.5),
            Target("/healthz", weight=0.5),
            Target("/readyz", weight=0.5),
            Target("/sitemap.xml", params=("p", "section"), weight=0.5),
            Target(
                "/sitemap-remedies.xml", params=("p",), path_template="/sitemap-{}.xml"
            ),
            Target("/remedies/", params=("category", "page"), weight=1),
            Target(
                f"/remedies/{remedy}/",
                params=("comment_order", "comment_page"),
                path_template="/remedies/{}/",
                weight=0.8,
            ),
            Target(
                page,
                params=("comment_order", "comment_page"),
                path_template=f"/remedies/{remedy}/for/{{}}/",
                weight=0.8,
            ),
            Target(
                f"{page}share.png",
                path_template=f"/remedies/{{}}/for/{ailment}/share.png",
                weight=0.5,
            ),
            Target(
                f"{page}vote/",
                methods=post,
                fields=("vote", "next"),
                path_template=f"/remedies/{remedy}/for/{{}}/vote/",
                weight=6,
            ),
            Target(
                f"/discussions/remedies/{remedy}/",
                methods=("GET", "POST"),
                fields=COMMENT_FIELDS,
                path_template="/discussions/remedies/{}/",
                weight=4,
            ),
            Target(
                f"/discussions/remedies/{remedy}/for/{ailment}/",
                methods=("GET", "POST"),
                fields=COMMENT_FIELDS,
                weight=4,
            ),
            Target(
                f"/discussions/{mine}/",
                params=("comment_order",),
                path_template="/discussions/{}/",
            ),
        ]
        for action, fields in [
            ("reply", COMMENT_FIELDS),
            ("edit", ("text", "comment_order")),
            ("delete", ("comment_order",)),
            ("flag", ("reason", "note", "comment_order")),
        ]:
            for pk in (mine, bobs):
                targets.append(
                    Target(
                        f"/discussions/{pk}/{action}/",
                        methods=("GET", "POST"),
                        fields=fields,
                        path_template=f"/discussions/{{}}/{action}/",
                        weight=2.5,
                    )
                )
        targets += [
            Target(
                "/account/", methods=("GET", "POST"), fields=("display_name",), weight=3
            ),
            Target("/account/export/", params=("user", "id", "format"), weight=1),
            Target(
                "/account/delete/",
                methods=("GET", "POST"),
                fields=("confirm", "remove_comments"),
                weight=2,
            ),
            *self.community_targets(),
            Target("/ailments/", params=("page",), weight=1),
            Target(
                f"/ailments/{ailment}/",
                params=("order", "page"),
                path_template="/ailments/{}/",
                weight=1,
            ),
            Target("/search/", params=("q", "kind", "page"), weight=4),
            Target("/search/suggest/", params=("q",), weight=8),
            Target("/search/remember/", params=("q",), weight=3),
            Target(
                f"/search/go/{self.entry.pk}/", path_template="/search/go/{}/", weight=2
            ),
            Target("/search/recent/"),
            Target("/search/recent/clear/", methods=post),
            # django-allauth
            Target(
                "/accounts/login/",
                methods=("GET", "POST"),
                fields=("login", "password", "remember", "next"),
                persona="visitor",
                weight=2,
            ),
            Target(
                "/accounts/signup/",
                methods=("GET", "POST"),
                fields=("email", "password1", "password2"),
                persona="visitor",
                weight=1.5,
            ),
            Target("/accounts/logout/", methods=("GET", "POST"), fields=("next",)),
            Target(
                "/accounts/password/reset/",
                methods=("GET", "POST"),
                fields=("email",),
                weight=1,
            ),
            Target(
                "/accounts/password/change/",
                methods=("GET", "POST"),
                fields=("oldpassword", "password1", "password2"),
                persona="member",
            ),
            Target(
                "/accounts/email/",
                methods=("GET", "POST"),
                fields=(
                    "email",
                    "action_add",
                    "action_send",
                    "action_remove",
                    "action_primary",
                ),
                persona="member",
            ),
            Target(
                "/accounts/reauthenticate/",
                methods=("GET", "POST"),
                fields=("password",),
                persona="member",
            ),
            Target(
                "/accounts/confirm-email/not-a-key/",
                methods=("GET", "POST"),
                path_template="/accounts/confirm-email/{}/",
            ),
            Target(
                "/accounts/password/reset/key/1-not-a-key/",
                methods=("GET", "POST"),
                fields=("password1", "password2"),
                path_template="/accounts/password/reset/key/{}/",
            ),
            Target("/accounts/inactive/", weight=0.5),
            Target(
                "/accounts/login/code/confirm/",
                methods=("GET", "POST"),
                fields=("code",),
            ),
            Target("/admin/", persona="editor", weight=0.5),
            Target(
                "/admin/autocomplete/",
                params=("term", "app_label", "model_name", "field_name", "page"),
                persona="editor",
                weight=2,
            ),
            Target(
                "/admin/login/",
                methods=("GET", "POST"),
                fields=("username", "password", "next"),
            ),
        ]
        targets += self.admin_targets()
        # Paths the site does not have.
        targets.append(Target("", path_template="/{}/", weight=6))
        targets.append(Target("", path_template="/static/{}", weight=1))
        return targets

    def community_targets(self) -> list[Target]:
        """The inbox, email settings, unsubscribe, follow, watch and suggestions."""
        from community.emails import unsubscribe_token

        remedy, ailment = self.remedy.slug, self.ailment.slug
        member = self.member.pk
        both = ("GET", "POST")
        suggestion = ("details", "source", "next")
        return [
            Target("/inbox/", both, (), ("page",), weight=1.5),
            Target(f"/inbox/{self.notice.pk}/", path_template="/inbox/{}/", weight=1),
            Target("/notifications/", both, ("email",), weight=1.5),
            Target(
                f"/unsubscribe/{member}/{unsubscribe_token(member)}/",
                both,
                ("List-Unsubscribe",),
                path_template=f"/unsubscribe/{member}/{{}}/",
                weight=1.5,
            ),
            Target(
                f"/follow/remedies/{remedy}/",
                ("POST",),
                ("action", "next"),
                path_template="/follow/remedies/{}/",
                weight=1.5,
            ),
            Target(
                f"/follow/ailments/{ailment}/",
                ("POST",),
                ("action", "next"),
                path_template="/follow/ailments/{}/",
                weight=1,
            ),
            Target(
                f"/watch/remedies/{remedy}/",
                ("POST",),
                ("action", "next"),
                path_template="/watch/remedies/{}/",
                weight=1,
            ),
            Target(
                f"/watch/remedies/{remedy}/for/{ailment}/",
                ("POST",),
                ("action", "next"),
                path_template=f"/watch/remedies/{remedy}/for/{{}}/",
                weight=1,
            ),
            Target(
                "/suggest/remedy/",
                both,
                ("name", *suggestion),
                ("name", "next"),
                weight=2,
            ),
            Target(
                "/suggest/pair/",
                both,
                ("remedy", "ailment", *suggestion),
                ("remedy", "ailment", "next"),
                weight=2,
            ),
            Target(
                f"/suggest/correction/remedies/{remedy}/",
                both,
                suggestion,
                path_template="/suggest/correction/remedies/{}/",
                weight=1,
            ),
            Target(
                f"/suggest/correction/remedies/{remedy}/for/{ailment}/",
                both,
                suggestion,
                path_template=f"/suggest/correction/remedies/{remedy}/for/{{}}/",
                weight=1.5,
            ),
            Target(
                f"/suggest/correction/ailments/{ailment}/",
                both,
                suggestion,
                path_template="/suggest/correction/ailments/{}/",
                weight=1,
            ),
        ]

    def admin_targets(self) -> list[Target]:
        from .base import instance_of

        request = RequestFactory().get("/admin/")
        request.user = self.superuser
        targets = []
        for model, model_admin in admin_site._registry.items():
            label = model._meta.label_lower
            base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            obj = instance_of(label, self)
            persona = "editor" if label in CONTENT_MODELS else "superuser"
            fields = admin_fields(model_admin, request)
            action = ("action", "_selected_action", "index", "select_across")
            # Content models get most of the admin's share; admin pages are
            # the slowest to render, so each model's pages share a small weight.
            weight = 0.3 if label in CONTENT_MODELS else 0.1
            targets += [
                Target(
                    base,
                    ("GET", "POST"),
                    action,
                    ADMIN_PARAMS,
                    persona=persona,
                    weight=2 * weight,
                ),
                Target(
                    f"{base}add/",
                    ("GET", "POST"),
                    fields,
                    ("_popup", "_to_field"),
                    persona=persona,
                    weight=weight,
                ),
                Target(
                    f"{base}{obj.pk}/change/",
                    ("GET", "POST"),
                    fields,
                    ("_changelist_filters",),
                    path_template=f"{base}{{}}/change/",
                    persona=persona,
                    weight=weight,
                ),
                Target(
                    f"{base}{obj.pk}/delete/",
                    ("GET", "POST"),
                    ("post",),
                    persona=persona,
                    weight=weight / 2,
                ),
                Target(
                    f"{base}{obj.pk}/history/",
                    persona=persona,
                    path_template=f"{base}{{}}/history/",
                    weight=weight / 2,
                ),
            ]
        return targets

    # Building and sending one request

    def build(
        self, rng: random.Random, target: Target, header_rng: random.Random
    ) -> HostileRequest:
        persona = target.persona or rng.choice(
            ["visitor", "member", "member", "unverified", "editor", "superuser"]
        )
        path = target.url
        if target.path_template and (not target.url or rng.random() < 0.3):
            path = target.path_template.format(hostile_segment(rng))
        roll = rng.random()
        method = rng.choice(target.methods) if roll < 0.85 else rng.choice(METHODS)
        req = HostileRequest(persona=persona, method=method, path=path)
        if rng.random() < 0.6:
            req.query = query_string(rng, target.params)
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            if rng.random() < 0.15:
                req.data, req.content_type = raw_body(rng, target.fields)
            else:
                req.data = form_data(rng, target.fields)
                if rng.random() < 0.5:
                    req.content_type = "application/x-www-form-urlencoded"
            if method == "POST" and persona != "visitor" and rng.random() < 0.25:
                req.csrf = rng.choice(["none", "bad", "good"])
        if rng.random() < 0.3:
            for header, choices in rng.sample(sorted(HTMX_HEADERS.items()), 2):
                req.headers[header] = rng.choice(choices)
            req.headers.setdefault("HTTP_HX_REQUEST", "true")
        if rng.random() < 0.05:
            req.headers["HTTP_REFERER"] = rng.choice(VALUES)[:500]
        if rng.random() < 0.03:
            req.headers["HTTP_ACCEPT_LANGUAGE"] = rng.choice(VALUES)[:500]
        # Any request header, HX-* included, with a hostile value; drawn from
        # a generator of its own, so the rest of the corpus stays as it was.
        if header_rng.random() < HEADER_SHARE:
            count = header_rng.choice([1, 1, 2, 3])
            for header in header_rng.sample(sorted(HEADERS), count):
                req.headers[header] = header_value(header_rng, header)
        return req

    def sign_in(self, clients: dict) -> None:
        """Sign everyone in again: the last batch's sessions were rolled back with it.

        The clients themselves are made once: each loads the middleware anew.
        """
        for persona, client in clients.items():
            client.cookies.clear()
            if (
                user := self.person("member" if persona == "csrf" else persona)
            ) is not None:
                client.force_login(user)
        clients["csrf"].get("/account/")  # sets the CSRF cookie

    def send(self, clients: dict, req: HostileRequest):
        client = clients["csrf"] if req.csrf else clients[req.persona]
        data = req.data
        content_type = req.content_type or MULTIPART_CONTENT
        if isinstance(data, dict):
            data = dict(data)
            if req.csrf == "good":
                data["csrfmiddlewaretoken"] = client.cookies[
                    settings.CSRF_COOKIE_NAME
                ].value
            elif req.csrf == "bad":
                data["csrfmiddlewaretoken"] = "x" * 64
            if content_type == MULTIPART_CONTENT:
                data = encode_multipart(BOUNDARY, data)
            else:
                data = urlencode(data, doseq=True).encode()
        path = req.path + (f"?{req.query}" if req.query else "")
        # Header values as a server hands them on: the bytes sent (UTF-8 here)
        # read as Latin-1, one character per byte.
        headers = {
            name: value.encode("utf-8", "surrogatepass").decode("latin-1")
            for name, value in req.headers.items()
        }
        return client.generic(
            req.method, path, data=data or b"", content_type=content_type, **headers
        )

    def corpus(self) -> list[tuple[int, object]]:
        """The fixed REQUESTS requests, each with its batch number: the same on every run."""
        rng = random.Random(SEED)
        header_rng = random.Random(SEED + 1)
        targets = self.targets()
        weights = [t.weight for t in targets]
        return [
            (
                n // BATCH + 1,
                self.build(rng, rng.choices(targets, weights)[0], header_rng),
            )
            for n in range(REQUESTS)
        ]

    def test_every_header_is_fuzzed(self):
        headers_sent: Counter[str] = Counter()
        for _, req in self.corpus():
            headers_sent.update(list(req.headers))
        rarely_sent = {h: headers_sent[h] for h in HEADERS}
        rarely_sent = {h: n for h, n in rarely_sent.items() if n < HEADER_MIN_SENT}
        self.assertEqual(rarely_sent, {}, "headers the corpus hardly fuzzed")

    # The corpus is sent in SHARDS parts, so the suite's workers share it.
    def test_hostile_requests_never_cause_a_server_error_part_1(self):
        self.send_part(0)

    def test_hostile_requests_never_cause_a_server_error_part_2(self):
        self.send_part(1)

    def test_hostile_requests_never_cause_a_server_error_part_3(self):
        self.send_part(2)

    def test_hostile_requests_never_cause_a_server_error_part_4(self):
        self.send_part(3)

    def send_part(self, part: int) -> None:
        mine = [(b, req) for b, req in self.corpus() if b % SHARDS == part]
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        empty_refusals: list[str] = []
        started = time.perf_counter()
        cpu_started = time.process_time()
        clients = {
            p: self.client_class()
            for p in ("visitor", "unverified", "member", "editor", "superuser")
        }
        clients["csrf"] = self.client_class(enforce_csrf_checks=True)
        for batch in sorted({b for b, _ in mine}):
            # Every other batch behind a trusted proxy, so X-Forwarded-For is
            # read as well as ignored; every third with pages stored, as in
            # production.
            with (
                transaction.atomic(),
                override_settings(
                    TRUSTED_PROXY_COUNT=batch % 2,
                    PAGE_CACHE_SECONDS=60 if batch % 3 == 0 else 0,
                ),
            ):
                self.sign_in(clients)
                for _, req in (item for item in mine if item[0] == batch):
                    try:
                        with transaction.atomic():
                            r = self.send(clients, req)
                    except Exception:  # noqa: BLE001 - every one is a finding
                        statuses[500] += 1
                        failures.append(f"{req.describe()}\n{traceback.format_exc()}")
                        continue
                    statuses[r.status_code] += 1
                    if r.status_code >= 500:
                        failures.append(f"{r.status_code}: {req.describe()}")
                    elif (
                        400 <= r.status_code < 500
                        and req.method != "HEAD"
                        and r.status_code not in (405, 429)
                        # Browsers' CSP reports: nobody reads the answer.
                        and not req.path.startswith("/csp-report/")
                        and not r.content.strip()
                    ):
                        empty_refusals.append(f"{r.status_code}: {req.describe()}")
                transaction.set_rollback(True)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        report = (
            f"\nfuzz, part {part + 1} of {SHARDS}: {len(mine)} hostile requests in "
            f"{elapsed:.1f} s ({cpu:.1f} s of CPU); statuses "
            + ", ".join(f"{s}×{n}" for s, n in sorted(statuses.items()))
            + f"; 5xx: {sum(n for s, n in statuses.items() if s >= 500)}\n"
        )
        sys.stdout.write(report)
        if path := os.environ.get("FUZZ_REPORT"):
            with open(f"{path}.{part + 1}", "w") as f:
                f.write(report + "\n\n".join(failures + empty_refusals))
        self.assertEqual(sum(statuses.values()), len(mine))
        self.assertEqual(failures[:10], [], f"{len(failures)} server errors")
        self.assertEqual(empty_refusals[:10], [], "refusals without a page")


@override_settings(DISCUSSION_POST_INTERVAL=0)
class RefusalTests(SecurityTestCase):
    """A sample of refusals: each says what is wrong beside the field and keeps what was typed."""

    def test_a_comment_too_long_is_refused_beside_the_field_with_the_text_kept(self):
        self.client.force_login(self.member)
        text = "My long story. " * 400  # 6,000 characters
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            r = self.client.post(
                f"/discussions/remedies/{self.remedy.slug}/", {"text": text}, **headers
            )
            self.assertEqual(r.status_code, 200)
            self.assertContains(r, "Please keep it to 5,000 characters or fewer")
            self.assertContains(r, text.strip())

    def test_a_display_name_too_long_is_refused_with_the_name_kept(self):
        self.client.force_login(self.member)
        r = self.client.post("/account/", {"display_name": "N" * 80})
        self.assertContains(r, "at most 50 characters")
        self.assertContains(r, 'value="' + "N" * 80 + '"')

    def test_search_terms_with_nul_bytes_and_bad_pages_are_answered(self):
        for params in [
            {"q": "heat\x00"},
            {"q": "\x00"},
            {"q": "heat", "kind": "remedy", "page": "-1"},
            {"q": "heat", "kind": "remedy", "page": "abc"},
            {"q": "heat", "kind": "remedy", "page": "9" * 40},
            {"q": "'; DROP TABLE search_searchentry; --"},
            {"q": "a:* & !b | (c"},
        ]:
            r = self.client.get("/search/", params)
            self.assertEqual(r.status_code, 200, params)
        for url in [
            "/remedies/?page=-1",
            "/remedies/?page=abc&category=xyz",
            "/ailments/?page=99999999999999999999",
            f"/ailments/{self.ailment.slug}/?order=xyz&page=0",
            f"{self.page.get_absolute_url()}?comment_page=-1&comment_order=xyz",
            f"{self.page.get_absolute_url()}?comment_page={'9' * 5000}",
        ]:
            r = self.client.get(url)
            self.assertIn(r.status_code, {200, 404}, url)
            if r.status_code == 404:
                self.assertContains(r, "We can’t find that page", status_code=404)


class CommentTextPropertyTests(SecurityTestCase):
    """Any text at all, posted as a comment: stored as typed, or refused with it kept."""

    @override_settings(DISCUSSION_POST_INTERVAL=0)
    def test_any_text(self):
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        from discussions.models import Comment

        self.client.force_login(self.member)
        url = f"/discussions/remedies/{self.remedy.slug}/"
        sent = []

        @settings(
            max_examples=60,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(
            st.text(max_size=6000)
            | st.text(st.characters(), min_size=4990, max_size=5010)
        )
        def post(text):
            sent.append(text)
            with transaction.atomic():
                before = Comment.objects.count()
                r = self.client.post(url, {"text": text})
                stored = Comment.objects.count() - before
                transaction.set_rollback(True)
            self.assertIn(r.status_code, {200, 302}, repr(text[:80]))
            if r.status_code == 302:
                self.assertEqual(stored, 1)
                return
            # Refused: the reason is beside the field and nothing was stored.
            self.assertContains(r, 'aria-invalid="true"')
            self.assertEqual(stored, 0)

        post()
        self.assertGreaterEqual(len(sent), 60)
