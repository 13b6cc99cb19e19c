"""Chromium reads our Permissions-Policy without a complaint.

Chromium logs "Error with Permissions-Policy header: Unrecognized feature"
in the console of every page whose policy names a feature it does not know.
"""

from __future__ import annotations

import pytest

from core.headers import DISABLED_FEATURES, PERMISSIONS_POLICY

pytestmark = [pytest.mark.browser, pytest.mark.markup]

PAGES = ["/", "/remedies/", "/search/?q=sciatica", "/accounts/login/", "/no-such-page/"]


def policy_messages(page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Permissions-Policy" in message.text else None
        ),
    )
    return seen


def served_with(page, url: str, policy: str) -> None:
    """Open `url` answered by a tiny page carrying `policy`, without the site."""

    def fulfil(route):
        route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Permissions-Policy": policy},
            body="<!doctype html><title>policy</title><p>policy",
        )

    page.route(url, fulfil)
    page.goto(url)
    page.wait_for_timeout(200)


def test_no_page_of_ours_makes_chromium_complain_about_the_policy(demo, site, page):
    seen = policy_messages(page)
    for path in PAGES:
        response = page.goto(site.url + path)
        assert response.headers["permissions-policy"] == PERMISSIONS_POLICY
        page.wait_for_load_state("load")
    assert seen == []


def test_chromium_knows_every_feature_we_switch_off(page):
    seen = policy_messages(page)
    for feature in DISABLED_FEATURES:
        served_with(page, f"http://policy.test/{feature}", f"{feature}=()")
    assert seen == []


def test_chromium_does_complain_about_a_feature_it_does_not_know(page):
    # What the tests above would see: the check can fail.
    seen = policy_messages(page)
    served_with(page, "http://policy.test/bluetooth", "camera=(), bluetooth=()")
    assert any("Unrecognized feature: 'bluetooth'" in text for text in seen), seen
