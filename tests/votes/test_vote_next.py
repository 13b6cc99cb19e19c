"""Where the vote form sends a member back to: a path on this site, or the vote box."""

from django.test import TestCase

from tests.helpers import make_member, make_page


class VoteNextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = make_member()
        cls.page = make_page()
        cls.url = f"{cls.page.get_absolute_url()}vote/"
        cls.back = f"{cls.page.get_absolute_url()}#vote-box"

    def setUp(self):
        self.client.force_login(self.member)

    def test_a_path_on_this_site_is_followed(self):
        r = self.client.post(self.url, {"vote": "up", "next": "/account/"})
        self.assertRedirects(r, "/account/", fetch_redirect_response=False)

    def test_anything_else_returns_to_the_vote_box(self):
        # A bare word once made the view look for a URL of that name, and fail.
        for next_url in [
            "spam",
            "account",
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
        ]:
            r = self.client.post(self.url, {"vote": "up", "next": next_url})
            self.assertEqual(r.status_code, 302, next_url)
            self.assertEqual(r["Location"], self.back, next_url)
