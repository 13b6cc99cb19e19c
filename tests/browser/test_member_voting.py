import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from remedies.models import EvidencePage
from tests.helpers import PASSWORD, make_member

from .conftest import PHONE

pytestmark = pytest.mark.browser

EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"


def sign_up_and_verify(page, site, email):
    """From the evidence page's login wall: sign up, open the emailed link, confirm."""
    page.goto(site.url + EVIDENCE)
    page.get_by_role("link", name="Sign in to vote").click()
    assert "/accounts/login/" in page.url
    page.get_by_role("link", name="sign up").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Display name").fill("Newcomer")
    page.get_by_label("Password", exact=False).first.fill(
        "correct horse battery staple"
    )
    page.get_by_label("Password (again)").fill("correct horse battery staple")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign Up").click()
    assert "Check your email" in page.content()

    body = mail.outbox[-1].body
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", body).group(1)
    page.goto(site.url + link)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    # Signed in and brought back to the evidence page.
    assert page.url.split("#")[0] == site.url + EVIDENCE
    assert page.get_by_role("link", name="Your account").is_visible()


def tally():
    p = EvidencePage.objects.get(
        remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
    )
    return p.votes_up, p.votes_down


def test_new_member_signs_up_verifies_and_votes_with_htmx(demo, site, page):
    mail.outbox.clear()
    up, down = tally()
    sign_up_and_verify(page, site, "htmx@example.com")

    box = page.locator("#vote-box")
    figure = page.locator("#community-figure")
    before = figure.inner_text()
    assert f"{up + down} votes" in before
    page.evaluate("window.__sameDocument = true")
    box.get_by_role("button", name="It helped").click()
    helped = page.locator("#vote-box").get_by_role("button", name="It helped")
    helped.and_(page.locator('[aria-pressed="true"]')).wait_for()
    # The number moved without a page load (the marker set above survived),
    # in the summary card at the top of the page, where it is said once.
    assert page.evaluate("window.__sameDocument") is True
    assert tally() == (up + 1, down)
    expect(figure).to_contain_text(f"{up + down + 1} votes")
    assert figure.inner_text() != before
    assert page.locator("#community-figure").count() == 1
    assert "Thanks, your vote is counted." in page.locator("#vote-box").inner_text()
    # Beside it, at once, the offer to follow what they voted on, which works.
    expect(page.locator(".follow__offer")).to_contain_text("You voted on this page.")
    follow = page.locator("#follow").get_by_role("button", name="Follow Sciatica")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__sameDocument") is True

    page.locator("#vote-box").get_by_role("button", name="It didn’t help").click()
    page.locator('#vote-box [value="down"][aria-pressed="true"]').wait_for()
    assert tally() == (up, down + 1)
    page.locator("#vote-box").get_by_role("button", name="Withdraw my vote").click()
    page.get_by_text("Your vote was withdrawn.").wait_for()
    assert tally() == (up, down)


def test_the_same_journey_works_without_javascript(demo, site, page_without_js):
    page = page_without_js
    requests = []
    page.on("request", lambda r: requests.append(r.headers.get("hx-request")))
    mail.outbox.clear()
    up, down = tally()
    sign_up_and_verify(page, site, "nojs@example.com")
    with page.expect_navigation():
        page.get_by_role("button", name="It helped").click()
    assert page.url.endswith(EVIDENCE + "#vote-box")
    assert "Thanks, your vote is counted." in page.content()
    assert (
        page.locator('#vote-box [value="up"]').get_attribute("aria-pressed") == "true"
    )
    assert tally() == (up + 1, down)
    # The member's account page lists the vote and withdraws it.
    page.get_by_role("link", name="Your account").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Withdraw")).click()
    assert "Your vote was withdrawn." in page.content()
    assert tally() == (up, down)
    assert not any(requests), "no request came from htmx"


def test_without_javascript_the_vote_is_confirmed_where_the_member_looks(
    demo, site, browser
):
    """On a phone, after the redirect back to the vote box, the confirmation is
    in the vote box, on screen, not in the page's message area far above."""
    member = make_member()
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site.url}/accounts/login/?next={EVIDENCE}")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    assert page.url.split("#")[0] == site.url + EVIDENCE

    for button, text in [
        ("It helped", "Thanks, your vote is counted."),
        ("Withdraw my vote", "Your vote was withdrawn."),
    ]:
        with page.expect_navigation():
            page.locator("#vote-box").get_by_role("button", name=button).click()
        assert page.url.endswith(EVIDENCE + "#vote-box")
        message = page.get_by_text(text)
        expect(message).to_have_count(1)
        expect(page.locator("#vote-box").get_by_text(text)).to_be_visible()
        expect(message).to_be_in_viewport()
        # Said once, in the vote box: not also at the top of the page.
        expect(page.locator(".messages .message")).to_have_count(0)
    context.close()
