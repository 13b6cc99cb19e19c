from django.test import Client, override_settings
from django.urls import path

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
