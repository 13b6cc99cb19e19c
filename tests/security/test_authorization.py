"""Who may open what: every URL pattern of the project × every kind of person.

The table below has a row for every route the project answers (a new route
without a row fails `test_every_route_has_a_row`). Each row gives the status
of a GET, and of a POST for routes that act, for a visitor, an unverified
member, the member who owns the things the URLs point at, another member, an
editor and a superuser, in that order. "L" is a redirect to the site's sign-in
page and "A" a redirect to the admin's (which sends people to the same
sign-in, and refuses members who are not staff).

Every cell runs in a transaction that is rolled back, so a delete in one cell
does not change the next.
"""

from __future__ import annotations

from django.db import transaction
from django.test import override_settings

from accounts.models import User
from discussions.models import Comment
from remedies.models import EvidencePage
from search.models import SearchEntry
from tests.helpers import PASSWORD, make_comment, make_member
from votes.models import Vote

from .base import PERSONAS, SecurityTestCase, admin_models, routes

HTMX = {"HTTP_HX_REQUEST": "true"}

ALL_200 = "200 200 200 200 200 200"
ALL_405 = "405 405 405 405 405 405"
SIGNED_IN = "L 200 200 200 200 200"

# route: (GET, POST or None, POST data). The URLs point at a published remedy
# and evidence page and at a comment written by "member".
SITE: dict[str, tuple[str, str | None, dict]] = {
    "": (ALL_200, ALL_405, {}),
    "about/methods/": (ALL_200, ALL_405, {}),
    "about/privacy/": (ALL_200, ALL_405, {}),
    # Browsers' reports of CSP violations: an empty body is not a report.
    "csp-report/": (ALL_405, "400 400 400 400 400 400", {}),
    "robots.txt": (ALL_200, ALL_405, {}),
    # To the icon's hashed static file.
    "favicon.ico": ("302 302 302 302 302 302", ALL_405, {}),
    "healthz": (ALL_200, ALL_405, {}),
    "readyz": (ALL_200, ALL_405, {}),
    "sitemap.xml": (ALL_200, ALL_405, {}),
    "sitemap-<section>.xml": (ALL_200, ALL_405, {}),
    "remedies/": (ALL_200, ALL_405, {}),
    "remedies/<slug:slug>/": (ALL_200, ALL_405, {}),
    "remedies/<slug:slug>/for/<slug:ailment_slug>/": (ALL_200, ALL_405, {}),
    "remedies/<slug:slug>/for/<slug:ailment_slug>/share.png": (ALL_200, ALL_405, {}),
    # Unverified members are told to verify (a message), not counted.
    "remedies/<slug:slug>/for/<slug:ailment_slug>/vote/": (
        ALL_405,
        "L 302 302 302 302 302",
        {"vote": "up"},
    ),
    # Unverified members get the form back with the reason beside it.
    "discussions/remedies/<slug:slug>/": (
        SIGNED_IN,
        "L 200 302 302 302 302",
        {"text": "A new thread"},
    ),
    "discussions/remedies/<slug:slug>/for/<slug:ailment_slug>/": (
        SIGNED_IN,
        "L 200 302 302 302 302",
        {"text": "A new thread"},
    ),
    "discussions/<int:comment_id>/": (
        "302 302 302 302 302 302",
        ALL_405,
        {},
    ),
    "discussions/<int:comment_id>/reply/": (
        SIGNED_IN,
        "L 200 302 302 302 302",
        {"text": "A reply"},
    ),
    # Only the author and editors edit or delete a comment.
    "discussions/<int:comment_id>/edit/": (
        "L 403 200 403 200 200",
        "L 403 302 403 302 302",
        {"text": "Edited"},
    ),
    "discussions/<int:comment_id>/delete/": (
        "L 403 200 403 200 200",
        "L 403 302 403 302 302",
        {},
    ),
    # Anyone signed in flags others' comments; only verified members' flags count.
    "discussions/<int:comment_id>/flag/": (
        "L 200 403 200 200 200",
        "L 200 403 302 302 302",
        {"reason": "spam"},
    ),
    "account/": (SIGNED_IN, "L 302 302 302 302 302", {"display_name": "New name"}),
    # Deleting asks for the member's own password: the tick alone is refused.
    "account/delete/": (SIGNED_IN, "L 200 200 200 200 200", {"confirm": "on"}),
    # Everything the site holds about the member who asks, as JSON.
    "account/export/": (SIGNED_IN, "L 405 405 405 405 405", {}),
    # The community: a member's inbox and email settings; a notice opens for
    # its member only ("member" owns the one the URL names).
    "inbox/": (SIGNED_IN, "L 302 302 302 302 302", {}),
    "inbox/<int:notice_id>/": ("L 404 302 404 404 404", "L 405 405 405 405 405", {}),
    "notifications/": (SIGNED_IN, "L 302 302 302 302 302", {"email": "daily"}),
    # One-click unsubscribe: the signed link alone is enough, signed in or not.
    "unsubscribe/<int:member_id>/<str:token>/": (ALL_200, ALL_200, {}),
    "follow/remedies/<slug:slug>/": (ALL_405, "L 302 302 302 302 302", {}),
    "follow/ailments/<slug:ailment_slug>/": (ALL_405, "L 302 302 302 302 302", {}),
    "watch/remedies/<slug:slug>/": (ALL_405, "L 302 302 302 302 302", {}),
    "watch/remedies/<slug:slug>/for/<slug:ailment_slug>/": (
        ALL_405,
        "L 302 302 302 302 302",
        {},
    ),
    # Suggestions: unverified members get the form back with the reason.
    "suggest/remedy/": (
        SIGNED_IN,
        "L 200 302 302 302 302",
        {
            "name": "Tart cherry juice",
            "details": "Two small trials found longer sleep.",
        },
    ),
    # Heat for back pain has its page already: the form says so, for everyone.
    "suggest/pair/": (
        SIGNED_IN,
        "L 200 200 200 200 200",
        {"remedy": "Heat Therapy", "ailment": "Low back pain", "details": "x" * 20},
    ),
    "suggest/correction/remedies/<slug:slug>/": (
        SIGNED_IN,
        "L 200 302 302 302 302",
        {"details": "The hold should be 30 seconds.", "source": "PMID 28192789"},
    ),
    "suggest/correction/remedies/<slug:slug>/for/<slug:ailment_slug>/": (
        SIGNED_IN,
        "L 200 302 302 302 302",
        {"details": "The hold should be 30 seconds.", "source": "PMID 28192789"},
    ),
    "suggest/correction/ailments/<slug:ailment_slug>/": (
        SIGNED_IN,
        "L 200 302 302 302 302",
        {"details": "A red flag is missing here.", "source": "https://www.nhs.uk/"},
    ),
    "ailments/": (ALL_200, ALL_405, {}),
    "ailments/<slug:slug>/": (ALL_200, ALL_405, {}),
    "search/": (ALL_200, ALL_405, {}),
    "search/suggest/": ("302 302 302 302 302 302", ALL_405, {}),
    # The results page asks for it as an image, to note the search in the
    # session (rate limited per client: tests/security/test_trending_abuse.py).
    "search/remember/": (ALL_200, ALL_405, {}),
    "search/go/<int:pk>/": ("302 302 302 302 302 302", ALL_405, {}),
    "search/recent/": (ALL_200, ALL_405, {}),
    "search/recent/clear/": (
        ALL_405,
        "302 302 302 302 302 302",
        {},
    ),
    # django-allauth. Signed-in people are sent on from sign-in and sign-up.
    "accounts/login/": (
        "200 302 302 302 302 302",
        "200 302 302 302 302 302",
        {"login": "nobody@example.com", "password": "wrong"},
    ),
    "accounts/logout/": (
        "302 200 200 200 200 200",
        "302 302 302 302 302 302",
        {},
    ),
    "accounts/inactive/": (ALL_200, ALL_405, {}),
    "accounts/signup/": (
        "200 302 302 302 302 302",
        "200 302 302 302 302 302",
        {"email": "not-an-email"},
    ),
    "accounts/reauthenticate/": (
        SIGNED_IN,
        "L 200 200 200 200 200",
        {"password": "wrong"},
    ),
    # Confirming access by a code emailed to a verified address (members
    # without one are sent to confirm with their password); the confirm step
    # sends members who asked for no code back to ask for one.
    "accounts/reauthenticate/code/": ("L 302 200 200 200 200", None, {}),
    "accounts/reauthenticate/code/confirm/": ("L 302 302 302 302 302", None, {}),
    "accounts/email/": (SIGNED_IN, "L 302 302 302 302 302", {}),
    "accounts/confirm-email/": (ALL_200, ALL_405, {}),
    "accounts/password/change/": (SIGNED_IN, "L 200 200 200 200 200", {}),
    "accounts/password/set/": ("L 302 302 302 302 302", None, {}),
    "accounts/password/reset/": (ALL_200, ALL_200, {"email": "not-an-email"}),
    "accounts/login/code/confirm/": ("L 302 302 302 302 302", None, {}),
    # An unknown key: a page saying the link is not valid.
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": (
        ALL_200,
        "404 404 404 404 404 404",
        {},
    ),
    "accounts/password/reset/key/done/": (ALL_200, None, {}),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        ALL_200,
        ALL_200,
        {},
    ),
    "accounts/password/reset/done/": (ALL_200, None, {}),
}

