"""In a real browser, no payload runs: pages carrying the whole corpus in editors'
fields, a display name and search terms, with the search palette open.

Each payload would set window.__xss or open a dialog (alert); neither happens.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import pytest
from django.http import HttpResponse

from search.services import RECENT_LIMIT, normalise, rebuild_index
from search.views import RECENT_COOKIE_SALT, recent_cookie_name
from tests.helpers import PASSWORD, make_comment, make_member
from tests.security.test_xss import editor_content
from tests.security.xss_payloads import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.markup]

# Payloads short enough to be a display name (at most 50 characters).
SHORT = [p for p in PAYLOADS if len(" ".join(p.split())) <= 50]


def watch(page) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def assert_nothing_ran(page, dialogs, where: str):
    # Hover and focus the page's links and buttons, in case a handler slipped through.
    for element in page.locator("main a, main button").all()[:15]:
        if element.is_visible():
            element.hover()
    assert page.evaluate("window.__xss") is None, where
    assert dialogs == [], where


def test_no_payload_in_editors_fields_runs(transactional_db, site, page):
    pages = [editor_content(str(k), p) for k, p in enumerate(PAYLOADS)]
    rebuild_index()
    dialogs = watch(page)
    # Every payload on its evidence page (which shows nearly every field: the
    # remedy's, the ailment's, the steps, studies and products); every fifth
    # on its remedy and ailment pages too.
    for k, evidence in enumerate(pages):
        urls = [evidence.get_absolute_url()]
        if k % 5 == 0:
            urls += [
                evidence.remedy.get_absolute_url(),
                evidence.ailment.get_absolute_url(),
            ]
        for url in urls:
            page.goto(site.url + url)
            assert page.evaluate("window.__xss") is None, url
            assert dialogs == [], url
    for url in ["/", "/remedies/", "/ailments/", "/search/?q=window&kind=remedy"]:
        page.goto(site.url + url)
        assert_nothing_ran(page, dialogs, url)


def test_no_payload_in_display_names_or_search_terms_runs(transactional_db, site, page):
    target = editor_content("plain", "Plain text")
    member = make_member(display_name="Mallory")
    for payload in SHORT:
        author = make_member(display_name=" ".join(payload.split())[:50])
        make_comment(target, author=author, text="A comment")
    dialogs = watch(page)
    page.goto(site.url + target.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert_nothing_ran(page, dialogs, "display names on the discussion")

    # Search terms: the results page, then the recent searches. Only a search
    # that found something is remembered, which no payload does, so they are
    # put in the visitor's signed cookie of recent searches as the site
    # writes it, five at a time.
    for payload in PAYLOADS[::3]:
        page.goto(site.url + "/search/?" + urlencode({"q": payload}))
        assert page.evaluate("window.__xss") is None, payload
    terms = [normalise(p) for p in PAYLOADS[::3] if normalise(p)]
    for start in range(0, len(terms), RECENT_LIMIT):
        batch = terms[start : start + RECENT_LIMIT]
        signed = HttpResponse()
        signed.set_signed_cookie(
            recent_cookie_name(),
            json.dumps({"v": "0" * 32, "r": [{"q": t, "entry": None} for t in batch]}),
            salt=RECENT_COOKIE_SALT,
        )
        page.context.add_cookies(
            [
                {
                    "name": recent_cookie_name(),
                    "value": signed.cookies[recent_cookie_name()].coded_value,
                    "domain": urlsplit(site.url).hostname,
                    "path": "/",
                    "secure": recent_cookie_name().startswith("__Host-"),
                }
            ]
        )
        page.goto(site.url + "/search/recent/")
        assert (
            page.locator("main")
            .get_by_role("link")
            .filter(has_text=batch[0][:20])
            .count()
            >= 1
        ), batch[0]
        assert_nothing_ran(page, dialogs, f"recent searches {start}")
    page.context.clear_cookies()
    page.goto(site.url + "/ailments/")
    page.locator("body").press("/")
    combobox = page.get_by_role("combobox", name="Search remedies and ailments")
    combobox.wait_for()
    page.wait_for_load_state("networkidle")
    for payload in PAYLOADS[:20]:
        with page.expect_response(lambda r: "/search/suggest/" in r.url):
            combobox.fill(payload[:100])
    assert page.evaluate("window.__xss") is None
    assert dialogs == []

    # A member whose own display name is a payload, on their account page.
    page.goto(f"{site.url}/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()
    page.goto(site.url + "/account/")
    page.get_by_role("textbox", name="Display name").fill(SHORT[9])
    with page.expect_navigation():
        page.get_by_role("button", name="Save name").click()
    assert_nothing_ran(page, dialogs, "account page")
