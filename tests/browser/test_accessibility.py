"""axe-core, with all its rules, on every page type, as visitor and member, at
390 and 1280 px, in the light and the dark theme; every page reflows at 320 px
without sideways scrolling, the account page with votes and a discussion with
a very long word and address included.

Each test loads the demo once and walks many pages: the demo load costs more
than a page.
"""

import pytest
from playwright.sync_api import expect

from ailments.models import Ailment
from discussions.models import Comment
from remedies.models import EvidencePage
from search.services import index_ailment
from tests.helpers import make_comment
from votes.models import Vote
from votes.services import cast_vote

from .conftest import DESKTOP, PHONE, axe_violations
from .journeys import (
    DISCUSSED,
    EVIDENCE,
    MEMBER_PAGES,
    VISITOR_PAGES,
    seasoned_member,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.markup]

NARROW = {"width": 320, "height": 640}
# 200 letters without a space, and an address longer than a phone is wide.
LONG_WORD = "Pneumono" + "a" * 184 + "ultimate"
# A display name at its longest (50 characters), without a space.
LONG_NAME = "Pneumono" + "a" * 34 + "ultimate"
LONG_URL = (
    "https://www.example.org/"
    + "/".join(f"a-rather-long-path-segment-{n}" for n in range(8))
    + "?with=query&and=more#fragment"
)


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def check(page, label: str, *, reflow: bool = True) -> dict:
    """axe in both themes at both widths, and no sideways scroll at 320 px."""
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            if violations := axe_violations(page):
                problems[f"{label} {scheme} {viewport['width']}px"] = violations
    if reflow:
        page.set_viewport_size(NARROW)
        if (extra := overflow(page)) > 0:
            problems[f"{label} 320px"] = f"scrolls sideways by {extra}px"
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)
    return problems


def test_every_page_type_for_a_visitor(demo, site, page):
    problems = {}
    for path in VISITOR_PAGES:
        page.goto(site.url + path)
        problems |= check(page, path)
    assert problems == {}


def test_every_page_type_for_a_member_with_votes(demo, site, page):
    member = seasoned_member("Ada")
    # Votes on several pages: the account page lists each with its withdraw button.
    for evidence, value in zip(
        EvidencePage.objects.published().order_by("pk")[:4],
        [Vote.Value.UP, Vote.Value.DOWN, Vote.Value.UP, Vote.Value.DOWN],
        strict=False,
    ):
        cast_vote(member=member, page=evidence, value=value)
    sign_in(page, site, member)
    problems = {}
    for path in MEMBER_PAGES:
        page.goto(site.url + path)
        expect(
            page.get_by_role("link", name="Your account", exact=True)
        ).to_be_visible()
        if path == "/account/":
            expect(page.locator(".votes-table tbody tr")).to_have_count(4)
        problems |= check(page, path)
    assert problems == {}