STAFF_ONLY = "A A A A {editor} {superuser}"

# The admin's own pages. Members who are not staff are sent to sign in as
# staff, where they are refused; visitors are sent to sign in.
ADMIN_SITE: dict[str, tuple[str, str | None]] = {
    "admin/": ("A A A A 200 200", None),
    "admin/login/": ("L 403 403 403 302 302", None),
    "admin/logout/": ("302 302 302 302 405 405", "302 302 302 302 200 200"),
    "admin/password_change/": ("A A A A 200 200", "A A A A 200 200"),
    "admin/password_change/done/": ("A A A A 200 200", None),
    # Without the parameters a widget sends.
    "admin/autocomplete/": ("A A A A 403 403", None),
    "admin/jsi18n/": ("A A A A 200 200", None),
    "admin/r/<path:content_type_id>/<path:object_id>/": ("A A A A 302 302", None),
    "admin/^(?P<app_label>account|accounts|ailments|auth|community|discussions|django_tasks_database|remedies|search|votes)/$": (
        "A A A A 200 200",
        None,
    ),
    "admin/(?P<url>.*)$": ("A A A A 404 404", None),
}

# What each person may do with each model in the admin: view, add, change,
# delete. Editors curate content, look at votes and comments, and never
# manage people or the search index.
ADMIN_RIGHTS: dict[str, tuple[str, str]] = {
    # model: (editor, superuser)
    "auth.group": ("", "vacd"),
    "accounts.user": ("", "vacd"),
    "account.emailaddress": ("", "vacd"),
    "ailments.ailment": ("vacd", "vacd"),
    "remedies.category": ("vacd", "vacd"),
    "remedies.remedy": ("vacd", "vacd"),
    "remedies.evidencepage": ("vacd", "vacd"),
    "remedies.study": ("vacd", "vacd"),
    "remedies.product": ("vacd", "vacd"),
    # Votes and comments change only through the site and the moderation
    # actions; a vote deleted here would leave its page's tallies wrong.
    "votes.vote": ("v", "v"),
    "discussions.comment": ("v", "vd"),
    "discussions.flaggedcomment": ("v", "vd"),
    "search.searchentry": ("", "v"),
    # Members' suggestions: editors decide (change); nobody adds one here.
    "community.suggestion": ("vc", "vcd"),
    # The queue of background tasks: superusers look, nobody changes it.
    "django_tasks_database.dbtaskresult": ("", "v"),
    # Editors take terms out of Trending now.
    "search.hiddentrendingterm": ("vacd", "vacd"),
}


