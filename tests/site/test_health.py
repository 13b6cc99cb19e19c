from unittest import mock

from django.db import connection
from django.db.utils import OperationalError

from tests.helpers import SiteTestCase


class HealthTests(SiteTestCase):
    def test_healthz_answers_without_the_database(self):
        with self.assertNumQueries(0):
            r = self.client.get("/healthz")
        self.assertEqual((r.status_code, r.content), (200, b"ok\n"))
        self.assertIn("no-cache", r["Cache-Control"])

    def test_readyz_checks_the_database_and_the_cache(self):
        r = self.client.get("/readyz")
        self.assertEqual((r.status_code, r.content), (200, b"ready\n"))
        self.assertIn("no-cache", r["Cache-Control"])

    def test_readyz_is_503_when_the_database_is_down(self):
        with mock.patch.object(
            connection, "cursor", side_effect=OperationalError("down")
        ):
            r = self.client.get("/readyz")
        self.assertEqual(r.status_code, 503)
        self.assertIn(b"database", r.content)

    def test_readyz_is_503_when_the_cache_is_down(self):
        with mock.patch(
            "remedies_site.views.cache.set", side_effect=ConnectionError("down")
        ):
            r = self.client.get("/readyz")
        self.assertEqual(r.status_code, 503)
        self.assertIn(b"cache", r.content)
