"""A comment's permalink, and the comment alone that "Cancel" swaps back with htmx."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from discussions.models import THREADS_PER_PAGE
from remedies.models import EvidencePage
from tests.helpers import make_comment

from .base import HTMX, DiscussionTestCase


class CommentPermalinkTests(DiscussionTestCase):
    def test_the_permalink_finds_the_page_its_thread_is_on(self):
        old = make_comment(
            self.page, author=self.member, created_at=timezone.now() - timedelta(days=9)
        )
        reply = make_comment(parent=old, author=self.other_member)
        for i in range(THREADS_PER_PAGE):
            make_comment(
                self.page,
                author=self.member,
                created_at=timezone.now() - timedelta(days=8 - i * 0.1),
            )
        r = self.client.get(reverse("discussions:comment", args=[reply.pk]))
        self.assertRedirects(
            r,
            f"{self.page_url}?comment_page=2#comment-{reply.pk}",
            fetch_redirect_response=False,
        )
        r = self.client.get(
            reverse("discussions:comment", args=[reply.pk]), {"comment_order": "oldest"}
        )
        self.assertRedirects(
            r,
            f"{self.page_url}?comment_order=oldest#comment-{reply.pk}",
            fetch_redirect_response=False,
        )
        r = self.client.get(self.page_url, {"comment_page": 2})
        self.assertContains(r, f'id="comment-{reply.pk}"')

    def test_with_htmx_it_is_the_comment_alone_with_the_focus(self):
        c = make_comment(self.remedy, author=self.member, text="Just me")
        self.client.force_login(self.member)
        r = self.client.get(reverse("discussions:comment", args=[c.pk]), **HTMX)
        html = r.content.decode().strip()
        assert html.startswith(f'<article class="comment" id="comment-{c.pk}"')
        assert html.endswith("</article>")
        self.assertContains(r, "autofocus")
        self.assertContains(r, f'href="/discussions/{c.pk}/edit/"')

    def test_a_comment_on_an_unpublished_page_is_404(self):
        c = make_comment(self.page, author=self.member)
        EvidencePage.objects.filter(pk=self.page.pk).update(is_published=False)
        self.assertEqual(
            self.client.get(reverse("discussions:comment", args=[c.pk])).status_code,
            404,
        )