def _status(rights: str, need: str) -> str:
    return "200" if need in rights else "403"


def admin_rows() -> dict[str, tuple[str, str | None, dict]]:
    """Rows for every registered model's admin pages, from ADMIN_RIGHTS."""
    rows = {route: (get, post, {}) for route, (get, post) in ADMIN_SITE.items()}
    for model in admin_models():
        editor, superuser = ADMIN_RIGHTS[model.label]

        def row(need: str, post_need: str | None = "", e=editor, s=superuser):
            def cells(need):
                return STAFF_ONLY.format(
                    editor=_status(e, need), superuser=_status(s, need)
                )

            # A POST needs the same right as the GET, unless it saves (change).
            post = None if post_need is None else cells(post_need or need)
            return (cells(need), post, {})

        p = model.route_prefix
        rows[p] = row("v")  # the changelist; POST carries its actions
        rows[f"{p}add/"] = row("a")
        rows[f"{p}<path:object_id>/change/"] = row("v", post_need="c")
        rows[f"{p}<path:object_id>/delete/"] = row("d")
        rows[f"{p}<path:object_id>/history/"] = row("v", post_need=None)
        rows[f"{p}<path:object_id>/"] = ("A A A A 302 302", None, {})
        if model.label == "accounts.user":
            rows[f"{p}<id>/password/"] = row("c")
        if model.has_history:
            # django-simple-history's page of an earlier version, whose Save restores it.
            rows[f"{p}^([^/]+)/history/([^/]+)/$"] = row("c")
    return rows


