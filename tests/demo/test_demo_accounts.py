"""The local demo member and editor are established members from the first load on."""

import uuid
from datetime import timedelta
from io import StringIO

from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.adapter import DEMO_EDITOR_EMAIL, DEMO_EMAIL, DEMO_PASSWORD
from accounts.models import User
from discussions.models import Comment


def load_demo():
    call_command("load_demo", stdout=StringIO())


@override_settings(DEBUG=True)
class DemoAccountTests(TestCase):
    def setUp(self):
        cache.clear()  # rate limits count in the cache

    def assert_established(self, email):
        account = User.objects.get(email=email)
        self.assertLessEqual(account.date_joined, timezone.now() - timedelta(days=89))
        self.assertTrue(
            EmailAddress.objects.filter(
                user=account, email=email, verified=True, primary=True
            ).exists()
        )
        return account

    def test_the_demo_member_replies_at_once_after_the_load(self):
        load_demo()
        self.assertTrue(
            self.client.login(request=None, email=DEMO_EMAIL, password=DEMO_PASSWORD)
        )
        demo_comment = Comment.objects.filter(
            author__username__startswith="demo-commenter-", parent=None
        ).first()
        r = self.client.post(
            reverse("discussions:reply", args=[demo_comment.pk]),
            {"text": "Trying the site out.", "token": str(uuid.uuid4())},
        )
        self.assertEqual(r.status_code, 302)
        self.assertTrue(
            Comment.objects.filter(
                author__email=DEMO_EMAIL, parent=demo_comment
            ).exists()
        )

    @override_settings(
        DISCUSSION_POST_INTERVAL=0, DISCUSSION_NEW_MEMBER_POST_INTERVAL=30
    )
    def test_the_demo_member_has_an_established_members_limits(self):
        load_demo()
        self.client.force_login(User.objects.get(email=DEMO_EMAIL))
        demo_comment = Comment.objects.filter(
            author__username__startswith="demo-commenter-", parent=None
        ).first()
        url = reverse("discussions:reply", args=[demo_comment.pk])
        for text in ("First reply.", "And a second thought."):
            r = self.client.post(url, {"text": text, "token": str(uuid.uuid4())})
            self.assertEqual(r.status_code, 302, r.content[:3000])
        self.assertEqual(Comment.objects.filter(author__email=DEMO_EMAIL).count(), 2)

    def test_the_demo_accounts_are_established_and_stay_so_on_every_load(self):
        load_demo()
        member = self.assert_established(DEMO_EMAIL)
        editor = self.assert_established(DEMO_EDITOR_EMAIL)
        self.assertTrue(editor.is_staff)
        joined = member.date_joined
        load_demo()
        member = self.assert_established(DEMO_EMAIL)
        self.assertEqual(member.date_joined, joined)
        self.assertEqual(User.objects.filter(email=DEMO_EMAIL).count(), 1)

    def test_a_demo_account_made_today_becomes_established_on_the_next_load(self):
        load_demo()
        # As an earlier loader left it: joined at the moment it was made.
        User.objects.filter(email=DEMO_EMAIL).update(date_joined=timezone.now())
        EmailAddress.objects.filter(email=DEMO_EMAIL).update(verified=False)
        load_demo()
        member = self.assert_established(DEMO_EMAIL)
        self.assertTrue(member.check_password(DEMO_PASSWORD))

    def test_the_demo_accounts_are_found_by_their_address(self):
        # A member who signed up before the first load took the short username.
        someone = User.objects.create_user(
            username="demo", email="demo@elsewhere.example", password="x" * 20
        )
        load_demo()
        someone.refresh_from_db()
        self.assertFalse(someone.is_staff)
        self.assertFalse(EmailAddress.objects.filter(user=someone).exists())
        self.assert_established(DEMO_EMAIL)


class NoDemoAccountsWithoutDebugTests(TestCase):
    def test_no_demo_account_when_debug_is_off(self):
        load_demo()
        self.assertFalse(
            User.objects.filter(email__in=[DEMO_EMAIL, DEMO_EDITOR_EMAIL]).exists()
        )
