from django.test import override_settings
from django.urls import reverse

from remedies.models import EvidencePage
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_page,
    make_remedy,
    session_queries,
    set_tally,
    within_one_rate_window,
)
from votes.models import Vote

HTMX = {"HTTP_HX_REQUEST": "true"}


class VoteViewTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Heat Therapy", slug="heat")
        cls.ailment = make_ailment(name="Low back pain", slug="back")
        cls.page = make_page(cls.remedy, cls.ailment, up=3, down=1)
        cls.url = reverse("votes:vote", args=["heat", "back"])
        cls.page_url = cls.page.get_absolute_url()

    def tally(self):
        page = EvidencePage.objects.get(pk=self.page.pk)
        return page.votes_up, page.votes_down

    # Visitors meet the login wall and record nothing.

    def test_visitor_is_sent_to_sign_in_and_back(self):
        r = self.client.post(self.url, {"vote": "up"})
        self.assertRedirects(
            r,
            "/accounts/login/?next=%2Fremedies%2Fheat%2Ffor%2Fback%2F%23vote-box",
            fetch_redirect_response=False,
        )
        self.assertEqual(Vote.objects.count(), 0)

    def test_visitor_htmx_vote_redirects_the_whole_page_to_sign_in(self):
        r = self.client.post(self.url, {"vote": "up"}, **HTMX)
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r["HX-Redirect"].startswith("/accounts/login/?next="))
        self.assertEqual(Vote.objects.count(), 0)

    def test_visitor_sees_a_sign_in_link_in_place_of_the_vote_buttons(self):
        r = self.client.get(self.page_url)
        self.assertContains(r, "Sign in to vote")
        self.assertContains(
            r, "/accounts/login/?next=/remedies/heat/for/back/%23vote-box"
        )
        self.assertNotContains(r, 'name="vote"')

    # Unverified members are refused with a message.

    def test_unverified_member_is_refused_with_a_message(self):
        self.client.force_login(self.unverified)
        r = self.client.post(self.url, {"vote": "up"}, follow=True)
        self.assertContains(r, "Please verify your email address before voting.")
        r = self.client.post(self.url, {"vote": "up"}, **HTMX)
        self.assertContains(r, "Please verify your email address before voting.")
        self.assertEqual(Vote.objects.count(), 0)
        self.assertEqual(self.tally(), (3, 1))

    # Members vote, change their mind and withdraw, plain and with htmx.

    def test_member_votes_with_a_plain_form(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"vote": "up"})
        self.assertRedirects(
            r, self.page_url + "#vote-box", fetch_redirect_response=False
        )
        self.assertEqual(self.tally(), (4, 1))
        r = self.client.get(self.page_url)
        self.assertContains(r, "Thanks, your vote is counted.")
        self.assertContains(r, 'value="up" aria-pressed="true"')
        self.assertContains(r, 'value="down" aria-pressed="false"')
        self.assertContains(r, "80% found it helpful")
        self.assertContains(r, "5 votes")

    def test_member_votes_with_htmx_and_the_vote_box_is_redrawn(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"vote": "down"}, **HTMX)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(self.tally(), (3, 2))
        html = r.content.decode()
        assert html.lstrip().startswith('<div class="vote-box" id="vote-box">')
        assert "<html" not in html
        self.assertContains(r, 'value="down" aria-pressed="true"')
        self.assertContains(r, "Thanks, your vote is counted.")
        # What else the vote changed is redrawn out of band, from the page's
        # own partials: the summary card's figure (said once, there, not in
        # the vote box) and whether it and the evidence grade disagree.
        box = html[: html.index("</form>")]
        self.assertNotIn("found it helpful", box)
        self.assertEqual(html.count("data-hx-swap-oob"), 3)
        self.assertInHTML(
            '<div class="summary__fact summary__fact--crowd" id="community-figure" '
            'data-hx-swap-oob="true"><dt>Community rating</dt><dd><span class="eff">'
            '<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false"><rect class="bar__track" '
            'width="100" height="8"/><rect class="bar__fill" width="60" height="8"/>'
            '</svg><span class="eff__text"><strong>60% found it helpful</strong> '
            '<span class="eff__votes">5 votes</span></span></span></dd></div>',
            html,
        )  # 3 of 5
        self.assertInHTML(
            '<div class="summary__note" id="crowd-evidence" data-hx-swap-oob="true">'
            "</div>",
            html,
        )
        # Beside the vote box, the offer to follow what they voted on.
        self.assertInHTML(
            '<p class="follow__offer">You voted on this page. Follow Heat Therapy or '
            "Low back pain to hear of new evidence and of safety updates.</p>",
            html,
        )
        self.assertIn('<div class="follow" id="follow" data-hx-swap-oob="true">', html)
        # Its forms bring a member without JavaScript back to the page.
        self.assertEqual(html.count(f'name="next" value="{self.page_url}"'), 2)
        # The remedy's figures as a whole are on the remedy page: nothing more.
        self.assertNotContains(r, "Overall effectiveness")

    def test_the_vote_that_makes_the_figures_disagree_says_so_at_once(self):
        # 14 of 19 with grade D: too few votes to say; the 20th, up, makes
        # 75% of 20 against very weak evidence.
        set_tally(self.page, 14, 5)
        EvidencePage.objects.filter(pk=self.page.pk).update(grade="D")
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"vote": "up"}, **HTMX)
        self.assertContains(r, "Members and the research point different ways")
        self.assertContains(r, "75% found it helpful")
        r = self.client.post(self.url, {"vote": "retract"}, **HTMX)
        self.assertNotContains(r, "Members and the research point different ways")
        self.assertContains(r, "74% found it helpful")

    def test_member_changes_and_withdraws_their_vote(self):
        self.client.force_login(self.member)
        for headers in ({}, HTMX):
            self.client.post(self.url, {"vote": "up"}, **headers)
            self.assertEqual(self.tally(), (4, 1))
            self.client.post(self.url, {"vote": "down"}, **headers)
            self.assertEqual(self.tally(), (3, 2))
            self.assertEqual(Vote.objects.filter(member=self.member).count(), 1)
            r = self.client.post(self.url, {"vote": "retract"}, **headers)
            self.assertEqual(self.tally(), (3, 1))
            self.assertEqual(Vote.objects.count(), 0)
        self.assertContains(r, "Your vote was withdrawn.")
        self.assertContains(r, 'value="up" aria-pressed="false"')

    def test_a_bad_choice_is_refused_and_nothing_changes(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"vote": "sideways"}, **HTMX)
        self.assertContains(r, "Choose whether it helped or not.")
        r = self.client.post(self.url, {}, follow=True)
        self.assertContains(r, "Choose whether it helped or not.")
        self.assertEqual(self.tally(), (3, 1))

    def test_get_does_nothing(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url, {"vote": "up"})
        self.assertEqual(r.status_code, 405)
        self.assertEqual(Vote.objects.count(), 0)

    def test_unpublished_or_missing_page_is_404(self):
        self.client.force_login(self.member)
        EvidencePage.objects.filter(pk=self.page.pk).update(is_published=False)
        self.assertEqual(self.client.post(self.url, {"vote": "up"}).status_code, 404)
        missing = reverse("votes:vote", args=["heat", "nope"])
        self.assertEqual(self.client.post(missing, {"vote": "up"}).status_code, 404)
        self.assertEqual(Vote.objects.count(), 0)

    @override_settings(VOTE_RATE_LIMIT=3)
    @within_one_rate_window()
    def test_votes_are_rate_limited_per_member(self):
        self.client.force_login(self.member)
        for choice in ("up", "down", "up"):
            self.client.post(self.url, {"vote": choice})
        r = self.client.post(self.url, {"vote": "down"}, **HTMX)
        self.assertContains(r, "You’re voting very quickly.")
        self.assertEqual(self.tally(), (4, 1))  # the refused "down" changed nothing
        # Another member is not affected.
        self.client.force_login(self.other_member)
        self.client.post(self.url, {"vote": "down"})
        self.assertEqual(self.tally(), (4, 2))

    def test_next_sends_the_member_back_to_their_account_but_never_offsite(self):
        self.client.force_login(self.member)
        self.client.post(self.url, {"vote": "up"})
        r = self.client.post(self.url, {"vote": "retract", "next": "/account/"})
        self.assertRedirects(r, "/account/", fetch_redirect_response=False)
        r = self.client.post(self.url, {"vote": "up", "next": "https://evil.example/"})
        self.assertRedirects(
            r, self.page_url + "#vote-box", fetch_redirect_response=False
        )

    def test_after_a_vote_every_page_agrees(self):
        other = make_page(self.remedy, make_ailment(name="Neck pain"), up=6, down=0)
        self.client.force_login(self.member)
        self.client.post(self.url, {"vote": "down"})  # back pain: 3 up, 2 down
        remedy_page = self.client.get(self.remedy.get_absolute_url())
        # Pooled: 9 up of 11 = 82%.
        self.assertContains(remedy_page, "<dt>Total votes</dt><dd>11</dd>", html=True)
        self.assertContains(
            remedy_page, "<dt>Overall effectiveness</dt><dd>82%</dd>", html=True
        )
        self.assertContains(remedy_page, "60% found it helpful")
        ailment_page = self.client.get(self.ailment.get_absolute_url())
        self.assertContains(ailment_page, "60% found it helpful")
        self.assertContains(ailment_page, "5 votes")
        neck = self.client.get(other.get_absolute_url())
        self.assertContains(neck, "100% found it helpful")  # its own figure
        self.assertContains(neck, "60% found it helpful")  # back pain, listed

    def test_member_evidence_page_query_count(self):
        self.client.force_login(self.member)
        self.client.post(self.url, {"vote": "up"})
        # The session (none from Redis), 1 user, then the page's 6 queries
        # (the last is the empty discussion's counts), and the member's own
        # parts: 8 unread notices, 9 what they follow and watch, 10 their
        # vote; the messages after the redirect add none.
        expected = session_queries() + 10
        with self.assertNumQueries(expected):
            self.client.get(self.page_url)
        for _ in range(10):
            make_page(self.remedy, up=5, down=2, steps=2)
        with self.assertNumQueries(expected):
            r = self.client.get(self.page_url)
        self.assertContains(r, 'value="up" aria-pressed="true"')

    @override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }
    )
    def test_htmx_vote_query_count(self):
        # The rate-limit counter is kept out of SQL (as with Redis in production):
        # 1 the page's tallies and names, 2 session, 3 user; on SQLite the
        # vote's transaction: 4 savepoint, 5 verified email, 6 change the vote
        # (none), 7 insert it, 8 move the tallies, 9 the score, 10 release.
        # PostgreSQL: 1 the page, 2 user (the session is in the cache), and
        # the vote's one statement (in a savepoint here, inside the test's
        # transaction). The vote box and the summary card's figure show the
        # vote's own answer: nothing is read again, the grade included. Then
        # one statement for the offer to follow (what the member follows).
        self.client.force_login(self.member)
        from django.db import connection

        expected = 11 if connection.vendor == "sqlite" else 6
        with self.assertNumQueries(expected):
            r = self.client.post(self.url, {"vote": "up"}, **HTMX)
        self.assertContains(r, 'value="up" aria-pressed="true"')
