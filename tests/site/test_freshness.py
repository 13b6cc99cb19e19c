"""Every write shows to every reader on their next request (core/freshness.py).

Each test stores the pages first (as a visitor and as a member), makes one
kind of write through the site (the client, the admin) and reads again:
client → pipeline → cache → page. The suite runs once on local memory with
the versions in the database, and once on Redis (CI's PostgreSQL run).
"""

from __future__ import annotations

from django.core.cache import caches
from django.urls import reverse

from core import freshness
from discussions.models import Comment
from remedies.models import EvidencePage
from tests.helpers import (
    make_ailment,
    make_comment,
    make_member,
    make_page,
    make_remedy,
)
from tests.site.test_pipeline import StoreOn


class WritesShowAtOnce(StoreOn):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.ailment = make_ailment(name="Sciatica", slug="sciatica")
        cls.remedy = make_remedy(name="Stretches", slug="stretches")
        cls.page = make_page(cls.remedy, cls.ailment, up=3, down=1)
        cls.elsewhere = make_page(
            make_remedy(name="Heat", slug="heat"),
            make_ailment(name="Gout", slug="gout"),
        )
        cls.url = cls.page.get_absolute_url()

    def setUp(self):
        super().setUp()
        self.readers = [self.client_class(), self.signed_in(self.other_member)]

    def read(self, url=None):
        return [reader.get(url or self.url) for reader in self.readers]

    def write(self, client, url, data=None, **headers):
        with self.captureOnCommitCallbacks(execute=True):
            return client.post(url, data or {}, **headers)

    def assert_everyone_sees(self, text, url=None):
        first, *others = self.read(url)
        # The page was stored before the write: it is rendered again, once.
        self.assertEqual(first["X-Cache"], "miss")
        for response in [first, *others]:
            self.assertContains(response, text)
        for response in self.read(url):  # and then it is stored again
            self.assertEqual(response["X-Cache"], "hit")

    def test_a_vote(self):
        ailment_page = reverse("ailments:ailment_detail", args=["sciatica"])
        self.read()
        self.read(ailment_page)
        voter = self.signed_in(self.member)
        self.write(
            voter, reverse("votes:vote", args=["stretches", "sciatica"]), {"vote": "up"}
        )
        self.assert_everyone_sees("80%")  # 4 of 5
        self.assert_everyone_sees("80%", ailment_page)

    def test_a_vote_withdrawn_with_htmx(self):
        voter = self.signed_in(self.member)
        url = reverse("votes:vote", args=["stretches", "sciatica"])
        self.write(voter, url, {"vote": "down"})
        self.read()
        self.write(voter, url, {"vote": "retract"}, HTTP_HX_REQUEST="true")
        self.assert_everyone_sees("75%")  # 3 of 4 again

    def test_a_new_comment_and_a_reply(self):
        self.read()
        author = self.signed_in(self.member)
        self.write(
            author,
            reverse("discussions:post_comment", args=["stretches", "sciatica"]),
            {"text": "Day three and it eases"},
        )
        self.assert_everyone_sees("Day three and it eases")
        comment = Comment.objects.get(text="Day three and it eases")
        self.write(
            self.signed_in(self.other_member),
            reverse("discussions:reply", args=[comment.pk]),
            {"text": "Glad to hear it"},
            HTTP_HX_REQUEST="true",
        )
        self.assert_everyone_sees("Glad to hear it")

    def test_an_edit(self):
        comment = make_comment(self.page, author=self.member, text="First words")
        self.read()
        self.write(
            self.signed_in(self.member),
            reverse("discussions:edit_comment", args=[comment.pk]),
            {"text": "Better words"},
        )
        self.assert_everyone_sees("Better words")

    def test_a_deletion_by_its_author(self):
        comment = make_comment(self.page, author=self.member, text="Too much about me")
        self.read()
        self.write(
            self.signed_in(self.member),
            reverse("discussions:delete_comment", args=[comment.pk]),
        )
        for response in self.read():
            self.assertNotContains(response, "Too much about me")

    def test_a_moderators_removal_in_the_admin(self):
        comment = make_comment(self.page, author=self.member, text="Buy my pills")
        self.read()
        changelist = reverse("admin:discussions_comment_changelist")
        self.write(
            self.signed_in(self.editor),
            changelist,
            {"action": "remove_comments", "_selected_action": [comment.pk]},
        )
        for response in self.read():
            self.assertNotContains(response, "Buy my pills")

    def test_flags_that_hide_a_comment(self):
        comment = make_comment(self.page, author=self.member, text="Dubious claim")
        self.read()
        for _ in range(3):
            flagger = self.signed_in(make_member())
            self.write(
                flagger,
                reverse("discussions:flag_comment", args=[comment.pk]),
                {"reason": "harmful"},
            )
        for response in self.read():
            self.assertNotContains(response, "Dubious claim")

    def test_a_commenters_new_name(self):
        make_comment(self.page, author=self.member, text="Hello")
        self.read()
        self.write(
            self.signed_in(self.member),
            reverse("accounts:profile"),
            {"display_name": "Alicia"},
        )
        self.assert_everyone_sees("Alicia")

    def test_an_editors_correction(self):
        self.read()
        page = EvidencePage.objects.get(pk=self.page.pk)
        page.why_it_works = "Nerve glides calm the nerve."
        with self.captureOnCommitCallbacks(execute=True):
            page.save()
            freshness.content_changed(page, ["why_it_works"])
        self.assert_everyone_sees("Nerve glides calm the nerve.")

    def test_unpublishing_in_the_admin(self):
        self.read()
        self.write(
            self.signed_in(self.editor),
            reverse("admin:remedies_evidencepage_changelist"),
            {"action": "unpublish", "_selected_action": [self.page.pk]},
        )
        for response in self.read():
            self.assertEqual(response.status_code, 404)

    def test_a_comment_on_one_page_leaves_the_others_stored(self):
        other = self.elsewhere.get_absolute_url()
        self.read(other)
        self.write(
            self.signed_in(self.member),
            reverse("discussions:post_comment", args=["stretches", "sciatica"]),
            {"text": "Only here"},
        )
        for response in self.read(other):
            self.assertEqual(response["X-Cache"], "hit")

    def test_versions_are_shared_by_every_process(self):
        # Another worker's write reaches this one's stored pages: the versions
        # are read from the shared store, not from this process's memory.
        self.read()
        store = caches[freshness.settings.FRESHNESS_CACHE]
        store.set(
            freshness.version_keys([freshness.discussion("stretches", "sciatica")])[0],
            "written-by-another-worker",
            None,
        )
        self.assertEqual(self.client_class().get(self.url)["X-Cache"], "miss")
