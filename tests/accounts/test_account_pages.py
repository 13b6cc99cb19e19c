"""The account pages a member reaches read as Remedies does: our layout, our words.

allauth's pages come with its own wording ("Confirm Access", "Please contact
us", title case, a Cancel button that signs the member out); ours replace
them (templates/account/).
"""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from tests.helpers import PASSWORD, SiteTestCase

# allauth's own words, which none of our pages use (case matters: we write
# "Sign in", allauth "Sign In").
STOCK = [
    "contact us",
    "Confirm Access",
    "Please reauthenticate",
    "Enter your password:",
    "Alternative options",
    "Request Code",
    "Enter Sign-In Code",
    "Sign In",
    "Sign Up",
    "Signup",
    "Sign Out",
    "Password Reset",
    "Reset My Password",
    "Change Password",
    "Set Password",
    "Current Password",
    "New Password",
    "Remember Me",
    "Forgot your password?",
    "Email Addresses",
    "Add Email",
    "Make Primary",
    "Re-send Verification",
    "Verify Your Email Address",
    "Confirm Email Address",
    "Bad Token",
    "Account Inactive",
    "already logged in",
    "Incorrect password.",
    "Cancel",
    "logout-from-stage",
]


def main(response) -> str:
    html = response.content.decode()
    return re.search(r"<main.*?</main>", html, re.S).group(0)


class ConfirmItsYouTests(SiteTestCase):
    url = reverse("account_reauthenticate")

    def setUp(self):
        super().setUp()
        self.client.force_login(self.member)

    def assert_ours(self, r):
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "not medical advice")
        self.assertContains(r, "/static/css/site.")
        self.assertContains(r, '<main id="main" class="wrap auth-page"')
        self.assertContains(r, "<title>Confirm it’s you · Remedies</title>")
        self.assertContains(r, "<h1>Confirm it’s you</h1>", html=True)
        for words in STOCK:
            self.assertNotIn(words, main(r), words)

    def test_the_password_page_is_ours(self):
        r = self.client.get(self.url)
        self.assert_ours(r)
        self.assertContains(r, 'autocomplete="current-password"')
        self.assertContains(r, "Email me a code instead")

    def test_a_wrong_password_is_said_beside_the_field(self):
        r = self.client.post(self.url, {"password": "not it"})
        self.assert_ours(r)
        self.assertContains(r, "That is not your password.")
        self.assertContains(r, 'class="field__error"')
        self.assertContains(r, 'aria-invalid="true"')

    def test_the_right_password_goes_on_to_where_the_member_was_going(self):
        r = self.client.post(
            self.url, {"password": PASSWORD, "next": reverse("accounts:profile")}
        )
        self.assertRedirects(
            r, reverse("accounts:profile"), fetch_redirect_response=False
        )

    def test_by_code_the_pages_and_the_email_are_ours(self):
        request = reverse("account_request_reauthentication_code")
        r = self.client.get(request)
        self.assert_ours(r)
        self.assertContains(r, self.member.email)
        self.assertContains(r, "Type your password instead")
        r = self.client.post(request, {"recipient": self.member.email})
        confirm = reverse("account_confirm_reauthentication_code")
        self.assertRedirects(r, confirm, fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 1)
        sent = mail.outbox[0]
        self.assertEqual(sent.subject, "[Remedies] Your code to confirm it's you")
        code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", sent.body, re.M).group(1)

        r = self.client.get(confirm)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<title>Confirm it’s you · Remedies</title>")
        self.assertContains(r, "Type the code we emailed you")
        for words in STOCK:
            self.assertNotIn(words, main(r), words)
        # Going back is a link to another way of confirming, not a button
        # that signs the member out.
        self.assertContains(r, f'<a href="{request}">Confirm another way</a>')
        self.assertEqual(main(r).count('class="button"'), 1)

        r = self.client.post(confirm, {"code": "WRONG-CODE"})
        self.assertContains(r, 'class="field__error"')
        r = self.client.post(confirm, {"code": code})
        self.assertEqual(r.status_code, 302)
        self.assertIn("_auth_user_id", self.client.session)


class EveryAccountPageTests(SiteTestCase):
    """No page of the account, for a visitor or a member, speaks allauth's words."""

    def pages(self, urls):
        for url in urls:
            r = self.client.get(url)
            with self.subTest(url=url):
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, "/static/css/site.")
                for words in STOCK:
                    self.assertNotIn(words, main(r), words)

    def test_a_visitors_pages(self):
        self.pages(
            [
                reverse("account_login"),
                reverse("account_signup"),
                reverse("account_reset_password"),
                reverse("account_reset_password_done"),
                reverse("account_email_verification_sent"),
                reverse("account_confirm_email", args=["no-such-key"]),
                "/accounts/password/reset/key/1-no-such-key/",
                reverse("account_reset_password_from_key_done"),
                reverse("account_inactive"),
            ]
        )
        r = self.client.post(
            reverse("account_login"), {"login": "x@example.com", "password": "y"}
        )
        for words in STOCK:
            self.assertNotIn(words, main(r), words)

    def test_a_members_pages(self):
        self.client.force_login(self.member)
        self.pages(
            [
                reverse("account_email"),
                reverse("account_change_password"),
                reverse("account_logout"),
                reverse("account_reset_password"),
                reverse("account_reset_password_done"),
                reverse("account_reauthenticate"),
                reverse("account_request_reauthentication_code"),
            ]
        )
        r = self.client.get(reverse("account_reset_password"))
        self.assertContains(r, "You’re signed in as Alice.")
        r = self.client.post(
            reverse("account_change_password"),
            {"oldpassword": "nope", "password1": "x", "password2": "y"},
        )
        self.assertContains(r, 'class="field__error"')
        for words in STOCK:
            self.assertNotIn(words, main(r), words)

    def test_sign_out_asks_with_a_way_to_stay(self):
        self.client.force_login(self.member)
        r = self.client.get(reverse("account_logout"))
        self.assertContains(r, '<button type="submit" class="button">Sign out</button>')
        self.assertContains(
            r, f'<a href="{reverse("accounts:profile")}">Stay signed in</a>'
        )

    def test_a_member_without_a_password_sets_one(self):
        self.member.set_unusable_password()
        self.member.save()
        self.client.force_login(self.member)
        self.pages([reverse("account_set_password")])
