"""Members share one rendering of an evidence page; their own vote and tokens are filled in."""

from __future__ import annotations

import re
from unittest import mock

from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from accounts.services import delete_account
from discussions.models import Comment
from remedies import member_pages
from tests.helpers import (
    make_ailment,
    make_comment,
    make_member,
    make_page,
    make_product,
    make_remedy,
    make_study,
)
from tests.site.test_page_cache import CachingOn
from votes.models import Vote
from votes.services import cast_vote

HTMX = {"HTTP_HX_REQUEST": "true"}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


class MemberPagesBase(CachingOn):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Stretches", slug="stretches")
        cls.page = make_page(
            cls.remedy, make_ailment(name="Sciatica", slug="sciatica"), up=3, down=1
        )
        cls.other_page = make_page(
            cls.remedy, make_ailment(name="Back pain", slug="back"), up=1
        )
        cls.url = cls.page.get_absolute_url()
        cls.vote_url = reverse("votes:vote", args=["stretches", "sciatica"])
        cls.third_member = make_member(display_name="Cleo")

    def signed_in(self, member, **kwargs):
        client = self.client_class(**kwargs)
        client.force_login(member)
        return client


class SharedPageTests(MemberPagesBase):
    def test_the_second_member_is_served_the_first_members_rendering(self):
        first = self.signed_in(self.member).get(self.url)
        self.assertEqual(first["X-Cache"], "member-miss")
        again = self.signed_in(self.other_member).get(self.url)
        self.assertEqual(again["X-Cache"], "member-hit")
        self.assertContains(again, "Your account")
        self.assertContains(again, "Add to the discussion")
        self.assertIn("Cookie", again["Vary"])

    def test_each_member_sees_their_own_vote(self):
        cast_vote(member=self.other_member, page=self.page, value=Vote.Value.DOWN)
        alice = self.signed_in(self.member)
        bob = self.signed_in(self.other_member)
        for client, pressed, withdraw in ((alice, None, False), (bob, "down", True)):
            r = client.get(self.url)
            self.assertTrue(r["X-Cache"].startswith("member-"))
            box = r.content.decode().split('id="vote-box"')[1].split("</form>")[0]
            up, down = re.findall(r'aria-pressed="(\w+)"', box)
            self.assertEqual(up, "false")
            self.assertEqual(down, "true" if pressed == "down" else "false")
            self.assertEqual("Withdraw my vote" in box, withdraw)
        self.assertEqual(bob.get(self.url)["X-Cache"], "member-hit")

    def test_a_shared_pages_forms_work_for_the_member_it_was_served_to(self):
        self.signed_in(self.member).get(self.url)  # fills the cache
        bob = self.signed_in(self.other_member, enforce_csrf_checks=True)
        r = bob.get(self.url)
        self.assertEqual(r["X-Cache"], "member-hit")
        tokens = set(CSRF.findall(r.content.decode()))
        self.assertEqual(len(tokens), 1)  # the same token in every form
        token = tokens.pop()
        voted = bob.post(self.vote_url, {"vote": "up", "csrfmiddlewaretoken": token})
        self.assertEqual(voted.status_code, 302)
        self.assertTrue(Vote.objects.filter(member=self.other_member).exists())
        # The comment form posts too.
        r = bob.get(self.url)
        posted = bob.post(
            reverse("discussions:post_comment", args=["stretches", "sciatica"]),
            {
                "text": "Helped after a week.",
                "comment_order": "newest",
                "token": TOKEN.search(r.content.decode())[1],
                "csrfmiddlewaretoken": CSRF.search(r.content.decode())[1],
            },
        )
        self.assertEqual(posted.status_code, 302)
        self.assertTrue(Comment.objects.filter(author=self.other_member).exists())

    def test_tokens_are_new_in_every_response(self):
        alice = self.signed_in(self.member)
        pages = [alice.get(self.url).content.decode() for _ in range(2)]
        pages.append(self.signed_in(self.other_member).get(self.url).content.decode())
        comment_tokens = [TOKEN.search(p)[1] for p in pages]
        self.assertEqual(len(set(comment_tokens)), 3)
        csrf_tokens = [CSRF.search(p)[1] for p in pages]
        self.assertEqual(len(set(csrf_tokens)), 3)
        for page in pages:
            self.assertNotIn(member_pages.CSRF_MARK, page)
            self.assertNotIn(member_pages.TOKEN_MARK, page)

    def test_two_members_posting_from_shared_pages_both_keep_their_comments(self):
        url = reverse("discussions:post_comment", args=["stretches", "sciatica"])
        clients = [self.signed_in(m) for m in (self.member, self.other_member)]
        forms = [c.get(self.url).content.decode() for c in clients]
        for client, form, text in zip(clients, forms, ("First", "Second"), strict=True):
            client.post(url, {"text": text, "token": TOKEN.search(form)[1]})
        self.assertEqual(
            sorted(Comment.objects.values_list("text", flat=True)), ["First", "Second"]
        )

    def test_the_shared_page_is_the_page_the_member_would_get_alone(self):
        make_comment(self.page, author=self.third_member, text="Worth a try.")
        cast_vote(member=self.other_member, page=self.page, value=Vote.Value.UP)
        self.signed_in(self.member).get(self.url)  # fills the cache
        bob = self.signed_in(self.other_member)
        shared = bob.get(self.url)
        self.assertEqual(shared["X-Cache"], "member-hit")
        with override_settings(PAGE_CACHE_SECONDS=0):
            alone = bob.get(self.url)
        self.assertNotIn("X-Cache", alone)

        def plain(response):
            html = response.content.decode()
            return TOKEN.sub("token", CSRF.sub("csrf", html))

        self.assertEqual(plain(shared), plain(alone))

    def test_stored_for_a_minute_at_most(self):
        cache = caches["pages"]
        with mock.patch.object(cache, "set", wraps=cache.set) as stored:
            self.signed_in(self.member).get(self.url)
        (call,) = [c for c in stored.call_args_list if c.args[0].startswith("member")]
        self.assertLessEqual(call.args[2], 60)


