"""Starting a thread: visitors meet the login wall; members post, plain and with htmx."""

import uuid
from datetime import timedelta

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from discussions.models import Comment
from remedies.models import EvidencePage
from tests.helpers import make_comment, make_member

from .base import HTMX, DiscussionTestCase


class PostCommentTests(DiscussionTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("discussions:post_comment", args=["heat", "back"])
        cls.remedy_post_url = reverse("discussions:post_comment", args=["heat"])

    def post(self, text="Heat eased my back within a week.", **headers):
        return self.client.post(
            self.url, {"text": text, "token": str(uuid.uuid4())}, **headers
        )

    # Visitors

    def test_a_visitor_is_sent_to_sign_in_and_back_to_the_discussion(self):
        r = self.post()
        self.assertRedirects(
            r,
            "/accounts/login/?next=%2Fremedies%2Fheat%2Ffor%2Fback%2F%23discussion",
            fetch_redirect_response=False,
        )
        r = self.post(**HTMX)
        self.assertEqual(r.status_code, 200)
        self.assertTrue(r["HX-Redirect"].startswith("/accounts/login/?next="))
        self.assertEqual(Comment.objects.count(), 0)

    # Members

    def test_a_member_posts_with_a_plain_form(self):
        self.client.force_login(self.member)
        r = self.post("Heat eased my back.\nTwice a day.")
        comment = Comment.objects.get()
        self.assertRedirects(
            r, f"{self.page_url}#comment-{comment.pk}", fetch_redirect_response=False
        )
        self.assertEqual(comment.evidence_page, self.page)
        self.assertIsNone(comment.remedy)
        self.assertEqual(comment.author, self.member)
        self.assertEqual(comment.text, "Heat eased my back.\nTwice a day.")
        self.assertEqual(
            (comment.depth, comment.parent, comment.thread), (0, None, None)
        )
        r = self.client.get(self.page_url)
        self.assertContains(r, "Your comment is posted.")
        self.assertContains(r, "<p>Heat eased my back.<br>Twice a day.</p>", html=True)

    def test_a_member_posts_with_htmx_and_the_discussion_swaps_in_place(self):
        self.client.force_login(self.member)
        r = self.post("With htmx", **HTMX)
        comment = Comment.objects.get()
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["HX-Retarget"], "#discussion")
        self.assertEqual(r["HX-Reswap"], "outerHTML")
        html = r.content.decode()
        assert html.lstrip().startswith(
            '<section class="section discussion" id="discussion"'
        )
        assert "<html" not in html
        self.assertContains(
            r, '<p class="discussion__notice" role="status">Your comment is posted.</p>'
        )
        self.assertContains(
            r,
            f'id="comment-{comment.pk}" tabindex="-1" aria-labelledby="comment-{comment.pk}-meta" autofocus',
        )
        self.assertContains(r, "<span>1 comment</span>")
        # A fresh, empty form with a new token is ready for the next comment.
        self.assertContains(r, '<textarea id="discussion-text"')
        self.assertNotContains(r, f'value="{comment.token}"')

    def test_a_member_posts_on_the_remedys_community_discussion(self):
        self.client.force_login(self.member)
        r = self.client.post(self.remedy_post_url, {"text": "In general"})
        comment = Comment.objects.get()
        self.assertEqual(comment.remedy, self.remedy)
        self.assertRedirects(
            r, f"{self.remedy_url}#comment-{comment.pk}", fetch_redirect_response=False
        )

    @override_settings(DISCUSSION_POST_INTERVAL=0)
    def test_with_oldest_first_the_member_lands_on_the_page_with_their_comment(self):
        for i in range(12):
            make_comment(
                self.page,
                author=self.other_member,
                created_at=timezone.now() - timedelta(hours=20 - i),
            )
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"text": "Late", "comment_order": "oldest"})
        comment = Comment.objects.get(text="Late")
        self.assertRedirects(
            r,
            f"{self.page_url}?comment_order=oldest&comment_page=2#comment-{comment.pk}",
            fetch_redirect_response=False,
        )
        r = self.client.post(
            self.url, {"text": "Later", "comment_order": "oldest"}, **HTMX
        )
        self.assertContains(r, "Page 2 of 2")
        self.assertContains(r, "Later")

    # Bad input: the error beside the field, the text kept.

    def test_too_long_text_is_refused_beside_the_field_and_kept(self):
        self.client.force_login(self.member)
        text = "x" * 5001
        for headers in ({}, HTMX):
            r = self.post(text, **headers)
            self.assertEqual(r.status_code, 200)
            self.assertContains(
                r, "Please keep it to 5,000 characters or fewer (it has 5001)."
            )
            self.assertContains(r, 'aria-invalid="true"')
            self.assertContains(
                r, 'aria-describedby="discussion-error discussion-help"'
            )
            self.assertContains(r, f">{text}</textarea>")
        # Without htmx, a page of its own; with htmx, just the form, in place.
        self.assertNotContains(r, "<html")
        self.assertContains(r, 'data-hx-post="/discussions/remedies/heat/for/back/"')
        self.assertEqual(Comment.objects.count(), 0)

    def test_windows_line_endings_count_once(self):
        self.client.force_login(self.member)
        # 6,000 characters as sent, 5,000 as typed (a browser counts a line break once).
        self.post("abcd\r\n" * 1000)
        self.assertEqual(Comment.objects.get().text, ("abcd\n" * 1000).strip())

    def test_empty_or_blank_text_is_refused(self):
        self.client.force_login(self.member)
        for text in ("", "   \n  "):
            r = self.post(text)
            self.assertContains(r, "Write something first.")
        r = self.client.post(self.url, {})
        self.assertContains(r, "Write something first.")
        self.assertEqual(Comment.objects.count(), 0)

    def test_null_characters_are_refused_not_a_500(self):
        self.client.force_login(self.member)
        r = self.post("a\x00b")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Null characters are not allowed.")

    def test_a_plain_form_error_page_posts_without_htmx(self):
        self.client.force_login(self.member)
        r = self.post("")
        self.assertContains(r, "<h1>Discussion for Low back pain</h1>")
        self.assertContains(
            r, 'method="post" action="/discussions/remedies/heat/for/back/"'
        )
        self.assertNotContains(r, "hx-post=")

    def test_get_shows_the_form_on_its_own_page(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(
            r, '<label for="discussion-text">Add to the discussion</label>'
        )
        self.assertEqual(Comment.objects.count(), 0)

    # Who may post

    def test_a_member_without_a_verified_email_is_refused_with_a_message(self):
        self.client.force_login(self.unverified)
        for headers in ({}, HTMX):
            r = self.post("Hello", **headers)
            self.assertContains(
                r, "Please verify your email address before joining the discussion."
            )
            self.assertContains(r, ">Hello</textarea>")
        self.assertEqual(Comment.objects.count(), 0)

    def test_an_unpublished_or_missing_page_is_404(self):
        self.client.force_login(self.member)
        EvidencePage.objects.filter(pk=self.page.pk).update(is_published=False)
        self.assertEqual(self.post().status_code, 404)
        missing = reverse("discussions:post_comment", args=["heat", "nope"])
        self.assertEqual(self.client.post(missing, {"text": "x"}).status_code, 404)
        self.assertEqual(Comment.objects.count(), 0)

    # A double submit stores one comment.

    def test_the_same_form_sent_twice_stores_one_comment(self):
        self.client.force_login(self.member)
        data = {"text": "Once", "token": str(uuid.uuid4())}
        first = self.client.post(self.url, data)
        second = self.client.post(self.url, data)
        self.assertEqual(Comment.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])
        r = self.client.post(self.url, data, **HTMX)
        self.assertEqual(Comment.objects.count(), 1)
        self.assertContains(r, "<span>1 comment</span>")

    def test_someone_elses_token_does_not_hide_a_new_comment(self):
        token = str(uuid.uuid4())
        self.client.force_login(self.member)
        self.client.post(self.url, {"text": "Mine", "token": token})
        self.client.force_login(self.other_member)
        self.client.post(self.url, {"text": "Theirs", "token": token})
        self.assertEqual(
            sorted(Comment.objects.values_list("text", flat=True)), ["Mine", "Theirs"]
        )

    # Rate limits, in the spirit of Discourse's defaults.

    def test_a_short_interval_between_posts(self):
        self.client.force_login(self.member)
        self.post("One")
        for headers in ({}, HTMX):
            r = self.post("Two", **headers)
            self.assertContains(r, "You can post once every 5 seconds.")
            self.assertContains(r, ">Two</textarea>")
        self.assertEqual(Comment.objects.count(), 1)
        # Another member is not held up.
        self.client.force_login(self.other_member)
        self.post("Three")
        self.assertEqual(Comment.objects.count(), 2)

    def test_new_accounts_wait_longer_between_posts(self):
        newcomer = make_member()
        self.client.force_login(newcomer)
        self.post("One")
        r = self.post("Two")
        self.assertContains(r, "You can post once every 30 seconds.")
        self.assertEqual(Comment.objects.count(), 1)

    @override_settings(
        DISCUSSION_NEW_MEMBER_POST_INTERVAL=0, DISCUSSION_FIRST_DAY_LIMIT=3
    )
    def test_new_accounts_have_a_first_day_cap(self):
        newcomer = make_member()
        self.client.force_login(newcomer)
        for i in range(3):
            self.post(f"Post {i}")
        r = self.post("One too many")
        self.assertContains(r, "New members can post 3 comments in their first day.")
        self.assertEqual(Comment.objects.filter(author=newcomer).count(), 3)
        # A day later the cap no longer applies.
        newcomer.date_joined = timezone.now() - timedelta(days=1, minutes=1)
        newcomer.save()
        self.post("Next day")
        self.assertEqual(Comment.objects.filter(author=newcomer).count(), 4)
