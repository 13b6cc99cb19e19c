"""Members' data is health data: the privacy page, the export, the admin, the logs."""

from __future__ import annotations

import json
import logging
import uuid

from django.urls import reverse

from discussions import services as discussions
from discussions.models import Flag
from search.services import rebuild_index
from tests.helpers import (
    PASSWORD,
    SiteTestCase,
    make_ailment,
    make_comment,
    make_page,
    make_remedy,
    session_queries,
)
from votes.models import Vote
from votes.services import cast_vote


class PrivacyPageTests(SiteTestCase):
    url = reverse("privacy")

    def test_it_says_what_is_kept_why_and_for_how_long(self):
        with self.assertNumQueries(0):
            r = self.client.get(self.url)
        for words in (
            "Your email address",
            "Your votes",
            "Everyone else, editors included, sees only each page’s totals",
            "deleted after 30 days",
            "We do not use analytics, advertising, trackers",
            "Download my data",
            "not medical advice",
        ):
            self.assertContains(r, words)

    def test_every_page_links_to_it_and_the_sitemap_lists_it(self):
        self.assertContains(self.client.get("/"), f'<a href="{self.url}">Privacy')
        sitemap = self.client.get("/sitemap-site.xml")
        self.assertContains(sitemap, f"{self.url}</loc>")


class ExportTests(SiteTestCase):
    url = reverse("accounts:export_data")

    def test_a_visitor_is_sent_to_sign_in(self):
        r = self.client.get(self.url)
        self.assertRedirects(
            r, f"/accounts/login/?next={self.url}", fetch_redirect_response=False
        )

    def test_a_member_downloads_everything_held_about_them_and_nothing_else(self):
        sciatica = make_ailment(name="Sciatica")
        mine = make_page(make_remedy(name="Stretches"), sciatica)
        theirs = make_page(make_remedy(name="Ice"), sciatica)
        cast_vote(member=self.member, page=mine, value=Vote.Value.UP)
        cast_vote(member=self.other_member, page=theirs, value=Vote.Value.DOWN)
        said = make_comment(
            mine, author=self.member, text="Helped my back <b>a lot</b>"
        )
        reply = make_comment(parent=said, author=self.member, text="Still fine.")
        other = make_comment(mine, author=self.other_member, text="Not for me.")
        discussions.flag_comment(member=self.member, comment=other, reason="spam")
        self.client.force_login(self.member)
        rebuild_index()  # only a search that finds something is remembered
        self.client.get(reverse("search:remember"), {"q": "sciatica"})

        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/json")
        self.assertRegex(
            r["Content-Disposition"],
            r'^attachment; filename="remedies-my-data-\d{4}-\d\d-\d\d\.json"$',
        )
        self.assertIn("no-store", r["Cache-Control"])
        data = json.loads(r.content)
        self.assertEqual(data["account"]["email"], self.member.email)
        self.assertEqual(data["account"]["display_name"], "Alice")
        self.assertEqual(
            data["email_addresses"],
            [{"email": self.member.email, "verified": True, "primary": True}],
        )
        self.assertEqual(len(data["votes"]), 1)
        self.assertEqual(data["votes"][0]["remedy"], "Stretches")
        self.assertEqual(data["votes"][0]["vote"], "it helped")
        self.assertEqual(data["votes"][0]["url"], mine.get_absolute_url())
        self.assertEqual(
            [c["text"] for c in data["comments"]],
            ["Helped my back <b>a lot</b>", "Still fine."],
        )
        self.assertEqual(data["comments"][1]["in_reply_to"], said.pk)
        self.assertEqual(data["comments"][0]["on"]["ailment"], "Sciatica")
        self.assertEqual(
            data["flags"],
            [
                {
                    **data["flags"][0],
                    "comment": other.pk,
                    "reason": "Spam or advertising",
                }
            ],
        )
        self.assertEqual(data["recent_searches"], ["sciatica"])
        body = r.content.decode()
        self.assertNotIn("Ice", body)
        self.assertNotIn("Not for me.", body)
        self.assertNotIn(self.other_member.email, body)
        self.assertEqual(reply.author, self.member)

    def test_the_account_page_offers_it(self):
        self.client.force_login(self.member)
        r = self.client.get(reverse("accounts:profile"))
        self.assertContains(r, f'href="{self.url}" download>Download my data</a>')

    def test_query_count_is_fixed_whatever_the_amount_of_data(self):
        # 1 session, 2 member, 3 emails, 4 votes, 5 comments, 6 flags, and the
        # community part: 7 email choice, 8 follows, 9 watches, 10 notices,
        # 11 suggestions.
        self.client.force_login(self.member)
        for size in (1, 10):
            for _ in range(size):
                page = make_page()
                cast_vote(member=self.member, page=page, value=Vote.Value.UP)
                comment = make_comment(page, author=self.other_member)
                make_comment(page, author=self.member)
                Flag.objects.create(comment=comment, member=self.member, reason="spam")
            with self.assertNumQueries(session_queries() + 10):
                r = self.client.get(self.url)
            self.assertEqual(len(json.loads(r.content)["votes"]), {1: 1, 10: 11}[size])


class VoteAdminPrivacyTests(SiteTestCase):
    def test_editors_never_see_who_cast_a_vote(self):
        page = make_page()
        cast_vote(member=self.member, page=page, value=Vote.Value.DOWN)
        vote = Vote.objects.get()
        self.client.force_login(self.editor)
        changelist = reverse("admin:votes_vote_changelist")
        self.assertNotContains(self.client.get(changelist), self.member.email)
        r = self.client.get(reverse("admin:votes_vote_change", args=[vote.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, self.member.email)
        self.assertNotContains(r, "Alice")
        # Nor list one member's votes by filtering on them.
        for param in ("member", "member__id__exact", "member__email"):
            r = self.client.get(changelist, {param: self.member.pk})
            self.assertEqual(r.status_code, 400, param)


class LogTests(SiteTestCase):
    """Logs carry no email addresses, vote choices, comment text or search terms."""

    def test_a_whole_visit_logs_nothing_personal(self):
        records: list[logging.LogRecord] = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append(record)

        root = logging.getLogger()
        handler, level = Keep(level=logging.DEBUG), root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        self.addCleanup(root.removeHandler, handler)
        self.addCleanup(root.setLevel, level)

        page = make_page(make_remedy(name="Stretches"), make_ailment(name="Sciatica"))
        self.client.post(
            reverse("account_login"),
            {"login": self.member.email, "password": "wrong password"},
        )
        self.client.post(
            reverse("account_login"), {"login": self.member.email, "password": PASSWORD}
        )
        vote_url = reverse("votes:vote", args=[page.remedy.slug, page.ailment.slug])
        self.client.post(vote_url, {"vote": "down"})
        self.client.post(
            reverse(
                "discussions:post_comment", args=[page.remedy.slug, page.ailment.slug]
            ),
            {"text": "My private story about my back", "token": str(uuid.uuid4())},
        )
        self.client.get(reverse("search:remember"), {"q": "embarrassing symptom"})
        self.client.get("/no-such-page/?q=embarrassing+symptom")
        self.assertTrue(Vote.objects.filter(member=self.member).exists())
        self.assertTrue(page.comments.exists())

        # What the console handler writes: the message (with any traceback).
        formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
        logged = "\n".join(formatter.format(r) for r in records)
        self.assertIn("Not Found: /no-such-page/", logged)
        for secret in (
            self.member.email,
            "My private story",
            "embarrassing",
            "value=-1",
            "'down'",
        ):
            self.assertNotIn(secret, logged)