class RenderedAloneTests(MemberPagesBase):
    """Who is not served the shared page: their page shows something of theirs."""

    def setUp(self):
        super().setUp()
        self.signed_in(self.other_member).get(self.url)  # a shared page is stored

    def test_a_member_with_a_comment_on_the_page_gets_their_edit_and_delete(self):
        with self.captureOnCommitCallbacks(execute=True):
            make_comment(self.page, author=self.member, text="Mine.")
        r = self.signed_in(self.member).get(self.url)
        self.assertNotIn("X-Cache", r)
        self.assertContains(r, "Edit<span")
        self.assertContains(r, "Delete<span")
        # Others are shared a page with the comment, and without those buttons.
        r = self.signed_in(self.other_member).get(self.url)
        self.assertTrue(r["X-Cache"].startswith("member-"))
        self.assertContains(r, "Mine.")
        self.assertNotContains(r, "Edit<span")
        # ...which is stored now, and still not served to the author.
        r = self.signed_in(self.member).get(self.url)
        self.assertNotIn("X-Cache", r)
        self.assertContains(r, "Edit<span")

    def test_editors_get_their_moderation_buttons(self):
        make_comment(self.page, author=self.third_member, text="Theirs.")
        r = self.signed_in(self.editor).get(self.url)
        self.assertNotIn("X-Cache", r)
        self.assertContains(r, "Delete<span")

    def test_a_message_waiting_is_shown_not_shared(self):
        alice = self.signed_in(self.member)
        r = alice.post(self.vote_url, {"vote": "up"}, follow=True)
        self.assertNotIn("X-Cache", r)
        self.assertContains(r, "your vote is counted")
        self.assertEqual(alice.get(self.url)["X-Cache"], "member-miss")

    def test_htmx_requests_render_alone(self):
        r = self.signed_in(self.member).get(self.url, **HTMX)
        self.assertNotIn("X-Cache", r)

    def test_while_the_cache_cannot_say_what_is_current_pages_render_alone(self):
        with mock.patch("core.pagecache.versions", return_value=None):
            r = self.signed_in(self.member).get(self.url)
        self.assertNotIn("X-Cache", r)
        self.assertContains(r, "It helped")


