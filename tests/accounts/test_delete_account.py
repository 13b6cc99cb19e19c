from django.contrib.auth import get_user_model
from django.urls import reverse

from remedies.models import EvidencePage
from tests.helpers import PASSWORD, SiteTestCase, make_page
from votes.models import Vote
from votes.services import cast_vote, recount_tallies


class DeleteAccountTests(SiteTestCase):
    url = reverse("accounts:delete_account")

    def exists(self, member=None) -> bool:
        member = member or self.member
        return get_user_model().objects.filter(pk=member.pk).exists()

    def test_get_only_asks_for_confirmation_with_the_password(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(r, "Delete my account")
        self.assertContains(
            r,
            '<input type="password" name="password" id="id_password"',
        )
        self.assertContains(r, 'autocomplete="current-password"')
        self.assertTrue(self.exists())

    def test_post_without_confirming_keeps_the_account_and_explains(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url, {})
        self.assertContains(r, "Tick the box to confirm.")
        self.assertContains(r, "Type your password to confirm it’s you.")
        self.assertTrue(self.exists())
        r = self.client.post(self.url, {"password": PASSWORD})
        self.assertContains(r, "Tick the box to confirm.")
        self.assertTrue(self.exists())

    def test_the_tick_alone_deletes_nothing(self):
        cast_vote(member=self.member, page=make_page(), value=Vote.Value.UP)
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"confirm": "on"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "Type your password to confirm it’s you.")
        self.assertTrue(self.exists())
        self.assertEqual(Vote.objects.count(), 1)

    def test_a_wrong_password_deletes_nothing_and_says_so_beside_the_field(self):
        page = make_page()
        cast_vote(member=self.member, page=page, value=Vote.Value.UP)
        self.client.force_login(self.member)
        for wrong in ("wrong password", PASSWORD.upper(), f" {PASSWORD}", "x" * 2000):
            r = self.client.post(
                self.url,
                {"confirm": "on", "remove_comments": "on", "password": wrong},
            )
            self.assertEqual(r.status_code, 200, wrong)
            self.assertContains(r, 'id="password-error"')
            self.assertContains(r, 'aria-invalid="true"')
            self.assertTrue(self.exists())
        self.assertContains(r, "Ensure this value has at most 1024 characters")
        r = self.client.post(self.url, {"confirm": "on", "password": "wrong"})
        self.assertContains(r, "That is not your password.")
        self.assertContains(r, "Nothing was deleted.")
        # The box stays ticked; the password is never sent back.
        self.assertContains(r, 'id="id_confirm" checked')
        self.assertNotContains(r, 'value="wrong"')
        page.refresh_from_db()
        self.assertEqual(page.votes_up, 1)
        # Still signed in.
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 200)

    def test_someone_elses_password_does_not_delete_either_account(self):
        self.client.force_login(self.member)
        self.other_member.set_password("bobs own password")
        self.other_member.save()
        r = self.client.post(
            self.url, {"confirm": "on", "password": "bobs own password"}
        )
        self.assertContains(r, "That is not your password")
        self.assertTrue(self.exists())
        self.assertTrue(self.exists(self.other_member))

    def test_guessing_is_limited_even_with_the_right_password_after(self):
        self.client.force_login(self.member)
        for _ in range(5):
            self.client.post(self.url, {"confirm": "on", "password": "guess"})
        r = self.client.post(self.url, {"confirm": "on", "password": PASSWORD})
        self.assertContains(r, "Too many wrong passwords.")
        self.assertTrue(self.exists())

    def test_a_member_without_a_password_is_asked_to_set_one(self):
        self.member.set_unusable_password()
        self.member.save()
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(r, reverse("account_set_password"))
        self.assertNotContains(r, 'name="password"')
        self.client.post(self.url, {"confirm": "on", "password": ""})
        self.assertTrue(self.exists())

    def test_deleting_takes_the_votes_out_of_the_tallies(self):
        a, b = make_page(), make_page()
        cast_vote(member=self.member, page=a, value=Vote.Value.UP)
        cast_vote(member=self.member, page=b, value=Vote.Value.DOWN)
        cast_vote(member=self.other_member, page=a, value=Vote.Value.UP)
        self.client.force_login(self.member)
        r = self.client.post(
            self.url, {"confirm": "on", "password": PASSWORD}, follow=True
        )
        self.assertContains(r, "Your account and your votes have been deleted.")
        self.assertFalse(get_user_model().objects.filter(pk=self.member.pk).exists())
        a.refresh_from_db()
        b.refresh_from_db()
        self.assertEqual((a.votes_up, a.votes_down), (1, 0))
        self.assertEqual((b.votes_up, b.votes_down), (0, 0))
        self.assertEqual(recount_tallies(fix=False), [])
        self.assertEqual(EvidencePage.objects.count(), 2)
        # Signed out.
        self.assertRedirects(
            self.client.get(reverse("accounts:profile")),
            "/accounts/login/?next=/account/",
            fetch_redirect_response=False,
        )

    def test_visitor_is_sent_to_sign_in(self):
        r = self.client.post(self.url, {"confirm": "on"})
        self.assertEqual(r.status_code, 302)
        self.assertIn("/accounts/login/", r["Location"])
