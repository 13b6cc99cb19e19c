"""The Content-Security-Policy holds in a real browser: no page of ours breaks it.

Each test opens its own browser context WITHOUT bypass_csp (the other browser
tests bypass it so that axe can be injected) and records every
`securitypolicyviolation` event on every page it visits.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from remedies.models import EvidencePage
from tests.helpers import PASSWORD, make_editor, make_member

from .test_pages import EVIDENCE, PAGES

pytestmark = pytest.mark.browser

# Every page type (test_pages.PAGES), and the pages only this test visits.
PUBLIC = [
    *PAGES,
    "/about/privacy/",
    "/search/recent/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]

RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def strict(browser):
    """A page that enforces our policy and remembers every violation."""
    context = browser.new_context()
    context.add_init_script(RECORD)
    page = context.new_page()
    seen: list[str] = []

    def visit(url: str):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        collect(url)

    def collect(label: str):
        for violation in page.evaluate("window.__violations || []"):
            seen.append(f"{label}: {violation}")
        page.evaluate("window.__violations = []")

    page.visit = visit
    page.collect = collect
    page.violations = seen
    yield page
    context.close()


def sign_in(page, site, email):
    page.goto(site.url + reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def open_palette_and_type(page, label):
    page.locator(".palette-open").first.click()
    page.locator("#palette-q").fill("sciat")
    page.locator("#palette-listbox [role=option]").first.wait_for()
    page.keyboard.press("Escape")
    page.collect(label + " palette")


def test_no_violation_on_any_page_as_a_visitor(demo, site, strict):
    for path in PUBLIC:
        strict.visit(site.url + path)
    # An htmx swap: the palette's suggestions, and the results page's beacon.
    strict.visit(site.url + "/")
    open_palette_and_type(strict, "/")
    # Forms with errors show them without breaking the policy either.
    strict.visit(site.url + "/accounts/login/")
    with strict.expect_navigation():
        strict.click("form.form button[type=submit]")
    strict.collect("login with errors")
    assert strict.violations == []


def test_no_violation_as_a_member_voting_and_replying(demo, site, strict):
    member = make_member(email="csp-member@example.com")
    sign_in(strict, site, member.email)
    for path in [*PAGES, "/account/", "/account/delete/"]:
        strict.visit(site.url + path)
    strict.visit(site.url + EVIDENCE)
    open_palette_and_type(strict, EVIDENCE)
    # An htmx vote swaps the vote box and the numbers around it.
    strict.locator("#vote-box").get_by_role("button", name="It helped").click()
    strict.locator('#vote-box [aria-pressed="true"]').wait_for()
    strict.collect("vote")
    reply = strict.locator(".comment").first.get_by_role("button", name="Reply")
    if reply.count():
        reply.click()
        strict.locator(".comment form textarea").first.wait_for()
        strict.collect("reply form")
    assert strict.violations == []


def test_no_violation_in_the_admin_as_an_editor(demo, site, strict):
    editor = make_editor(email="csp-editor@example.com")
    sign_in(strict, site, editor.email)
    page = EvidencePage.objects.get(
        remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
    )
    for name, args in [
        ("admin:index", []),
        ("admin:remedies_evidencepage_changelist", []),
        ("admin:remedies_evidencepage_change", [page.pk]),
        ("admin:remedies_evidencepage_history", [page.pk]),
        ("admin:remedies_remedy_changelist", []),
        ("admin:remedies_remedy_add", []),
        ("admin:remedies_study_changelist", []),
        ("admin:ailments_ailment_changelist", []),
        ("admin:discussions_comment_changelist", []),
    ]:
        strict.visit(site.url + reverse(name, args=args))
    # The citation inline's study autocomplete (select2) opens and searches.
    strict.visit(
        site.url + reverse("admin:remedies_evidencepage_change", args=[page.pk])
    )
    strict.locator("#citations-group .add-row a").click()
    row = strict.locator("#citations-group tr.dynamic-citations").last
    row.locator(".select2-selection").click()
    strict.locator(".select2-search__field").fill("a")
    strict.locator(".select2-results__option").first.wait_for()
    strict.collect("autocomplete")
    assert strict.violations == []