class FreshnessTests(MemberPagesBase):
    """What a member does shows at once, to them and to every other member."""

    def test_a_vote_on_another_page_of_the_remedy_shows_at_once(self):
        alice = self.signed_in(self.member)
        before = alice.get(self.url)
        self.assertContains(before, "<dt>Total votes</dt><dd>5</dd>")  # 3 + 1, and 1
        self.assertEqual(alice.get(self.url)["X-Cache"], "member-hit")
        with self.captureOnCommitCallbacks(execute=True):
            self.signed_in(self.third_member).post(
                reverse("votes:vote", args=["stretches", "back"]), {"vote": "up"}
            )
        after = alice.get(self.url)
        self.assertEqual(after["X-Cache"], "member-miss")
        self.assertContains(after, "<dt>Total votes</dt><dd>6</dd>")

    def test_a_comment_shows_to_other_members_at_once(self):
        alice = self.signed_in(self.member)
        alice.get(self.url)
        with self.captureOnCommitCallbacks(execute=True):
            self.signed_in(self.third_member).post(
                reverse("discussions:post_comment", args=["stretches", "sciatica"]),
                {"text": "Day three: better."},
            )
        r = alice.get(self.url)
        self.assertEqual(r["X-Cache"], "member-miss")
        self.assertContains(r, "Day three: better.")

    def test_an_editors_correction_shows_at_once(self):
        alice = self.signed_in(self.member)
        alice.get(self.url)
        self.page.why_it_works = "A corrected explanation."
        self.page.save()
        r = alice.get(self.url)
        self.assertEqual(r["X-Cache"], "member-miss")
        self.assertContains(r, "A corrected explanation.")

    def test_a_commenters_new_name_shows_at_once(self):
        make_comment(self.page, author=self.third_member, text="Heat first.")
        alice = self.signed_in(self.member)
        self.assertContains(alice.get(self.url), "Cleo")
        cleo = self.signed_in(self.third_member)
        with self.captureOnCommitCallbacks(execute=True):
            cleo.post(reverse("accounts:profile"), {"display_name": "Cleo R"})
        r = alice.get(self.url)
        self.assertEqual(r["X-Cache"], "member-miss")
        self.assertContains(r, "Cleo R")

    def test_a_deleted_members_comments_show_as_theirs_no_longer_at_once(self):
        make_comment(self.page, author=self.third_member, text="Heat first.")
        alice = self.signed_in(self.member)
        self.assertContains(alice.get(self.url), "Cleo")
        with self.captureOnCommitCallbacks(execute=True):
            delete_account(member=self.third_member)
        r = alice.get(self.url)
        self.assertEqual(r["X-Cache"], "member-miss")
        self.assertContains(r, "Heat first.")
        self.assertNotContains(r, "Cleo")

    def test_the_discussions_order_and_page_are_part_of_the_key(self):
        for i in range(3):
            make_comment(self.page, author=self.third_member, text=f"Note {i}")
        alice = self.signed_in(self.member)
        newest = alice.get(self.url).content.decode()
        oldest = alice.get(self.url + "?comment_order=oldest")
        self.assertEqual(oldest["X-Cache"], "member-miss")
        text = oldest.content.decode()
        self.assertLess(text.index("Note 0"), text.index("Note 2"))
        self.assertLess(newest.index("Note 2"), newest.index("Note 0"))


class SharedPageQueryCountTests(MemberPagesBase):
    """Served from the shared rendering: the same four queries at any size."""

    def test_the_same_queries_with_ten_times_the_rows(self):
        for size in (1, 10):
            remedy = make_remedy()
            page = make_page(
                remedy,
                make_ailment(),
                steps=3 * size,
                studies=[make_study() for _ in range(3 * size)],
                up=size,
            )
            for _ in range(size):
                make_product(remedy)
                make_page(remedy, make_ailment(), up=size)
                make_comment(page, author=make_member())
            cast_vote(member=self.member, page=page, value=Vote.Value.UP)
            self.signed_in(self.other_member).get(page.get_absolute_url())
            member = self.signed_in(self.member)
            # Session, member, the page, their vote.
            with self.assertNumQueries(4):
                r = member.get(page.get_absolute_url())
            self.assertEqual(r["X-Cache"], "member-hit")
            self.assertContains(r, f"Step {3 * size}")
            self.assertContains(r, "Withdraw my vote")
