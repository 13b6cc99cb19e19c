"""Reading a discussion on remedy and evidence pages, as visitor, member and editor."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from discussions.models import THREADS_PER_PAGE, Comment
from discussions.services import delete_comment
from tests.helpers import make_comment, make_member, session_queries

from .base import DiscussionTestCase


def bulk_threads(target, *, threads: int, replies: int, authors) -> None:
    """`threads` top-level comments with `replies` replies each, chained 3 deep."""
    on = (
        {"remedy": target}
        if target.__class__.__name__ == "Remedy"
        else {"evidence_page": target}
    )
    start = timezone.now() - timedelta(days=10)
    roots = Comment.objects.bulk_create(
        Comment(
            author=authors[i % len(authors)],
            text=f"Thread {i}",
            created_at=start + timedelta(minutes=i),
            **on,
        )
        for i in range(threads)
    )
    rows = []
    for root in roots:
        for j in range(replies):
            rows.append(
                Comment(
                    author=authors[j % len(authors)],
                    text=f"Reply {j} in {root.text}",
                    parent=root,
                    thread=root,
                    depth=1,
                    created_at=root.created_at + timedelta(seconds=j + 1),
                    **on,
                )
            )
    Comment.objects.bulk_create(rows)


class VisitorReadsTests(DiscussionTestCase):
    def test_an_empty_discussion_invites_the_first_comment(self):
        r = self.client.get(self.page_url)
        self.assertContains(r, "Discussion for Low back pain")
        self.assertContains(r, "No comments yet. Be the first")
        self.assertNotContains(r, "0 comments")
        r = self.client.get(self.remedy_url)
        self.assertContains(r, '<h2 id="discussion-heading">Community discussion</h2>')
        self.assertContains(r, "No comments yet. Be the first")

    def test_the_login_wall_takes_visitors_to_sign_in_and_back(self):
        root = make_comment(self.page, author=self.member, text="Heat helped.")
        r = self.client.get(self.page_url)
        self.assertContains(r, "Sign in to join the discussion")
        self.assertContains(
            r, 'href="/accounts/login/?next=/remedies/heat/for/back/%23discussion"'
        )
        # Each thread's reply link returns to that comment.
        self.assertContains(
            r,
            f'href="/accounts/login/?next=/remedies/heat/for/back/%23comment-{root.pk}"',
        )
        self.assertContains(r, "Sign in to reply")
        # On a later page of the discussion, back to that page.
        r = self.client.get(self.page_url, {"comment_order": "oldest"})
        self.assertContains(
            r,
            "/accounts/login/?next=/remedies/heat/for/back/%3Fcomment_order%3Doldest"
            "%23discussion",
        )

    def test_a_visitors_page_has_no_form_that_posts_and_no_csrf_token(self):
        make_comment(self.page, author=self.member)
        for url in (self.page_url, self.remedy_url):
            r = self.client.get(url)
            html = r.content.decode()
            self.assertNotIn("csrfmiddlewaretoken", html)
            self.assertNotIn('method="post"', html)
            self.assertNotIn("hx-post", html)
            self.assertNotIn(settings.CSRF_COOKIE_NAME, r.cookies)
            self.assertNotIn("Edit", html.split('id="discussion"')[1])

    def test_a_thread_shows_replies_nested_with_author_time_and_edited(self):
        root = make_comment(self.page, author=self.member, text="Root")
        child = make_comment(parent=root, author=self.other_member, text="Child")
        make_comment(parent=child, author=self.member, text="Grandchild")
        Comment.objects.filter(pk=root.pk).update(
            created_at=timezone.now() - timedelta(days=3),
            edited_at=timezone.now() - timedelta(days=3),
        )
        r = self.client.get(self.page_url)
        html = r.content.decode()
        # Nested lists: Grandchild sits inside Child's list, inside Root's.
        self.assertLess(html.index("Root"), html.index("Child"))
        self.assertLess(html.index("Child"), html.index("Grandchild"))
        self.assertEqual(html.count('<ol class="comments comments--replies">'), 2)
        self.assertContains(r, '<span class="comment__author">Alice</span>')
        self.assertContains(r, '<span class="comment__author">Bob</span>')
        self.assertContains(r, ">3\xa0days ago</time>")
        self.assertContains(r, '<span class="comment__edited">edited</span>', count=1)

    def test_counts_of_comments_and_participants_agree_and_plurals_agree(self):
        root = make_comment(self.page, author=self.member)
        r = self.client.get(self.page_url)
        self.assertContains(r, "<span>1 comment</span> <span>1 participant</span>")
        make_comment(parent=root, author=self.other_member)
        make_comment(parent=root, author=self.member)
        gone = make_comment(self.page, author=self.other_member)
        delete_comment(comment=gone, by=self.other_member)
        r = self.client.get(self.page_url)
        # The deleted comment is not counted.
        self.assertContains(r, "<span>3 comments</span> <span>2 participants</span>")

    def test_text_is_plain_with_line_breaks_and_safe_links(self):
        make_comment(
            self.page,
            author=self.member,
            text="Line one\nline two\n\nSee https://example.org/a?b=1&c=2 or www.nhs.uk.",
        )
        r = self.client.get(self.page_url)
        self.assertContains(r, "<p>Line one<br>line two</p>", html=True)
        self.assertContains(
            r,
            '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
            "https://example.org/a?b=1&amp;c=2</a>",
        )
        self.assertContains(
            r,
            '<a href="https://www.nhs.uk" rel="nofollow ugc noopener">www.nhs.uk</a>.',
        )

    def test_a_deleted_comment_leaves_its_replies_readable(self):
        root = make_comment(self.page, author=self.member, text="Soon gone")
        make_comment(parent=root, author=self.other_member, text="Still here")
        delete_comment(comment=root, by=self.member)
        r = self.client.get(self.page_url)
        self.assertNotContains(r, "Soon gone")
        self.assertContains(r, '<p class="comment__placeholder">[deleted]</p>')
        self.assertContains(r, "Still here")

    def test_a_deleted_members_comments_show_as_from_a_deleted_member(self):
        leaver = make_member(display_name="Leaver")
        make_comment(self.page, author=leaver, text="I was here")
        leaver.delete()
        r = self.client.get(self.page_url)
        self.assertContains(r, '<span class="comment__author">A deleted member</span>')
        self.assertContains(r, "I was here")
        self.assertContains(r, "<span>1 comment</span> <span>1 participant</span>")

    def test_a_comment_hidden_pending_review_shows_a_placeholder(self):
        root = make_comment(
            self.page, author=self.member, text="Spam!", state=Comment.State.PENDING
        )
        make_comment(self.page, author=self.other_member, text="Fine")
        r = self.client.get(self.page_url)
        self.assertNotContains(r, "Spam!")
        self.assertContains(r, "[hidden while editors review it]")
        self.assertNotContains(r, f"%23comment-{root.pk}")  # no reply to it
        self.assertContains(r, "<span>1 comment</span>")

    def test_newest_or_oldest_first_by_a_plain_link(self):
        make_comment(self.page, author=self.member, text="First thread")
        make_comment(self.page, author=self.member, text="Second thread")
        r = self.client.get(self.page_url)
        html = r.content.decode()
        self.assertLess(html.index("Second thread"), html.index("First thread"))
        self.assertContains(
            r, '<a href="/remedies/heat/for/back/#discussion" aria-current="true">'
        )
        self.assertContains(
            r, 'href="/remedies/heat/for/back/?comment_order=oldest#discussion">'
        )
        r = self.client.get(self.page_url, {"comment_order": "oldest"})
        html = r.content.decode()
        self.assertLess(html.index("First thread"), html.index("Second thread"))
        # Nonsense falls back to newest first.
        r = self.client.get(self.page_url, {"comment_order": "<script>"})
        self.assertEqual(r.status_code, 200)
        self.assertNotContains(r, "<script>")

    def test_long_discussions_page_by_thread(self):
        bulk_threads(
            self.page,
            threads=2 * THREADS_PER_PAGE + 5,
            replies=3,
            authors=[self.member, self.other_member],
        )
        r = self.client.get(self.page_url)
        self.assertContains(r, "Page 1 of 3")
        self.assertContains(r, "Thread 24")
        self.assertNotContains(r, "Thread 14<")
        # Replies come with their thread and do not count toward the page size.
        self.assertContains(r, "Reply 2 in Thread 24")
        self.assertContains(r, 'class="comments__item"', count=4 * THREADS_PER_PAGE)
        self.assertContains(
            r, 'href="/remedies/heat/for/back/?comment_page=2#discussion">Next'
        )
        r = self.client.get(self.page_url, {"comment_page": 3})
        self.assertContains(r, "Page 3 of 3")
        self.assertContains(r, "Thread 0<")
        self.assertContains(r, 'class="comments__item"', count=4 * 5)
        self.assertContains(
            r, 'href="/remedies/heat/for/back/?comment_page=2#discussion">'
        )
        # Out of range and nonsense pages show the nearest page.
        self.assertContains(
            self.client.get(self.page_url, {"comment_page": 99}), "Page 3 of 3"
        )
        self.assertContains(
            self.client.get(self.page_url, {"comment_page": "x"}), "Page 1 of 3"
        )
        r = self.client.get(
            self.page_url, {"comment_order": "oldest", "comment_page": 2}
        )
        self.assertContains(r, "Thread 10<")
        self.assertContains(
            r,
            'href="/remedies/heat/for/back/?comment_order=oldest&amp;comment_page=3'
            '#discussion">Next',
        )

    def test_the_remedy_and_its_evidence_page_have_separate_discussions(self):
        make_comment(self.remedy, author=self.member, text="About heat in general")
        make_comment(self.page, author=self.member, text="About heat for back pain")
        r = self.client.get(self.remedy_url)
        self.assertContains(r, "About heat in general")
        self.assertNotContains(r, "About heat for back pain")
        r = self.client.get(self.page_url)
        self.assertContains(r, "About heat for back pain")
        self.assertNotContains(r, "About heat in general")
        self.assertContains(
            r, 'see its <a href="/remedies/heat/#discussion">community discussion</a>'
        )


class MemberReadsTests(DiscussionTestCase):
    def test_a_member_sees_the_form_and_what_they_may_do_to_each_comment(self):
        mine = make_comment(self.page, author=self.member, text="Mine")
        theirs = make_comment(self.page, author=self.other_member, text="Theirs")
        self.client.force_login(self.member)
        r = self.client.get(self.page_url)
        self.assertContains(r, 'name="csrfmiddlewaretoken"')
        self.assertContains(r, 'data-hx-post="/discussions/remedies/heat/for/back/"')
        self.assertContains(
            r, '<label for="discussion-text">Add to the discussion</label>'
        )
        self.assertNotContains(r, "Sign in to join the discussion")
        for c in (mine, theirs):
            self.assertContains(r, f'href="/discussions/{c.pk}/reply/"')
        self.assertContains(r, f'href="/discussions/{mine.pk}/edit/"')
        self.assertContains(r, f'href="/discussions/{mine.pk}/delete/"')
        self.assertNotContains(r, f'href="/discussions/{mine.pk}/flag/"')
        self.assertNotContains(r, f'href="/discussions/{theirs.pk}/edit/"')
        self.assertNotContains(r, f'href="/discussions/{theirs.pk}/delete/"')
        self.assertContains(r, f'href="/discussions/{theirs.pk}/flag/"')

    def test_the_edit_link_goes_when_the_edit_window_closes(self):
        mine = make_comment(
            self.page,
            author=self.member,
            created_at=timezone.now() - timedelta(minutes=31),
        )
        self.client.force_login(self.member)
        r = self.client.get(self.page_url)
        self.assertNotContains(r, f'href="/discussions/{mine.pk}/edit/"')
        self.assertContains(r, f'href="/discussions/{mine.pk}/delete/"')

    def test_an_editor_may_edit_and_delete_every_comment(self):
        theirs = make_comment(
            self.page,
            author=self.member,
            created_at=timezone.now() - timedelta(days=2),
        )
        self.client.force_login(self.editor)
        r = self.client.get(self.page_url)
        self.assertContains(r, f'href="/discussions/{theirs.pk}/edit/"')
        self.assertContains(r, f'href="/discussions/{theirs.pk}/delete/"')

    def test_staff_without_the_moderation_permission_are_plain_members(self):
        staff = make_member(is_staff=True)
        theirs = make_comment(self.page, author=self.member)
        self.client.force_login(staff)
        r = self.client.get(self.page_url)
        self.assertNotContains(r, f'href="/discussions/{theirs.pk}/edit/"')

    def test_the_order_is_kept_in_the_links_and_forms(self):
        c = make_comment(self.page, author=self.other_member)
        self.client.force_login(self.member)
        r = self.client.get(self.page_url, {"comment_order": "oldest"})
        self.assertContains(
            r, f'href="/discussions/{c.pk}/reply/?comment_order=oldest"'
        )
        self.assertContains(
            r, '<input type="hidden" name="comment_order" value="oldest">'
        )


class QueryCountTests(DiscussionTestCase):
    """A page's queries are the same for 10 comments and for 1,000."""

    def grow(self, target, *, threads, replies):
        bulk_threads(
            target,
            threads=threads,
            replies=replies,
            authors=[self.member, self.other_member, self.editor],
        )

    def test_visitor_evidence_page(self):
        # The evidence page's own 5 (page, the remedy's other pages, steps,
        # citations, products), then the discussion's 3: counts, the page of
        # threads, and every reply in those threads.
        self.grow(self.page, threads=2, replies=4)  # 10 comments
        with self.assertNumQueries(8):
            r = self.client.get(self.page_url)
        self.assertContains(r, "<span>10 comments</span>")
        self.grow(self.page, threads=100, replies=9)  # 1,000 more
        with self.assertNumQueries(8):
            r = self.client.get(self.page_url)
        self.assertContains(r, "<span>1,010 comments</span>")
        self.assertContains(r, "Page 1 of 11")

    def test_visitor_remedy_page(self):
        # The remedy page's own 4, then the discussion's 3.
        self.grow(self.remedy, threads=5, replies=1)
        with self.assertNumQueries(7):
            self.client.get(self.remedy_url)
        self.grow(self.remedy, threads=100, replies=9)
        with self.assertNumQueries(7):
            r = self.client.get(self.remedy_url)
        self.assertContains(r, "<span>1,010 comments</span>")

    def test_an_empty_discussion_costs_one_query(self):
        # The evidence page's 5 and the counts; no threads, so nothing more.
        with self.assertNumQueries(6):
            self.client.get(self.page_url)

    def test_member_evidence_page(self):
        # Session and user, the page's 6, the member's vote, the discussion's 3,
        # and the member's follows, watch and vote of the page in one.
        self.grow(self.page, threads=2, replies=4)
        self.client.force_login(self.member)
        with self.assertNumQueries(session_queries() + 12):
            self.client.get(self.page_url)
        self.grow(self.page, threads=100, replies=9)
        with self.assertNumQueries(session_queries() + 12):
            r = self.client.get(self.page_url)
        self.assertContains(r, "Reply 8 in Thread 97")

    def test_editor_evidence_page(self):
        # As a member, and the editor's permissions (their own and their groups').
        self.grow(self.page, threads=2, replies=4)
        self.client.force_login(self.editor)
        with self.assertNumQueries(session_queries() + 14):
            self.client.get(self.page_url)
        self.grow(self.page, threads=100, replies=9)
        with self.assertNumQueries(session_queries() + 14):
            self.client.get(self.page_url)