def table() -> dict[str, tuple[str, str | None, dict]]:
    return {**SITE, **admin_rows()}


@override_settings(DISCUSSION_POST_INTERVAL=0)
class AuthorizationTableTests(SecurityTestCase):
    def test_every_route_has_a_row(self):
        """A new URL pattern needs a row here before it can ship."""
        rows = table()
        missing = [route for route in routes() if route not in rows]
        self.assertEqual(missing, [], "URL patterns without a row in the table")
        stale = [route for route in rows if route not in routes()]
        self.assertEqual(stale, [], "rows for URL patterns that no longer exist")

    def _check(self, route, method, spec, data, failures):
        url = self.url_for(route)
        for persona, want in zip(PERSONAS, spec.split(), strict=True):
            with transaction.atomic():
                client = self.client_for(persona)
                r = client.get(url) if method == "GET" else client.post(url, data)
                transaction.set_rollback(True)
            got = str(r.status_code)
            location = r.get("Location", "")
            if want == "L":
                ok = got == "302" and location.startswith("/accounts/login/")
            elif want == "A":
                ok = got == "302" and location.startswith("/admin/login/")
            else:
                ok = got == want
            if not ok:
                failures.append(
                    f"{method} {url} as {persona}: want {want}, got {got} {location}"
                )

    def test_every_route_answers_each_person_as_the_table_says(self):
        failures: list[str] = []
        for route, (get, post, data) in table().items():
            if route not in routes():
                continue  # reported by test_every_route_has_a_row
            self._check(route, "GET", get, data, failures)
            if post is not None:
                self._check(route, "POST", post, data, failures)
        self.assertEqual(failures, [], "\n".join(failures))


