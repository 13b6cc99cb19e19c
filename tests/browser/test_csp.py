"""The Content-Security-Policy holds in a real browser: no page of ours breaks it.

Each test opens its own browser context WITHOUT bypass_csp (the other browser
tests bypass it so that axe can be injected) and records every
`securitypolicyviolation` event on every page it visits.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from remedies.models import EvidencePage
from tests.helpers import PASSWORD, make_editor

from .journeys import (
    MEMBER_PAGES,
    VISITOR_PAGES,
    seasoned_member,
    settled,
    use_the_palette,
    visit_all,
    vote_post_reply_edit_delete_and_flag,
)

pytestmark = [pytest.mark.browser, pytest.mark.markup]

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
        settled(page)
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


def test_no_violation_on_any_page_as_a_visitor(demo, site, strict):
    visit_all(strict, site, VISITOR_PAGES, strict.collect)
    # The palette's htmx swaps: recent searches, suggestions, clearing.
    use_the_palette(strict, site, strict.collect)
    # Forms with errors show them without breaking the policy either.
    strict.visit(site.url + "/accounts/login/")
    with strict.expect_navigation():
        strict.click("form.form button[type=submit]")
    strict.collect("login with errors")
    assert strict.violations == []


def test_no_violation_as_a_member_in_every_htmx_action(demo, site, strict, settings):
    """Vote, post, reply, edit, delete, flag and the palette, each an htmx swap."""
    settings.DISCUSSION_POST_INTERVAL = 0
    member = seasoned_member("Csp")
    sign_in(strict, site, member.email)
    visit_all(strict, site, MEMBER_PAGES, strict.collect)
    use_the_palette(strict, site, strict.collect, start="/ailments/")
    vote_post_reply_edit_delete_and_flag(strict, site, member, strict.collect)
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
