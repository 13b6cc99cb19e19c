from django.test import Client, override_settings
from django.urls import path, reverse

from remedies_site import urls as site_urls
from tests.helpers import SiteTestCase


def boom(request):
    raise RuntimeError("broken view")


urlpatterns = [path("boom/", boom), *site_urls.urlpatterns]


class ErrorPageTests(SiteTestCase):
    def test_404_is_a_real_page(self):
        r = self.client.get("/no-such-page/")
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, "We can’t find that page", status_code=404)
        self.assertContains(r, 'action="/search/"', status_code=404)
        self.assertContains(r, "not medical advice", status_code=404)

    @override_settings(ROOT_URLCONF="tests.site.test_errors")
    def test_500_is_a_real_page(self):
        client = Client(raise_request_exception=False)
        r = client.get("/boom/")
        self.assertEqual(r.status_code, 500)
        self.assertContains(r, "Something went wrong on our side", status_code=500)
        self.assertContains(r, "/static/css/site.", status_code=500)


class MethodNotAllowedTests(SiteTestCase):
    def test_a_wrong_method_gets_a_real_page_with_the_allowed_methods(self):
        for url, method in (
            (reverse("csp_report"), "get"),
            (reverse("search:search_results"), "post"),
            (reverse("accounts:export_data"), "post"),
        ):
            with self.subTest(url=url):
                self.client.force_login(self.member)
                r = getattr(self.client, method)(url)
                self.assertEqual(r.status_code, 405)
                self.assertContains(
                    r, "This address doesn’t take that kind of request", status_code=405
                )
                self.assertContains(r, method.upper(), status_code=405)
                self.assertTrue(r["Allow"])
                self.assertContains(r, "not medical advice", status_code=405)
