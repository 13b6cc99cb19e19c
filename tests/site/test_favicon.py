"""/favicon.ico, which browsers and the admin ask for whatever a page links to."""

from django.templatetags.static import static
from django.test import TestCase, override_settings


@override_settings(WHITENOISE_AUTOREFRESH=False)
class FaviconTests(TestCase):
    def test_it_leads_to_the_hashed_icon_which_is_an_icon_cached_for_a_year(self):
        r = self.client.get("/favicon.ico")
        self.assertEqual(r.status_code, 302)
        self.assertEqual(r["Location"], static("img/favicon.ico"))
        self.assertRegex(r["Location"], r"^/static/img/favicon\.[0-9a-f]{12}\.ico$")
        # The redirect itself is cached for a day, by anyone.
        self.assertIn("public", r["Cache-Control"])
        self.assertIn("max-age=86400", r["Cache-Control"])

        icon = self.client.get(r["Location"])
        self.assertEqual(icon.status_code, 200)
        self.assertIn(
            icon["Content-Type"], {"image/x-icon", "image/vnd.microsoft.icon"}
        )
        self.assertIn("immutable", icon["Cache-Control"])
        body = b"".join(icon.streaming_content)
        # An ICO file: reserved 0, type 1 (icon), then how many images it holds.
        self.assertEqual(body[:4], b"\x00\x00\x01\x00")
        self.assertGreaterEqual(int.from_bytes(body[4:6], "little"), 1)
        icon.close()

    def test_a_head_request_is_answered_and_a_post_is_not(self):
        self.assertEqual(self.client.head("/favicon.ico").status_code, 302)
        self.assertEqual(self.client.post("/favicon.ico").status_code, 405)
