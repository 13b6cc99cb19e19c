from django.urls import reverse

from tests.helpers import SiteTestCase


class MethodsTests(SiteTestCase):
    def test_it_explains_every_number(self):
        r = self.client.get(reverse("methods"))
        for heading in (
            "Effectiveness",
            "Overall effectiveness",
            "best supported first",
            "Studies cited",
            "Evidence grades",
            "Safety rating",
            "Updated and reviewed",
        ):
            self.assertContains(r, heading)
        self.assertContains(r, "Not yet rated")
        # The worked examples match the scoring code's values.
        for value in ("0.44", "0.60", "0.89"):
            self.assertContains(r, f"<td>{value}</td>", html=True)

    def test_query_count(self):
        with self.assertNumQueries(0):
            self.client.get(reverse("methods"))
