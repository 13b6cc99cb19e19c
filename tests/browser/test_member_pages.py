"""Members' shared evidence pages in a real browser: votes and comments work from them.

The rest of the suite renders pages fresh (PAGE_CACHE_SECONDS is 0 in tests);
here members share one rendering of the page, as in production, and each
one's vote box, CSRF token and comment token are filled in for them.
"""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import expect

from discussions.models import Comment
from remedies.models import EvidencePage
from tests.helpers import PASSWORD, make_member

from .conftest import PHONE

pytestmark = pytest.mark.browser

EVIDENCE = "/remedies/heat-therapy/for/low-back-pain/"


@pytest.fixture
def sharing(settings):
    settings.PAGE_CACHE_SECONDS = 60
    settings.DISCUSSION_POST_INTERVAL = 0
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def member(name: str):
    return make_member(
        display_name=name, date_joined=timezone.now() - timedelta(days=30)
    )


def signed_in(browser, site, who, **context_args):
    page = browser.new_context(**context_args).new_page()
    page.goto(f"{site.url}/accounts/login/?next={EVIDENCE}")
    page.get_by_label("Email").fill(who.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    return page


def tally():
    page = EvidencePage.objects.get(
        remedy__slug="heat-therapy", ailment__slug="low-back-pain"
    )
    return page.votes_up, page.votes_down


def test_members_vote_and_post_from_a_shared_page(demo, sharing, site, browser):
    alice, bob = member("Alice"), member("Bob")
    first = signed_in(browser, site, alice)
    assert first.goto(site.url + EVIDENCE).headers["x-cache"] == "member-miss"

    page = signed_in(browser, site, bob, viewport=PHONE)
    response = page.goto(site.url + EVIDENCE)
    assert response.headers["x-cache"] == "member-hit"
    up, down = tally()

    # A vote with htmx from the shared page: its CSRF token is Bob's.
    page.locator("#vote-box").get_by_role("button", name="It helped").click()
    expect(page.locator('#vote-box [value="up"][aria-pressed="true"]')).to_be_visible()
    assert tally() == (up + 1, down)

    # A comment from the shared page's form, with htmx.
    page.get_by_label("Add to the discussion").fill("Warmth before stretching helped.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#discussion")).to_contain_text(
        "Warmth before stretching helped."
    )
    assert Comment.objects.filter(author=bob).count() == 1

    # Bob now has a comment here: his page is his own, with his buttons.
    response = page.reload()
    assert "x-cache" not in response.headers
    expect(page.get_by_role("link", name="Edit the comment by Bob")).to_be_visible()
    expect(page.locator('#vote-box [value="up"][aria-pressed="true"]')).to_be_visible()

    # Alice sees Bob's vote and comment at once, without his buttons.
    response = first.reload()
    assert response.headers["x-cache"] == "member-miss"
    expect(first.locator("#discussion")).to_contain_text(
        "Warmth before stretching helped."
    )
    assert first.get_by_role("link", name="Edit the comment by Bob").count() == 0
    expect(first.locator('#vote-box [aria-pressed="true"]')).to_have_count(0)


def test_a_shared_page_works_without_javascript(demo, sharing, site, browser):
    signed_in(browser, site, member("Alice")).goto(site.url + EVIDENCE)
    page = signed_in(browser, site, member("Cleo"), java_script_enabled=False)
    assert page.goto(site.url + EVIDENCE).headers["x-cache"] == "member-hit"
    up, down = tally()
    with page.expect_navigation():
        page.locator("#vote-box").get_by_role("button", name="It didn’t help").click()
    expect(page.get_by_text("your vote is counted")).to_be_visible()
    assert tally() == (up, down + 1)
    page.get_by_label("Add to the discussion").fill("No change for me.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#discussion")).to_contain_text("No change for me.")
