"""The database down: a kind 503 page at once, with Retry-After, never cached."""

from unittest import mock

from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path, reverse

from discussions.models import Comment
from remedies_site import urls as site_urls
from tests.helpers import SiteTestCase, make_ailment, make_page, make_remedy
from votes.models import Vote

HTMX = {"HTTP_HX_REQUEST": "true"}


def remember(request):
    request.session["seen"] = True  # saved by the middleware, after the view
    return HttpResponse("ok")


# The site's URLs and error handler, and a view whose session is saved after it.
urlpatterns = [path("remember/", remember), *site_urls.urlpatterns]
handler500 = site_urls.handler500


def database_down(error=OperationalError):
    """Every query fails as it does while PostgreSQL is stopped."""
    return mock.patch.object(
        connection,
        "cursor",
        side_effect=error("connection failed: Connection refused"),
    )


class DatabaseUnavailableTests(SiteTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.page = make_page(
            make_remedy(name="Heat Therapy", slug="heat"),
            make_ailment(name="Low back pain", slug="back"),
            up=3,
            down=1,
        )
        cls.page_url = cls.page.get_absolute_url()
        cls.vote_url = reverse("votes:vote", args=["heat", "back"])
        cls.comment_url = reverse("discussions:post_comment", args=["heat", "back"])

    def assert_unavailable(self, response):
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "5")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertNotIn("Traceback", response.content.decode())

    def test_a_page_is_the_503_page(self):
        with database_down():
            r = self.client.get(self.page_url)
        self.assert_unavailable(r)
        self.assertContains(r, "We’ll be back in a moment", status_code=503)
        self.assertContains(r, "can’t reach its database", status_code=503)
        # The site's own look: its stylesheet, header and not-medical-advice notice.
        self.assertContains(r, "/static/css/site.", status_code=503)
        self.assertContains(r, "not medical advice", status_code=503)
        self.assertContains(
            r, '<meta name="robots" content="noindex">', status_code=503
        )

    def test_interface_errors_are_503_too(self):
        with database_down(InterfaceError):
            r = self.client.get(reverse("home"))
        self.assert_unavailable(r)

    def test_a_members_page_is_the_503_page_without_their_session(self):
        self.client.force_login(self.member)
        with database_down():
            r = self.client.get(self.page_url)
        self.assert_unavailable(r)
        self.assertContains(r, "Sign in", status_code=503)  # no user without the DB
        self.assertNotContains(r, "Your account", status_code=503)

    def test_a_vote_is_503_and_not_stored(self):
        self.client.force_login(self.member)
        with database_down():
            r = self.client.post(self.vote_url, {"vote": "up"})
        self.assert_unavailable(r)
        self.assertContains(r, "sending it again is safe", status_code=503)
        self.assertFalse(Vote.objects.exists())

    def test_an_htmx_vote_gets_only_the_notice(self):
        self.client.force_login(self.member)
        with database_down():
            r = self.client.post(self.vote_url, {"vote": "up"}, **HTMX)
        self.assert_unavailable(r)
        html = r.content.decode()
        self.assertIn('id="service-notice"', html)
        self.assertIn('role="alert"', html)
        self.assertNotIn("<html", html)
        self.assertNotIn("<h1", html)

    def test_a_comment_is_503_and_not_stored(self):
        self.client.force_login(self.member)
        with database_down():
            r = self.client.post(self.comment_url, {"text": "Helped me a lot."})
        self.assert_unavailable(r)
        self.assertFalse(Comment.objects.exists())

    @override_settings(ROOT_URLCONF="tests.faults.test_database_unavailable")
    def test_the_database_failing_after_the_view_is_503_too(self):
        # Saving the session happens after the view, outside the middleware's
        # reach: the site's handler500 answers with the same page.
        client = Client(raise_request_exception=False)
        with mock.patch.object(
            SessionStore, "save", side_effect=OperationalError("server closed")
        ):
            r = client.get("/remember/")
        self.assert_unavailable(r)
        self.assertContains(r, "We’ll be back in a moment", status_code=503)

    @override_settings(ROOT_URLCONF="tests.faults.test_database_unavailable")
    def test_other_errors_are_still_500(self):
        client = Client(raise_request_exception=False)
        with mock.patch.object(SessionStore, "save", side_effect=RuntimeError("bug")):
            r = client.get("/remember/")
        self.assertEqual(r.status_code, 500)
        self.assertContains(r, "Something went wrong on our side", status_code=500)

    def test_the_site_answers_normally_once_the_database_is_back(self):
        with database_down():
            self.assertEqual(self.client.get(reverse("home")).status_code, 503)
        r = self.client.get(reverse("home"))
        self.assertEqual(r.status_code, 200)

    def test_readyz_says_the_database_is_down(self):
        with database_down():
            r = self.client.get("/readyz")
        self.assertEqual(r.status_code, 503)
        self.assertIn(b"database", r.content)
