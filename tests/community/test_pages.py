"""The community's pages and actions: follow and watch (plain and htmx), the
inbox, the email settings, and the per-person parts of the public pages."""

from __future__ import annotations

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import services
from community.models import Activity, Follow, Notice, Preference, Watch
from tests.helpers import (
    SiteTestCase,
    make_ailment,
    make_comment,
    make_member,
    make_page,
    make_remedy,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


class CommunityPageTestCase(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.remedy = make_remedy(name="Heat Therapy", slug="heat")
        cls.ailment = make_ailment(name="Low back pain", slug="back")
        cls.page = make_page(cls.remedy, cls.ailment)


class FollowTests(CommunityPageTestCase):
    def test_a_visitor_is_asked_to_sign_in_and_sent_back(self):
        r = self.client.get(self.remedy.get_absolute_url())
        self.assertContains(
            r,
            'href="/accounts/login/?next=/remedies/heat/">Sign in to follow Heat Therapy',
        )
        r = self.client.post("/follow/remedies/heat/", {"next": "/remedies/heat/"})
        self.assertRedirects(
            r,
            "/accounts/login/?next=%2Fremedies%2Fheat%2F",
            fetch_redirect_response=False,
        )
        r = self.client.post("/follow/remedies/heat/", **HTMX)
        self.assertEqual(
            r["HX-Redirect"], "/accounts/login/?next=%2Fremedies%2Fheat%2F"
        )
        self.assertFalse(Follow.objects.exists())

    def test_follow_and_unfollow_with_a_plain_form(self):
        self.client.force_login(self.member)
        r = self.client.post("/follow/remedies/heat/", {"next": "/remedies/heat/"})
        self.assertRedirects(r, "/remedies/heat/", fetch_redirect_response=False)
        self.assertTrue(Follow.objects.filter(member=self.member, remedy=self.remedy))
        r = self.client.get("/remedies/heat/")
        self.assertContains(
            r, 'aria-pressed="true">Follow Heat Therapy</button>', html=False
        )
        # Following twice is still one follow.
        self.client.post("/follow/remedies/heat/")
        self.assertEqual(Follow.objects.count(), 1)
        self.client.post("/follow/remedies/heat/", {"action": "unfollow"})
        self.assertFalse(Follow.objects.exists())

    def test_follow_an_ailment_with_htmx_swaps_the_button(self):
        self.client.force_login(self.member)
        r = self.client.post(
            "/follow/ailments/back/", {"next": "/ailments/back/"}, **HTMX
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'aria-pressed="true">Follow Low back pain</button>')
        self.assertContains(r, 'role="status">You follow Low back pain')
        self.assertContains(r, 'name="next" value="/ailments/back/"')
        self.assertNotContains(r, "<html")
        self.assertTrue(Follow.objects.filter(member=self.member, ailment=self.ailment))

    def test_the_evidence_page_offers_both_and_after_a_vote_suggests_following(self):
        from votes.models import Vote
        from votes.services import cast_vote

        self.client.force_login(self.member)
        r = self.client.get(self.page.get_absolute_url())
        self.assertContains(r, ">Follow Heat Therapy</button>")
        self.assertContains(r, ">Follow Low back pain</button>")
        self.assertNotContains(r, "You voted on this page")
        cast_vote(member=self.member, page=self.page, value=Vote.Value.UP)
        r = self.client.get(self.page.get_absolute_url())
        self.assertContains(
            r, "You voted on this page. Follow Heat Therapy or Low back pain"
        )

    def test_drafts_and_unknown_things_cannot_be_followed(self):
        draft = make_remedy(slug="draft", is_published=False)
        self.client.force_login(self.member)
        for url in ["/follow/remedies/draft/", "/follow/ailments/nope/"]:
            self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(self.client.get("/follow/remedies/heat/").status_code, 405)
        self.assertFalse(Follow.objects.filter(remedy=draft).exists())

    def test_next_never_leads_off_the_site(self):
        self.client.force_login(self.member)
        for bad in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
            r = self.client.post("/follow/remedies/heat/", {"next": bad})
            self.assertEqual(r["Location"], "/remedies/heat/")


@override_settings(DISCUSSION_POST_INTERVAL=0)
class WatchTests(CommunityPageTestCase):
    def test_the_discussion_offers_watching_and_posting_watches(self):
        self.client.force_login(self.member)
        r = self.client.get("/remedies/heat/")
        self.assertContains(r, 'aria-pressed="false">Watch this discussion</button>')
        make_comment(self.remedy, author=self.member, text="Hello")
        r = self.client.get("/remedies/heat/")
        self.assertContains(r, 'aria-pressed="true">Watch this discussion</button>')

    def test_watch_and_unwatch_plain_and_htmx(self):
        self.client.force_login(self.member)
        url = "/watch/remedies/heat/for/back/"
        r = self.client.post(url, {"next": self.page.get_absolute_url()})
        self.assertEqual(r["Location"], self.page.get_absolute_url())
        self.assertTrue(
            Watch.objects.filter(member=self.member, evidence_page=self.page)
        )
        r = self.client.post(url, {"action": "unwatch"}, **HTMX)
        self.assertContains(r, 'aria-pressed="false">Watch this discussion')
        self.assertContains(r, "You stopped watching this discussion.")
        self.assertFalse(Watch.objects.exists())
        r = self.client.post("/watch/remedies/heat/", **HTMX)
        self.assertContains(r, 'aria-pressed="true">Watch this discussion')
        self.assertTrue(Watch.objects.filter(member=self.member, remedy=self.remedy))

    def test_a_visitor_sees_no_watch_button_and_cannot_watch(self):
        r = self.client.get("/remedies/heat/")
        self.assertNotContains(r, "Watch this discussion")
        r = self.client.post("/watch/remedies/heat/")
        self.assertTrue(r["Location"].startswith("/accounts/login/"))


class InboxTests(CommunityPageTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        root = make_comment(cls.page, author=cls.member, text="Root")
        cls.notices = []
        for i, name in enumerate(["Bob", "Carol"]):
            comment = make_comment(
                parent=root, author=make_member(display_name=name), text=f"Reply {i}"
            )
            activity = Activity.objects.get(comment=comment)
            cls.notices.append(
                Notice.objects.create(
                    member=cls.member,
                    activity=activity,
                    reason=Notice.Reason.REPLY,
                    key=f"a:{activity.pk}:{cls.member.pk}",
                )
            )
        safety = Activity.objects.create(
            kind=Activity.Kind.SAFETY,
            remedy=cls.remedy,
            title="Safety update: Heat Therapy",
            place="Heat Therapy",
            text="Safety rating down from 8/10 to 5/10",
            path="/remedies/heat/",
        )
        cls.safety = Notice.objects.create(
            member=cls.member,
            activity=safety,
            reason=Notice.Reason.FOLLOWING,
            key="safety",
            created_at=timezone.now(),
        )

    def test_visitors_are_sent_to_sign_in(self):
        for url in ["/inbox/", f"/inbox/{self.safety.pk}/", "/notifications/"]:
            self.assertTrue(
                self.client.get(url)["Location"].startswith("/accounts/login/")
            )

    def test_the_inbox_lists_notices_with_safety_updates_marked_apart(self):
        self.client.force_login(self.member)
        with CaptureQueriesContext(connection) as queries:
            r = self.client.get("/inbox/")
        # The member, the page count, the unread count, the email choice, the
        # page of notices, and the header's unread count (and, without Redis,
        # the session).
        own = [q for q in queries if "django_session" not in q["sql"]]
        self.assertEqual(len(own), 6, [q["sql"][:80] for q in own])
        self.assertContains(
            r, "Bob replied to your comment on Heat Therapy for Low back pain"
        )
        self.assertContains(r, '<span class="tag tag--safety">Safety update</span>')
        self.assertContains(r, "<li>Safety rating down from 8/10 to 5/10</li>")
        self.assertContains(r, '3<span class="visually-hidden"> unread</span>')
        self.assertEqual(r.headers["Cache-Control"].count("no-cache"), 1)

    def test_opening_a_notice_reads_it_and_goes_to_the_comment(self):
        self.client.force_login(self.member)
        n = self.notices[0]
        r = self.client.get(f"/inbox/{n.pk}/")
        self.assertEqual(r["Location"], f"/discussions/{n.activity.comment_id}/")
        n.refresh_from_db()
        self.assertIsNotNone(n.read_at)
        self.assertEqual(services.unread_count(self.member), 2)

    def test_nobody_opens_anothers_notice(self):
        self.client.force_login(self.other_member)
        self.assertEqual(self.client.get(f"/inbox/{self.safety.pk}/").status_code, 404)
        self.safety.refresh_from_db()
        self.assertIsNone(self.safety.read_at)
        r = self.client.get("/inbox/")
        self.assertNotContains(r, "Safety update: Heat Therapy")

    def test_mark_all_read_plain_and_htmx(self):
        self.client.force_login(self.member)
        r = self.client.post("/inbox/", **HTMX)
        self.assertContains(r, "All your notices are marked as read.")
        self.assertNotContains(r, "Mark all as read")
        self.assertEqual(services.unread_count(self.member), 0)
        Notice.objects.update(read_at=None)
        r = self.client.post("/inbox/")
        self.assertRedirects(r, "/inbox/")
        self.assertEqual(services.unread_count(self.member), 0)

    def test_the_unread_count_is_one_query(self):
        with self.assertNumQueries(1):
            self.assertEqual(services.unread_count(self.member), 3)
        from django.contrib.auth.models import AnonymousUser

        with self.assertNumQueries(0):
            self.assertEqual(services.unread_count(AnonymousUser()), 0)

    def test_the_account_page_shows_the_inbox_and_settings(self):
        self.client.force_login(self.member)
        r = self.client.get("/account/")
        self.assertContains(r, "You have 3 unread notices")
        self.assertContains(r, 'href="/notifications/"')


class EmailSettingsTests(CommunityPageTestCase):
    def test_the_member_chooses_plain_and_with_htmx(self):
        self.client.force_login(self.member)
        r = self.client.get("/notifications/")
        self.assertContains(r, 'value="now" id="id_email_0" required checked')
        r = self.client.post("/notifications/", {"email": "daily"})
        self.assertRedirects(r, "/notifications/")
        self.assertEqual(services.email_choice(self.member), Preference.Email.DAILY)
        r = self.client.post("/notifications/", {"email": "never"}, **HTMX)
        self.assertContains(r, "Your email choice is saved.")
        self.assertContains(r, 'value="never" id="id_email_2" required checked')
        self.assertEqual(services.email_choice(self.member), Preference.Email.NEVER)

    def test_a_wrong_choice_is_refused_beside_the_field(self):
        self.client.force_login(self.member)
        r = self.client.post("/notifications/", {"email": "hourly"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'class="field__error" id="email-error"')
        self.assertEqual(services.email_choice(self.member), Preference.Email.NOW)

    def test_it_lists_what_the_member_follows_and_watches_each_with_a_way_out(self):
        services.follow(self.member, self.remedy)
        services.watch(self.member, self.page)
        self.client.force_login(self.member)
        r = self.client.get("/notifications/")
        self.assertContains(r, 'action="/follow/remedies/heat/"')
        self.assertContains(r, 'action="/watch/remedies/heat/for/back/"')
        self.assertContains(r, 'name="action" value="unwatch"')

    def test_an_unverified_member_is_told_no_email_can_go(self):
        self.client.force_login(self.unverified)
        r = self.client.get("/notifications/")
        self.assertContains(r, "not verified yet")


class EditLinkTests(CommunityPageTestCase):
    def test_editors_see_edit_on_every_page_they_may_change(self):
        self.client.force_login(self.editor)
        for url, admin in [
            ("/remedies/heat/", f"/admin/remedies/remedy/{self.remedy.pk}/change/"),
            (
                self.page.get_absolute_url(),
                f"/admin/remedies/evidencepage/{self.page.pk}/change/",
            ),
            ("/ailments/back/", f"/admin/ailments/ailment/{self.ailment.pk}/change/"),
        ]:
            r = self.client.get(url)
            self.assertContains(r, f'href="{admin}">Edit<span', msg_prefix=url)

    def test_members_and_visitors_never_see_it(self):
        for client in [self.client, self.client_class()]:
            if client is self.client:
                client.force_login(self.member)
            r = client.get("/remedies/heat/")
            self.assertNotContains(r, "in the admin")

    def test_staff_without_the_permission_do_not_see_it(self):
        staff = make_member(is_staff=True)
        self.client.force_login(staff)
        self.assertNotContains(self.client.get("/remedies/heat/"), "in the admin")


class MemberDataTests(CommunityPageTestCase):
    def test_the_community_part_of_a_members_data(self):
        services.follow(self.member, self.remedy)
        services.watch(self.member, self.page)
        services.set_email_choice(self.member, Preference.Email.DAILY)
        with self.assertNumQueries(5):
            data = services.member_data(self.member)
        self.assertEqual(data["email_choice"], "daily")
        self.assertEqual([f["name"] for f in data["following"]], ["Heat Therapy"])
        self.assertEqual(
            [w["discussion"] for w in data["watching"]],
            ["Heat Therapy for Low back pain"],
        )
        self.assertEqual(services.member_data(self.other_member)["following"], [])
