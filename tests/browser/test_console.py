"""Nothing goes wrong quietly: no error or warning in the browser's console, and
no uncaught exception, on any page type or during any htmx action, for a
visitor, a member and an editor in the admin."""

from __future__ import annotations

import pytest

from tests.helpers import make_editor

from .journeys import (
    MEMBER_PAGES,
    MISSING,
    VISITOR_PAGES,
    seasoned_member,
    sign_in,
    use_the_palette,
    visit_all,
    vote_post_reply_edit_delete_and_flag,
)

pytestmark = [pytest.mark.browser, pytest.mark.markup]


@pytest.fixture
def console(browser):
    """A page that remembers every console error and warning, and every uncaught exception.

    The one message expected is Chromium's report of the 404 page's own status
    ("Failed to load resource: … 404") for MISSING itself: that page is meant
    to answer 404. Any other message, on that page too, counts.
    """
    context = browser.new_context()
    page = context.new_page()
    pending: list[str] = []
    seen: list[str] = []

    def on_console(message):
        if message.type not in {"error", "warning"}:
            return
        where = message.location.get("url", "")
        if (
            where.endswith(MISSING)
            and message.type == "error"
            and "status of 404" in message.text
        ):
            return
        pending.append(f"{message.type}: {message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: pending.append(f"exception: {error}"))

    def checkpoint(label: str) -> None:
        seen.extend(f"{label}: {problem}" for problem in pending)
        pending.clear()

    page.checkpoint = checkpoint
    page.problems = seen
    yield page
    context.close()


def test_a_visitor_sees_no_console_message(demo, site, console):
    visit_all(console, site, VISITOR_PAGES, console.checkpoint)
    console.goto(site.url + "/accounts/login/")
    with console.expect_navigation():
        console.get_by_role("button", name="Sign In").click()
    console.checkpoint("sign-in with errors")
    use_the_palette(console, site, console.checkpoint)
    assert console.problems == []


def test_a_member_sees_no_console_message_in_any_htmx_action(
    demo, site, console, settings
):
    settings.DISCUSSION_POST_INTERVAL = 0
    member = seasoned_member("Quiet")
    sign_in(console, site, member)
    console.checkpoint("sign-in")
    visit_all(console, site, MEMBER_PAGES, console.checkpoint)
    use_the_palette(console, site, console.checkpoint, start="/ailments/")
    vote_post_reply_edit_delete_and_flag(console, site, member, console.checkpoint)
    assert console.problems == []


def test_an_editor_sees_no_console_message_in_the_admin(demo, site, console):
    sign_in(console, site, make_editor(email="quiet-editor@example.com"), "/admin/")
    console.checkpoint("sign-in")
    visit_all(console, site, ["/admin/"], console.checkpoint)
    assert console.problems == []
