"""Static files as production serves them: whitenoise with the files read at start."""

from django.templatetags.static import static
from django.test import TestCase, override_settings


@override_settings(WHITENOISE_AUTOREFRESH=False)
class StaticFileTests(TestCase):
    def test_the_hashed_stylesheet_is_cached_for_a_year_and_compressed(self):
        url = static("css/site.css")
        self.assertRegex(url, r"^/static/css/site\.[0-9a-f]{12}\.css$")
        r = self.client.get(url, headers={"accept-encoding": "br, gzip"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], 'text/css; charset="utf-8"')
        self.assertEqual(r["Content-Encoding"], "br")
        self.assertIn("immutable", r["Cache-Control"])
        self.assertIn("max-age=315360000", r["Cache-Control"])
        r.close()

    def test_an_unhashed_name_is_not_cached_for_long(self):
        r = self.client.get("/static/css/site.css")
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("immutable", r["Cache-Control"])
        r.close()

    def test_an_unknown_file_is_the_sites_404_page(self):
        r = self.client.get("/static/css/nothing-here.css")
        self.assertContains(r, "We can’t find that page", status_code=404)
