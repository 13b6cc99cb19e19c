"""axe-core on every page type, as visitor and member, at 390 and 1280 px, in the
light and the dark theme; every page reflows at 320 px without sideways scrolling.

Each test loads the demo once and walks many pages: the demo load costs more
than a page.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from discussions.models import Comment
from remedies.models import EvidencePage
from tests.helpers import PASSWORD, make_comment, make_member

from .conftest import AXE, DESKTOP, PHONE

pytestmark = pytest.mark.browser

REMEDY = "/remedies/physical-therapy-stretches/"
EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"
NARROW = {"width": 320, "height": 640}

VISITOR_PAGES = [
    "/",
    "/remedies/",
    "/remedies/?category=exercise-movement",
    REMEDY,
    EVIDENCE,
    "/ailments/",
    "/ailments/sciatica/",
    "/about/methods/",
    "/search/?q=sciatica",
    "/search/?q=zzzzqx",  # nothing found: suggestions instead
    "/search/recent/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/no-such-page/",
]
MEMBER_PAGES = [
    "/",
    REMEDY,
    EVIDENCE,
    "/ailments/sciatica/",
    "/search/?q=sciatica",
    "/account/",
    "/account/delete/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/no-such-page/",
]


def run_axe(page) -> list[dict]:
    if page.evaluate("typeof window.axe") == "undefined":
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
            });
            return r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
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
            if violations := run_axe(page):
                problems[f"{label} {scheme} {viewport['width']}px"] = violations
    if reflow:
        page.set_viewport_size(NARROW)
        if (extra := overflow(page)) > 0:
            problems[f"{label} 320px"] = f"scrolls sideways by {extra}px"
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)
    return problems


def sign_in(page, site, member, next_path="/"):
    page.goto(f"{site.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def seasoned_member(name: str):
    return make_member(
        display_name=name, date_joined=timezone.now() - timedelta(days=30)
    )


def test_every_page_type_for_a_visitor(demo, site, page):
    problems = {}
    for path in VISITOR_PAGES:
        page.goto(site.url + path)
        problems |= check(page, path)
    assert problems == {}


def test_every_page_type_for_a_member(demo, site, page):
    sign_in(page, site, seasoned_member("Ada"))
    problems = {}
    for path in MEMBER_PAGES:
        page.goto(site.url + path)
        expect(
            page.get_by_role("link", name="Your account", exact=True)
        ).to_be_visible()
        problems |= check(page, path)
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
