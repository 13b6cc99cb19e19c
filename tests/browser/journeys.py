"""Every page type and every htmx action, walked in a real browser.

test_csp.py and test_console.py walk the same pages and do the same things,
each watching for its own kind of problem: `checkpoint(label)` is called after
every page and every action, once what it swaps in has settled.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from discussions.models import Comment
from remedies.models import EvidencePage
from tests.helpers import PASSWORD, make_comment, make_member

REMEDY = "/remedies/physical-therapy-stretches/"
EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"
# A page whose discussion the demo content leaves empty: the journeys write there.
DISCUSSED = "/remedies/heat-therapy/for/low-back-pain/"
MISSING = "/no-such-page/"

VISITOR_PAGES = [
    "/",
    "/remedies/",
    "/remedies/?category=exercise-movement",
    REMEDY,
    EVIDENCE,
    "/ailments/",
    "/ailments/sciatica/",
    "/about/methods/",
    "/about/privacy/",
    "/search/?q=sciatica",
    "/search/?q=zzzzqx",  # nothing found: suggestions instead
    "/search/recent/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    MISSING,
]
MEMBER_PAGES = [
    "/",
    "/remedies/",
    REMEDY,
    EVIDENCE,
    "/ailments/",
    "/ailments/sciatica/",
    "/about/methods/",
    "/about/privacy/",
    "/search/?q=sciatica",
    "/search/recent/",
    "/account/",
    "/account/delete/",
    "/accounts/password/change/",
    "/accounts/email/",
    MISSING,
]

Checkpoint = Callable[[str], None]


def seasoned_member(name: str):
    """A verified member whose account is old enough for the usual post interval."""
    return make_member(
        display_name=name, date_joined=timezone.now() - timedelta(days=30)
    )


def sign_in(page, site, member, next_path: str = "/") -> None:
    page.goto(f"{site.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def settled(page) -> None:
    """Wait until htmx has settled and the browser has dispatched what it queued."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 100))")


def visit_all(page, site, paths: list[str], checkpoint: Checkpoint) -> None:
    for path in paths:
        response = page.goto(site.url + path)
        assert response.status == (404 if path == MISSING else 200), path
        settled(page)
        checkpoint(path)


def use_the_palette(page, site, checkpoint: Checkpoint, *, start: str = "/") -> None:
    """Open it (recent and trending load), type (suggestions load), choose a
    suggestion (a page), open it again (the choice is a recent search) and
    clear the recent searches."""
    page.goto(site.url + start)
    settled(page)
    page.locator(".palette-open").click()
    combobox = page.get_by_role("combobox", name="Search remedies and ailments")
    expect(combobox).to_be_focused()
    settled(page)
    checkpoint("palette opened")
    combobox.fill("stretches sciat")
    option = page.locator("#palette-listbox [role=option]").first
    expect(option).to_contain_text("Physical Therapy Stretches for Sciatica")
    settled(page)
    checkpoint("palette suggestions")
    combobox.press("ArrowDown")
    with page.expect_navigation():
        combobox.press("Enter")
    settled(page)
    checkpoint("palette choice opened")
    page.locator(".palette-open").click()
    recent = page.locator("#palette-listbox [role=group]").first
    expect(recent).to_contain_text("Recent searches")
    settled(page)
    checkpoint("palette recent searches")
    page.get_by_role("button", name="Clear recent searches").click()
    expect(page.locator(".palette__notice")).to_have_text(
        "Your recent searches are cleared."
    )
    settled(page)
    checkpoint("palette recent searches cleared")
    page.keyboard.press("Escape")
    expect(page.locator("#search-palette")).to_be_hidden()


def resize(page, textarea) -> None:
    """Drag the textarea's corner down, as a member who wants more room does
    (the browser then gives it a style attribute with its new height)."""
    textarea.scroll_into_view_if_needed()
    box = textarea.bounding_box()
    corner_x, corner_y = box["x"] + box["width"] - 3, box["y"] + box["height"] - 3
    page.mouse.move(corner_x, corner_y)
    page.mouse.down()
    page.mouse.move(corner_x, corner_y + 80, steps=4)
    page.mouse.up()
    assert textarea.get_attribute("style"), "the textarea was not resized"


