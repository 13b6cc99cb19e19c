"""Whatever people write renders as inert text: checked on the HTML of the page."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.test import override_settings

from discussions.models import THREADS_PER_PAGE, Comment
from discussions.templatetags.discussions_tags import comment_text
from tests.helpers import make_comment

from .base import DiscussionTestCase
from .xss_payloads import PAYLOADS


class CommentTexts(HTMLParser):
    """The markup and text inside every .comment__text on a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside a .comment__text
        self.texts: list[str] = []
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
            self.tags.append((tag, attrs))
        elif tag == "div" and ("class", "comment__text") in attrs:
            self.depth = 1
            self.texts.append("")

    def handle_startendtag(self, tag, attrs):
        if self.depth:
            self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.texts[-1] += data

    def handle_comment(self, data):
        if self.depth:
            self.tags.append(("!--", []))


def assert_inert(testcase, html: str) -> CommentTexts:
    """Only <p>, <br> and our own links inside comment text; nothing else at all."""
    parsed = CommentTexts()
    parsed.feed(html)
    for tag, attrs in parsed.tags:
        testcase.assertIn(tag, {"p", "br", "a"}, f"<{tag}> got through")
        if tag == "a":
            attrs = dict(attrs)
            testcase.assertEqual(set(attrs), {"href", "rel"})
            testcase.assertEqual(attrs["rel"], "nofollow ugc noopener")
            testcase.assertIn(
                urlsplit(attrs["href"]).scheme, {"http", "https", "mailto"}
            )
        else:
            testcase.assertEqual(attrs, [], f"<{tag}> has attributes")
    return parsed


def squash(text: str) -> str:
    return " ".join(text.split())


@override_settings(DISCUSSION_POST_INTERVAL=0)
class XssCorpusTests(DiscussionTestCase):
    def test_the_corpus_is_big_enough(self):
        self.assertGreaterEqual(len(set(PAYLOADS)), 50)

    def test_every_payload_posted_through_the_form_renders_as_text(self):
        self.client.force_login(self.member)
        for payload in PAYLOADS:
            r = self.client.post(
                "/discussions/remedies/heat/for/back/", {"text": payload}
            )
            self.assertEqual(r.status_code, 302, payload)
        self.assertEqual(Comment.objects.count(), len(PAYLOADS))
        shown = []
        pages = -(-len(PAYLOADS) // THREADS_PER_PAGE)
        for page in range(1, pages + 1):
            for client in (self.client, self.client_class()):  # member, visitor
                r = client.get(self.page_url, {"comment_page": page})
                html = r.content.decode()
                self.assertNotIn("window.__xss=1</script>", html)
                parsed = assert_inert(self, html)
            shown += parsed.texts  # the visitor's
        # Each comment reads back exactly as typed: text, not markup.
        self.assertEqual(
            sorted(squash(t) for t in shown), sorted(squash(p) for p in PAYLOADS)
        )

    def test_replies_and_edits_are_escaped_too(self):
        root = make_comment(self.page, author=self.member, text="root")
        self.client.force_login(self.other_member)
        for payload in PAYLOADS[:10]:
            self.client.post(f"/discussions/{root.pk}/reply/", {"text": payload})
        self.client.force_login(self.member)
        self.client.post(f"/discussions/{root.pk}/edit/", {"text": PAYLOADS[10]})
        r = self.client.get(self.page_url)
        parsed = assert_inert(self, r.content.decode())
        self.assertEqual(len(parsed.texts), 11)

    def test_the_filter_escapes_even_text_marked_safe(self):
        from django.utils.safestring import mark_safe

        html = comment_text(mark_safe("<b>bold</b> https://example.com"))
        self.assertEqual(
            html,
            '<p>&lt;b&gt;bold&lt;/b&gt; <a href="https://example.com" '
            'rel="nofollow ugc noopener">https://example.com</a></p>',
        )
