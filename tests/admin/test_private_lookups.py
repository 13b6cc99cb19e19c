"""Nobody finds out in the admin who cast a vote, nor which email wrote a comment.

The vote admin answers only its own filter, paging and column ordering; the
comment admins only their own filters, search, paging and ordering. Every
other query parameter is a lookup Django would run, so it is refused (400),
on the changelist and in the filters an object's pages carry back to it.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from discussions.models import Comment, Flag
from discussions.services import flag_comment
from tests.helpers import SiteTestCase, make_comment, make_member, make_page
from votes.models import Vote
from votes.services import cast_vote

# Every way we know of to name the voter, or to reach them through a relation.
MEMBER_LOOKUPS = [
    "member",
    "member_id",
    "member_id__in",
    "member_id__gt",
    "member_id__lt",
    "member_id__exact",
    "member__exact",
    "member__in",
    "member__pk",
    "member__pk__in",
    "member__id",
    "member__id__exact",
    "member__email",
    "member__email__iexact",
    "member__email__startswith",
    "member__display_name",
    "member__username",
    "member__is_staff",
    "member__date_joined__year",
    "member__isnull",
    "MEMBER_ID",
    "Member",
    "page__votes__member",
    "page__votes__member_id",
    "page__votes__member__email",
    "page__votes__member__id__in",
    "page__comments__author",
    "page__comments__author__email",
    "page__remedy__comments__author",
    "member__votes__page",
    "member__groups__name",
    "member__comments__text",
    # Not a person, but not one of the changelist's own parameters either.
    "pk",
    "id__in",
    "created_at__gte",
    "page",
    "value",
    "_changelist_filters",
    "_to_field",
    "_popup",
    "q",
]


def hrefs(response) -> list[str]:
    """The query-string links of a changelist page (its filters, headers, pages)."""
    found = re.findall(r'href="(\?[^"]*)"', response.content.decode())
    return sorted({html.unescape(h) for h in found})


class VoteAdminLookupTests(SiteTestCase):
    changelist = reverse("admin:votes_vote_changelist")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.boss = make_member(is_staff=True, is_superuser=True)
        cls.pages = [make_page() for _ in range(3)]
        for page in cls.pages:
            cast_vote(member=cls.member, page=page, value=Vote.Value.DOWN)
        cast_vote(member=cls.other_member, page=cls.pages[0], value=Vote.Value.UP)
        cls.vote = Vote.objects.filter(member=cls.member).first()

    def test_no_spelling_of_a_lookup_on_the_voter_is_answered(self):
        for person in (self.editor, self.boss):
            self.client.force_login(person)
            for lookup in MEMBER_LOOKUPS:
                for value in (self.member.pk, self.member.email, "1"):
                    with self.subTest(person=person.email, lookup=lookup, value=value):
                        r = self.client.get(self.changelist, {lookup: value})
                        self.assertEqual(r.status_code, 400)

    def test_ordering_only_by_a_column_on_show(self):
        self.client.force_login(self.editor)
        # Editors have no actions on votes: no selection column, the columns
        # are 0, 1 and 2.
        for order in ("3", "-4", "9", "1.9", "member", "-member_id", "1.a", "1,2"):
            with self.subTest(order=order):
                r = self.client.get(self.changelist, {"o": order})
                self.assertEqual(r.status_code, 400)
        for order in ("0", "-1", "2.-0", "1.0.2", ""):
            with self.subTest(order=order):
                r = self.client.get(self.changelist, {"o": order})
                self.assertEqual(r.status_code, 200)

    def test_the_changelists_own_links_all_work(self):
        self.client.force_login(self.editor)
        r = self.client.get(self.changelist)
        self.assertEqual(r.status_code, 200)
        links = hrefs(r)
        self.assertIn("?value__exact=1", links)
        self.assertTrue(any(link.startswith("?o=") for link in links), links)
        for link in links:
            with self.subTest(link=link):
                self.assertEqual(
                    self.client.get(self.changelist + link).status_code, 200
                )
        r = self.client.get(self.changelist, {"value__exact": "1", "o": "-2", "p": "1"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["cl"].result_count, 1)
        # A value that is no choice: Django's own "that filter makes no sense" page.
        r = self.client.get(self.changelist, {"value__exact": "abc"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.get(r["Location"]).status_code, 200)

    def test_an_objects_pages_carry_no_lookup_back_to_the_list(self):
        change = reverse("admin:votes_vote_change", args=[self.vote.pk])
        history = reverse("admin:votes_vote_history", args=[self.vote.pk])
        # (No one deletes a vote in the admin: its tallies would drift.)
        self.client.force_login(self.boss)
        delete = reverse("admin:votes_vote_delete", args=[self.vote.pk])
        self.assertEqual(self.client.get(delete).status_code, 403)
        for person, urls in ((self.editor, [change, history]),):
            self.client.force_login(person)
            for url in urls:
                for lookup in ("member_id", "member__email", "page__votes__member"):
                    carried = urlencode({lookup: self.member.pk})
                    for query in (
                        {"_changelist_filters": carried},
                        {"_changelist_filters": f"value__exact=1&{carried}"},
                        {lookup: self.member.pk},
                    ):
                        with self.subTest(url=url, query=query):
                            r = self.client.get(url, query)
                            self.assertEqual(r.status_code, 400)
                r = self.client.get(url, {"_changelist_filters": "value__exact=-1&o=1"})
                self.assertEqual(r.status_code, 200, url)
                self.assertNotContains(r, self.member.email)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get(history, {"p": "1"}).status_code, 200)

    def test_no_page_about_a_vote_leads_to_its_voter(self):
        self.client.force_login(self.boss)
        change = reverse("admin:votes_vote_change", args=[self.vote.pk])
        r = self.client.get(change)
        self.assertNotContains(r, self.member.email)
        self.assertNotContains(r, "Alice")
        self.assertNotContains(r, "View on site")
        ct = ContentType.objects.get_for_model(Vote)
        r = self.client.get(f"/admin/r/{ct.pk}/{self.vote.pk}/")
        self.assertEqual(r.status_code, 404)


class CommentAdminPrivacyTests(SiteTestCase):
    comments = reverse("admin:discussions_comment_changelist")
    queue = reverse("admin:discussions_flaggedcomment_changelist")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        page = make_page()
        cls.alices = make_comment(page, author=cls.member, text="Cold showers helped")
        cls.bobs = make_comment(page, author=cls.other_member, text="Not for me")
        flag_comment(comment=cls.alices, member=cls.other_member, reason="spam")

    def setUp(self):
        super().setUp()
        self.client.force_login(self.editor)

    def test_comments_show_their_authors_display_name_never_an_email(self):
        for url in (
            self.comments,
            self.queue,
            reverse("admin:discussions_comment_change", args=[self.alices.pk]),
            reverse("admin:discussions_flaggedcomment_change", args=[self.alices.pk]),
        ):
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, "Alice")
                for person in (self.member, self.other_member):
                    self.assertNotContains(r, person.email)
        # The flag's author, by name too.
        r = self.client.get(
            reverse("admin:discussions_comment_change", args=[self.alices.pk])
        )
        self.assertContains(r, "Bob")

    def test_search_finds_display_names_and_text_never_emails(self):
        r = self.client.get(self.comments, {"q": "Alice"})
        self.assertContains(r, "Cold showers helped")
        self.assertNotContains(r, "Not for me")
        r = self.client.get(self.comments, {"q": "showers"})
        self.assertContains(r, "Cold showers helped")
        for term in (self.member.email, self.member.email.split("@")[0]):
            r = self.client.get(self.comments, {"q": term})
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r.context["cl"].result_count, 0, term)

    def test_the_comment_autocomplete_finds_no_one_by_email(self):
        url = reverse("admin:autocomplete")
        query = {"app_label": "discussions", "model_name": "flag"}
        r = self.client.get(
            url, {**query, "field_name": "comment", "term": self.member.email}
        )
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["results"], [])
        r = self.client.get(url, {**query, "field_name": "comment", "term": "Alice"})
        self.assertEqual(len(r.json()["results"]), 1)
        # Members themselves: not for editors.
        r = self.client.get(
            url, {**query, "field_name": "member", "term": self.member.email}
        )
        self.assertEqual(r.status_code, 403)

    def test_no_lookup_on_a_person_is_answered(self):
        lookups = [
            "author",
            "author_id",
            "author_id__in",
            "author__pk",
            "author__id__exact",
            "author__email",
            "author__email__icontains",
            "author__display_name",
            "author__username",
            "reviewed_by",
            "reviewed_by__email",
            "flags__member",
            "flags__member__email",
            "parent__author__email",
            "author__votes__page",
            "remedy",
            "text__icontains",
        ]
        for url in (self.comments, self.queue):
            for lookup in lookups:
                with self.subTest(url=url, lookup=lookup):
                    r = self.client.get(url, {lookup: self.member.pk})
                    self.assertEqual(r.status_code, 400)
            change = "admin:discussions_comment_change"
            r = self.client.get(
                reverse(change, args=[self.alices.pk]),
                {"_changelist_filters": urlencode({"author__email": "x"})},
            )
            self.assertEqual(r.status_code, 400)

    def test_the_changelists_own_links_all_work(self):
        for url in (self.comments, self.queue):
            r = self.client.get(url)
            links = hrefs(r)
            self.assertTrue(any("state__exact" in link for link in links), links)
            for link in links:
                with self.subTest(link=link):
                    self.assertEqual(self.client.get(url + link).status_code, 200)
        year = self.alices.created_at.year
        r = self.client.get(self.comments, {"created_at__year": year, "q": "Alice"})
        self.assertEqual(r.context["cl"].result_count, 1)
        self.assertEqual(Comment.objects.count(), 2)
        self.assertEqual(Flag.objects.count(), 1)


class MemberAdminPrivacyTests(SiteTestCase):
    def test_no_lookup_from_a_member_to_their_votes_flags_or_comments(self):
        root = make_member(is_staff=True, is_superuser=True)
        self.client.force_login(root)
        url = reverse("admin:accounts_user_changelist")
        for lookup in (
            "votes__id",
            "votes__pk",
            "votes__page",
            "comment_flags__id",
            "comments__id",
        ):
            with self.subTest(lookup=lookup):
                response = self.client.get(f"{url}?{lookup}=1")
                self.assertNotEqual(response.status_code, 200)