def vote_post_reply_edit_delete_and_flag(
    page, site, member, checkpoint: Checkpoint
) -> None:
    """Every htmx action of a member on an evidence page, each checked as it lands.

    The caller has signed `member` in and set DISCUSSION_POST_INTERVAL to 0.
    """
    target = EvidencePage.objects.get(
        remedy__slug="heat-therapy", ailment__slug="low-back-pain"
    )
    other = make_comment(
        target, author=seasoned_member("Ola"), text="Warmth helped me most."
    )
    page.goto(site.url + DISCUSSED)
    settled(page)
    checkpoint("discussed page")
    box = page.locator("#vote-box")

    # Vote, change the vote, withdraw it: the vote box and the numbers swap.
    box.get_by_role("button", name="It helped").click()
    expect(box.locator('[value="up"][aria-pressed="true"]')).to_be_visible()
    settled(page)
    checkpoint("vote up")
    box.get_by_role("button", name="It didn’t help").click()
    expect(box.locator('[value="down"][aria-pressed="true"]')).to_be_visible()
    settled(page)
    checkpoint("vote down")
    box.get_by_role("button", name="Withdraw my vote").click()
    expect(box).to_contain_text("Your vote was withdrawn.")
    settled(page)
    checkpoint("vote withdrawn")

    # Post: an empty comment's error, then a comment from a resized box.
    discussion = page.locator("#discussion")
    text = page.get_by_label("Add to the discussion")
    text.evaluate("t => t.required = false")
    page.get_by_role("button", name="Post comment").click()
    expect(discussion.get_by_text("Write something first.")).to_be_visible()
    settled(page)
    checkpoint("post with an error")
    text = page.get_by_label("Add to the discussion")
    resize(page, text)
    text.fill("Heat before stretching, twice a day.")
    page.get_by_role("button", name="Post comment").click()
    expect(discussion.get_by_role("status")).to_contain_text("Your comment is posted.")
    settled(page)
    checkpoint("post")
    mine = Comment.objects.filter(author=member).latest("pk")

    # Reply: open the form, cancel, open it again and post.
    thread = page.locator(f"#comment-{other.pk}")
    thread.get_by_role("link", name="Reply to Ola").click()
    reply = page.get_by_label("Your reply to Ola")
    expect(reply).to_be_focused()
    settled(page)
    checkpoint("reply form")
    thread.get_by_role("link", name="Cancel").click()
    expect(page.get_by_label("Your reply to Ola")).to_have_count(0)
    settled(page)
    checkpoint("reply cancelled")
    thread = page.locator(f"#comment-{other.pk}")
    thread.get_by_role("link", name="Reply to Ola").click()
    reply = page.get_by_label("Your reply to Ola")
    resize(page, reply)
    reply.fill("Same here.")
    page.get_by_role("button", name="Post reply").click()
    expect(discussion.get_by_role("status")).to_contain_text("Your reply is posted.")
    settled(page)
    checkpoint("reply")

    # Edit one's own comment.
    own = page.locator(f"#comment-{mine.pk}")
    own.get_by_role("link", name=re.compile("^Edit")).click()
    edit = page.get_by_label("Comment text")
    expect(edit).to_be_focused()
    settled(page)
    checkpoint("edit form")
    resize(page, edit)
    edit.fill("Heat before stretching, twice a day, for a week.")
    page.get_by_role("button", name="Save changes").click()
    expect(discussion.get_by_role("status")).to_contain_text("Your changes are saved.")
    settled(page)
    checkpoint("edit")

    # Flag someone else's comment.
    page.locator(f"#comment-{other.pk}").get_by_role(
        "link", name=re.compile("^Flag")
    ).click()
    page.get_by_label("Spam").check()
    settled(page)
    checkpoint("flag form")
    page.get_by_role("button", name="Flag comment").click()
    expect(discussion.get_by_role("status")).to_contain_text(
        "Editors will review this comment."
    )
    settled(page)
    checkpoint("flag")

    # Delete one's own comment.
    page.locator(f"#comment-{mine.pk}").get_by_role(
        "link", name=re.compile("^Delete")
    ).click()
    expect(page.get_by_role("button", name="Delete comment")).to_be_focused()
    settled(page)
    checkpoint("delete form")
    page.get_by_role("button", name="Delete comment").click()
    expect(discussion.get_by_role("status")).to_contain_text("Your comment is deleted.")
    expect(page.locator(f"#comment-{mine.pk}")).to_contain_text("[deleted]")
    settled(page)
    checkpoint("delete")
