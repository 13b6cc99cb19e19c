"""A whole visit with the keyboard alone: skip link, visible focus on everything
focused, a sensible order, search through the palette, an evidence page, voting
as a signed-in member, and replying in a discussion."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from discussions.models import Comment
from remedies.models import EvidencePage
from tests.helpers import PASSWORD, make_comment, make_member

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        name: (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().replace(/\\s+/g, ' '),
        id: el.id,
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== 'none',
        visible: box.width > 0 && box.height > 0,
        x: box.left + window.scrollX, y: box.top + window.scrollY,
        inDialog: !!el.closest('dialog[open]'),
    };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def assert_focus_visible(info: dict) -> None:
    assert info is not None, "focus was lost to the page"
    assert info["visible"], f"focused element is not on screen: {info}"
    assert info["outline"] or info["shadow"], f"no visible focus indicator: {info}"


def type_query(page, query: str) -> None:
    """Type into the palette and wait for the suggestions for the whole query.

    On a slow machine keystrokes can come more than the 200 ms debounce apart,
    so earlier prefixes are answered too; the last answer is the one to use.
    """

    def for_whole_query(response) -> bool:
        url = urlsplit(response.url)
        return url.path == "/search/suggest/" and parse_qs(url.query).get("q") == [
            query
        ]

    with page.expect_response(for_whole_query):
        page.keyboard.type(query)


def tab_to(page, name: str, *, limit: int = 150, seen: list | None = None) -> dict:
    """Press Tab until the focused element's name starts with `name`, checking
    that everything focused on the way shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        assert_focus_visible(info)
        if seen is not None:
            seen.append(info)
        if info["name"].startswith(name):
            return info
    raise AssertionError(f"{name!r} not reached in {limit} presses of Tab")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_a_whole_visit_with_the_keyboard(demo, site, page, settings, viewport):
    settings.DISCUSSION_POST_INTERVAL = 0
    member = make_member(
        display_name="Kim", date_joined=timezone.now() - timedelta(days=30)
    )
    target = EvidencePage.objects.get(
        remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
    )
    thread = make_comment(
        target,
        author=make_member(display_name="Ola"),
        text="Nerve glides helped me most.",
    )
    page.set_viewport_size(viewport)
    page.goto(site.url + "/")

    # The first Tab reaches the skip link, shown on screen; it jumps to the content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["name"] == "Skip to content"
    assert_focus_visible(skip)
    assert skip["y"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # From the top, the header reads in order: brand, menu, search, account.
    page.goto(site.url + "/")
    order = []
    tab_to(page, "Join", seen=order)
    names = [i["name"] for i in order]
    assert names == [
        "Skip to content",
        "Remedies",
        "Remedies",
        "Ailments",
        "How we rate",
        "Search remedies or ailments /",
        "Sign in",
        "Join",
    ], names
    header = order[1:]
    for before, after in zip(header, header[1:], strict=False):
        assert (after["y"], after["x"]) > (before["y"], before["x"]) or after[
            "x"
        ] > before["x"], (before, after)

    # Search: the button opens the palette with the focus in it.
    page.goto(site.url + "/")
    button = tab_to(page, "Search remedies or ailments")
    page.keyboard.press("Enter")
    combobox = page.get_by_role("combobox", name="Search remedies and ailments")
    expect(combobox).to_be_focused()
    type_query(page, "stretches sciat")
    expect(page.locator("#palette-listbox [role=option]").first).to_contain_text(
        "Physical Therapy Stretches for Sciatica"
    )
    # While it is open, Tab and Shift+Tab stay inside it.
    for key in ["Tab"] * 6 + ["Shift+Tab"] * 6:
        page.keyboard.press(key)
        info = focused(page)
        assert info is not None and info["inDialog"], (key, info)
        assert_focus_visible(info)
    # Esc closes it and gives the focus back to the button that opened it.
    page.keyboard.press("Escape")
    expect(page.locator("#search-palette")).to_be_hidden()
    assert focused(page)["name"] == button["name"]

    # "/" opens it again; arrows choose, Enter opens the evidence page.
    page.keyboard.press("/")
    expect(combobox).to_be_focused()
    type_query(page, "stretches sciat")
    expect(page.locator("#palette-listbox [role=option]").first).to_contain_text(
        "Physical Therapy Stretches for Sciatica"
    )
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == site.url + EVIDENCE

    # The evidence page: red flags before the vote; "Sign in to vote" is reachable.
    seen = []
    tab_to(page, "Sign in to vote", seen=seen)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" in page.url
    # Into the form: the email field is the first field.
    email_id = page.get_by_label("Email").get_attribute("id")
    for _ in range(40):
        if (info := focused(page)) and info["id"] == email_id:
            break
        page.keyboard.press("Tab")
    assert_focus_visible(focused(page))
    assert focused(page)["id"] == email_id
    page.keyboard.type(member.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.split("#")[0] == site.url + EVIDENCE

    # Vote with the keyboard: the focus stays on the vote, which is pressed.
    up, total = target.votes_up, target.votes_total
    tab_to(page, "▲ It helped")
    page.keyboard.press("Enter")
    helped = page.locator("#vote-box").get_by_role("button", name="It helped")
    expect(helped).to_have_attribute("aria-pressed", "true")
    expect(helped).to_be_focused()
    assert_focus_visible(focused(page))
    target.refresh_from_db()
    assert (target.votes_up, target.votes_total) == (up + 1, total + 1)

    # Reply in the discussion: the form opens with the focus in it.
    tab_to(page, "Reply to Ola", limit=300)
    page.keyboard.press("Enter")
    box = page.get_by_label("Your reply to Ola")
    expect(box).to_be_focused()
    page.keyboard.type("Same here: twice a day.")
    tab_to(page, "Post reply", limit=5)
    page.keyboard.press("Enter")
    expect(page.locator("#discussion").get_by_role("status")).to_contain_text(
        "Your reply is posted."
    )
    reply = Comment.objects.get(parent=thread)
    assert reply.text == "Same here: twice a day."
    expect(page.locator(f"#comment-{reply.pk}")).to_be_focused()
    assert_focus_visible(focused(page))