def test_very_long_words_and_addresses_reflow(demo, site, page, settings):
    """People's words: comments, display names and searches, at their longest."""
    settings.DISCUSSION_POST_INTERVAL = 0
    target = EvidencePage.objects.get(
        remedy__slug="heat-therapy", ailment__slug="low-back-pain"
    )
    author = seasoned_member(LONG_NAME)
    root = make_comment(target, author=author, text=f"{LONG_WORD}\n\n{LONG_URL}")
    # Replies to the deepest level, each with the long word too.
    parent = root
    for _ in range(4):
        parent = make_comment(parent=parent, author=author, text=LONG_WORD)
    page.goto(site.url + DISCUSSED)
    expect(page.locator(f"#comment-{root.pk}")).to_contain_text(LONG_WORD)
    problems = check(page, "visitor discussion")

    # A search for the long word: the results, the recent searches, the palette.
    # Only a search that finds something is remembered, so an ailment has the
    # word among its other names.
    sciatica = Ailment.objects.get(slug="sciatica")
    sciatica.synonyms += f"\n{LONG_WORD}"
    sciatica.save()
    index_ailment(sciatica)
    page.goto(f"{site.url}/search/?q={LONG_WORD}")
    problems |= check(page, "search results")
    page.goto(site.url + "/search/recent/")
    expect(page.get_by_role("link", name=LONG_WORD[:40], exact=False)).to_be_visible()
    problems |= check(page, "recent searches")
    page.set_viewport_size(NARROW)
    page.locator(".palette-open").click()
    page.locator("#palette-q").fill(LONG_WORD[:100])
    expect(page.locator("#palette-option-all")).to_be_visible()
    inside = page.evaluate(
        "(e => e.scrollWidth - e.clientWidth)(document.getElementById('palette-results'))"
    )
    if inside > 0:
        problems["palette 320px"] = f"scrolls sideways by {inside}px"
    page.keyboard.press("Escape")

    reader = seasoned_member(LONG_NAME[::-1])
    sign_in(page, site, reader, DISCUSSED)
    problems |= check(page, "member discussion")
    page.locator(f"#comment-{parent.pk}").get_by_role(
        "link", name=f"Reply to {LONG_NAME}"
    ).click()
    reply = page.get_by_label(f"Your reply to {LONG_NAME}")
    expect(reply).to_be_focused()
    reply.fill(LONG_WORD)
    problems |= check(page, "member reply form open")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#discussion").get_by_role("status")).to_contain_text(
        "Your reply is posted."
    )
    problems |= check(page, "member after replying")
    assert Comment.objects.filter(author=reader, text=LONG_WORD).count() == 1
    # The reply form as a page of its own, as without JavaScript.
    page.goto(f"{site.url}/discussions/{root.pk}/reply/")
    problems |= check(page, "member reply page")
    assert problems == {}


def test_forms_with_errors(demo, site, page):
    problems = {}
    page.goto(site.url + "/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("wrong password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    problems |= check(page, "sign-in with errors")

    page.goto(site.url + "/accounts/signup/")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password", exact=False).first.fill("short")
    page.get_by_label("Password (again)").fill("different")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".field__error").first).to_be_visible()
    problems |= check(page, "sign-up with errors")

    # A member's password change with errors.
    sign_in(page, site, seasoned_member("Grace"))
    page.goto(site.url + "/accounts/password/change/")
    page.locator("input[name=oldpassword]").fill("not my password")
    page.locator("input[name=password1]").fill("x")
    page.locator("input[name=password2]").fill("y")
    with page.expect_navigation():
        page.get_by_role("button", name="Change Password").click()
    expect(page.locator(".field__error").first).to_be_visible()
    problems |= check(page, "password change with errors")
    assert problems == {}


def test_palette_and_reply_form_open_in_both_themes(demo, site, page, settings):
    settings.DISCUSSION_POST_INTERVAL = 0
    target = EvidencePage.objects.get(
        remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
    )
    root = make_comment(target, author=seasoned_member("Lin"), text="It helped me.")
    sign_in(page, site, seasoned_member("Sam"), EVIDENCE)
    page.locator(f"#comment-{root.pk}").get_by_role("link", name="Reply to Lin").click()
    expect(page.get_by_label("Your reply to Lin")).to_be_focused()
    problems = check(page, "reply form open")
    # An error beside the reply field.
    page.get_by_role("button", name="Post reply").click()
    page.get_by_label("Your reply to Lin").evaluate("t => t.required = false")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Write something first.")).to_be_visible()
    problems |= check(page, "reply form with an error")
    assert not Comment.objects.filter(parent=root).exists()

    # The search palette, open with suggestions, in both themes.
    page.locator(".palette-open").click()
    combobox = page.get_by_role("combobox", name="Search remedies and ailments")
    expect(combobox).to_be_focused()
    combobox.type("sciat")
    expect(page.locator("#palette-option-all")).to_be_visible()
    combobox.press("ArrowDown")
    problems |= check(page, "palette open", reflow=False)
    assert problems == {}