@override_settings(DISCUSSION_POST_INTERVAL=0)
class NobodyActsForSomeoneElseTests(SecurityTestCase):
    """Changing an id in a URL or a form never reaches what is someone else's."""

    def test_another_members_comment_cannot_be_edited_or_deleted(self):
        self.client.force_login(self.other_member)
        for url, data in [
            (f"/discussions/{self.comment.pk}/edit/", {"text": "Hijacked"}),
            (f"/discussions/{self.comment.pk}/delete/", {}),
        ]:
            for headers in ({}, HTMX):
                r = self.client.post(url, data, **headers)
                self.assertEqual(r.status_code, 403, url)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.text, "Mine")
        self.assertEqual(self.comment.state, Comment.State.PUBLISHED)

    def test_a_comment_field_in_the_form_does_not_choose_the_comment(self):
        # The member edits their own comment, naming Bob's in the body.
        self.client.force_login(self.member)
        r = self.client.post(
            f"/discussions/{self.comment.pk}/edit/",
            {"text": "Edited", "comment_id": self.others_comment.pk, "id": 1},
        )
        self.assertEqual(r.status_code, 302)
        self.others_comment.refresh_from_db()
        self.assertEqual(self.others_comment.text, "Bob's")

    def test_a_reply_is_always_by_the_signed_in_member(self):
        self.client.force_login(self.other_member)
        self.client.post(
            f"/discussions/{self.comment.pk}/reply/",
            {"text": "Who wrote this?", "author": self.member.pk},
        )
        reply = Comment.objects.get(text="Who wrote this?")
        self.assertEqual(reply.author, self.other_member)

    def test_a_vote_is_always_the_signed_in_members(self):
        url = f"{self.page.get_absolute_url()}vote/"
        self.client.force_login(self.other_member)
        for field in ("member", "member_id", "user", "user_id"):
            self.client.post(url, {"vote": "down", field: self.member.pk})
        self.client.post(url, {"vote": "retract", "member": self.member.pk})
        # Bob's vote came and went; Alice's is untouched.
        self.assertEqual(
            list(Vote.objects.values_list("member_id", "value")),
            [(self.member.pk, Vote.Value.UP)],
        )
        self.page.refresh_from_db()
        self.assertEqual((self.page.votes_up, self.page.votes_down), (1, 0))

    def test_the_account_page_shows_and_changes_only_ones_own_account(self):
        self.client.force_login(self.other_member)
        r = self.client.get("/account/", {"user": self.member.pk, "id": 1})
        self.assertContains(r, "Bob")
        # Alice voted on the page; Bob did not, so his account lists no vote.
        self.assertNotContains(r, f'action="{self.page.get_absolute_url()}vote/"')
        r = self.client.post(
            "/account/",
            {
                "display_name": "Bobby",
                "id": self.member.pk,
                "pk": self.member.pk,
                "email": "stolen@example.com",
                "is_staff": "on",
                "is_superuser": "on",
            },
        )
        self.assertEqual(r.status_code, 302)
        self.member.refresh_from_db()
        self.other_member.refresh_from_db()
        self.assertEqual(self.member.display_name, "Alice")
        self.assertEqual(self.other_member.display_name, "Bobby")
        self.assertEqual(self.other_member.email.endswith("@example.com"), True)
        self.assertNotEqual(self.other_member.email, "stolen@example.com")
        self.assertFalse(self.other_member.is_staff or self.other_member.is_superuser)

    def test_the_data_download_holds_only_ones_own(self):
        client = self.client_for("other")
        r = client.get(
            "/account/export/", {"user": self.member.pk, "id": self.member.pk}
        )
        self.assertEqual(r.status_code, 200)
        body = r.content.decode()
        self.assertIn(self.other_member.email, body)
        self.assertNotIn(self.member.email, body)
        self.assertNotIn("Mine", body)  # Alice's comment

    def test_deleting_an_account_deletes_only_ones_own(self):
        self.client.force_login(self.other_member)
        self.client.post(
            "/account/delete/",
            {
                "confirm": "on",
                "password": PASSWORD,
                "member": self.member.pk,
                "id": self.member.pk,
            },
        )
        self.assertTrue(User.objects.filter(pk=self.member.pk).exists())
        self.assertFalse(User.objects.filter(pk=self.other_member.pk).exists())
        self.assertTrue(Vote.objects.filter(member=self.member).exists())

    def test_drafts_are_not_found_by_their_address_except_by_editors(self):
        draft_page = EvidencePage.objects.create(
            remedy=self.draft, ailment=self.ailment, summary="s", grade="B"
        )
        urls = [self.draft.get_absolute_url(), draft_page.get_absolute_url()]
        for persona, want in [
            ("visitor", 404),
            ("member", 404),
            ("editor", 200),
            ("superuser", 200),
        ]:
            client = self.client_for(persona)
            for url in urls:
                self.assertEqual(client.get(url).status_code, want, (persona, url))
        # Nobody writes or votes on a draft, editors included.
        client = self.client_for("editor")
        for url, data in [
            (f"/discussions/remedies/{self.draft.slug}/", {"text": "Hi"}),
            (f"{draft_page.get_absolute_url()}vote/", {"vote": "up"}),
        ]:
            self.assertEqual(client.post(url, data).status_code, 404, url)

    def test_comments_on_drafts_are_not_reachable_by_id(self):
        hidden = make_comment(self.remedy, author=self.member, text="Before")
        type(self.remedy).objects.filter(pk=self.remedy.pk).update(is_published=False)
        client = self.client_for("other")
        for action in ("", "reply/", "edit/", "delete/", "flag/"):
            r = client.get(f"/discussions/{hidden.pk}/{action}")
            self.assertEqual(r.status_code, 404, action)

    def test_unknown_ids_are_not_found(self):
        client = self.client_for("editor")
        for url in [
            "/discussions/999999/edit/",
            "/discussions/999999/delete/",
            "/search/go/999999/",
            "/admin/remedies/remedy/999999/change/",
        ]:
            r = client.get(url)
            # The admin redirects to its index with a message for an unknown id.
            self.assertIn(r.status_code, {302, 404}, url)
            if r.status_code == 302:
                self.assertEqual(r["Location"], "/admin/")

    def test_an_unpublished_search_entry_is_not_opened(self):
        SearchEntry.objects.filter(pk=self.entry.pk).update(is_published=False)
        self.assertEqual(
            self.client.get(f"/search/go/{self.entry.pk}/").status_code, 404
        )

    def test_editors_cannot_reach_people_in_the_admin_by_id(self):
        client = self.client_for("editor")
        someone = make_member()
        for url in [
            f"/admin/accounts/user/{someone.pk}/change/",
            f"/admin/accounts/user/{someone.pk}/password/",
            f"/admin/accounts/user/{someone.pk}/delete/",
        ]:
            self.assertEqual(client.get(url).status_code, 403, url)
            self.assertEqual(
                client.post(url, {"post": "yes", "password1": "x"}).status_code, 403
            )
        self.assertTrue(User.objects.filter(pk=someone.pk).exists())
