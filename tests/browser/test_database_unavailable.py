"""With htmx, a vote while the database is down shows the 503 page's notice in place."""

from unittest import mock

import pytest
from django.db.utils import OperationalError

from tests.helpers import PASSWORD, make_member

pytestmark = pytest.mark.browser

EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"


def test_an_htmx_vote_shows_the_notice_above_the_vote_box(demo, site, page):
    member = make_member()
    page.goto(f"{site.url}/accounts/login/?next={EVIDENCE}")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    assert page.url.split("#")[0] == site.url + EVIDENCE

    # The vote reaches the server, whose database is "down" for it.
    down = OperationalError("connection failed: Connection refused")
    with mock.patch("votes.views.cast_vote", side_effect=down):
        for _ in range(2):  # sending it again replaces the notice
            with page.expect_response(lambda r: r.status == 503):
                page.locator("#vote-box").get_by_role(
                    "button", name="It helped"
                ).click()
            page.locator("#service-notice").wait_for()

    notice = page.locator("#service-notice")
    assert notice.count() == 1
    assert "sending it again is safe" in notice.inner_text()
    assert notice.get_attribute("role") == "alert"
    # Above the vote box, which is still there to try again.
    assert page.locator("#service-notice + #vote-box").count() == 1
    assert (
        page.locator("#vote-box").get_by_role("button", name="It helped").is_visible()
    )
