import re

from django.contrib.auth import get_user_model
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from accounts.adapter import DEMO_EMAIL, DEMO_PASSWORD
from remedies.models import EvidencePage
from tests.helpers import PASSWORD, SiteTestCase, make_member, make_page


class SignupToVoteTests(SiteTestCase):
    def test_a_new_member_signs_up_verifies_and_votes(self):
        page = make_page(up=1)
        back = page.get_absolute_url() + "#vote-box"
        signup = reverse("account_signup") + f"?next={back}"
        r = self.client.get(signup)
        self.assertContains(r, "<h1>Sign up</h1>", html=True)
        r = self.client.post(
            signup,
            {
                "email": "new@example.com",
                "display_name": "Newcomer",
                "password1": "correct horse battery",
                "password2": "correct horse battery",
                "next": back,
            },
        )
        # Not signed in until the address is verified.
        self.assertRedirects(
            r, reverse("account_email_verification_sent"), fetch_redirect_response=False
        )
        self.assertEqual(len(mail.outbox), 1)
        link = re.search(
            r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body
        ).group(1)
        r = self.client.get(link)
        self.assertContains(r, "new@example.com")
        r = self.client.post(link)
        self.assertEqual(r.status_code, 302)
        # Signed in now: the vote counts.
        self.client.post(
            reverse("votes:vote", args=[page.remedy.slug, page.ailment.slug]),
            {"vote": "up"},
        )
        page.refresh_from_db()
        self.assertEqual(page.votes_up, 2)

    def test_signup_errors_show_beside_the_field_and_keep_the_email(self):
        make_member(email="taken@example.com")
        r = self.client.post(
            reverse("account_signup"),
            {
                "email": "taken@example.com",
                "password1": "short",
                "password2": "short",
            },
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'value="taken@example.com"')
        self.assertContains(r, 'class="field__error"')
        self.assertEqual(
            get_user_model().objects.filter(email="taken@example.com").count(), 1
        )

    def test_sign_in_by_email_returns_to_the_page(self):
        member = make_member(email="back@example.com")
        page = make_page()
        r = self.client.post(
            reverse("account_login"),
            {
                "login": member.email,
                "password": PASSWORD,
                "next": page.get_absolute_url(),
            },
        )
        self.assertRedirects(r, page.get_absolute_url(), fetch_redirect_response=False)

    def test_auth_pages_use_the_site_layout_and_no_cdn(self):
        for name in ("account_login", "account_signup", "account_reset_password"):
            r = self.client.get(reverse(name))
            self.assertContains(r, "not medical advice")
            self.assertContains(r, "/static/css/site.")
            self.assertNotContains(r, "cdn")

    def test_admin_sign_in_goes_through_the_site_login(self):
        r = self.client.get("/admin/login/?next=/admin/")
        self.assertRedirects(
            r, "/accounts/login/?next=%2Fadmin%2F", fetch_redirect_response=False
        )
        self.client.force_login(self.member)
        self.assertEqual(self.client.get("/admin/login/").status_code, 403)


class DemoMemberTests(SiteTestCase):
    def setUp(self):
        self.demo = make_member(email=DEMO_EMAIL, username="demo")
        self.demo.set_password(DEMO_PASSWORD)
        self.demo.save()

    def test_demo_account_is_refused_when_debug_is_off(self):
        r = self.client.post(
            reverse("account_login"),
            {"login": DEMO_EMAIL, "password": DEMO_PASSWORD},
            follow=True,
        )
        self.assertContains(
            r, "The demo accounts only work on a local copy of the site."
        )
        self.assertNotIn("_auth_user_id", self.client.session)

    @override_settings(DEBUG=True)
    def test_demo_account_signs_in_locally(self):
        r = self.client.post(
            reverse("account_login"), {"login": DEMO_EMAIL, "password": DEMO_PASSWORD}
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.demo.pk))
        self.assertEqual(EvidencePage.objects.count(), 0)


class LoginRateLimitTests(SiteTestCase):
    def test_repeated_failed_sign_ins_are_refused_with_a_message(self):
        member = make_member(email="target@example.com")
        url = reverse("account_login")
        for _ in range(5):
            r = self.client.post(
                url, {"login": member.email, "password": "wrong password"}
            )
            self.assertContains(
                r, "The email address and/or password you specified are not correct."
            )
        r = self.client.post(url, {"login": member.email, "password": PASSWORD})
        self.assertContains(r, "Too many failed login attempts. Try again later.")
        self.assertNotIn("_auth_user_id", self.client.session)
