from django.contrib.auth import get_user_model
from django.urls import reverse

from remedies.models import EvidencePage
from tests.helpers import SiteTestCase, make_page
from votes.models import Vote
from votes.services import cast_vote, recount_tallies


class DeleteAccountTests(SiteTestCase):
    url = reverse("accounts:delete_account")

    def test_get_only_asks_for_confirmation(self):
        self.client.force_login(self.member)
        r = self.client.get(self.url)
        self.assertContains(r, "Delete my account")
        self.assertTrue(get_user_model().objects.filter(pk=self.member.pk).exists())

    def test_post_without_confirming_keeps_the_account_and_explains(self):
        self.client.force_login(self.member)
        r = self.client.post(self.url, {})
        self.assertContains(r, "Tick the box to confirm.")
        self.assertTrue(get_user_model().objects.filter(pk=self.member.pk).exists())

    def test_deleting_takes_the_votes_out_of_the_tallies(self):
        a, b = make_page(), make_page()
        cast_vote(member=self.member, page=a, value=Vote.Value.UP)
        cast_vote(member=self.member, page=b, value=Vote.Value.DOWN)
        cast_vote(member=self.other_member, page=a, value=Vote.Value.UP)
        self.client.force_login(self.member)
        r = self.client.post(self.url, {"confirm": "on"}, follow=True)
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
