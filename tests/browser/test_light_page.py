"""The evidence page is light on a phone: at most 100 KB transferred on a first
visit (HTML, CSS and JavaScript, compressed), one stylesheet, deferred scripts,
and no layout shift."""

import pytest

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.markup]

EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"
BUDGET = 100 * 1000  # bytes, headers included

LAYOUT_SHIFT = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) total += entry.value;
        }
    }).observe({type: 'layout-shift', buffered: true});
    // Let any late shift (a script, an image) be reported before answering.
    requestAnimationFrame(() => setTimeout(() => resolve(total), 300));
})"""


def test_first_visit_to_an_evidence_page_is_light(demo, site, browser):
    context = browser.new_context(viewport=PHONE)  # nothing cached yet
    page = context.new_page()
    encodings = {}
    page.on(
        "response",
        lambda r: encodings.__setitem__(r.url, r.headers.get("content-encoding")),
    )
    response = page.goto(site.url + EVIDENCE, wait_until="load")
    assert response.status == 200
    page.wait_for_load_state("networkidle")

    transfers = page.evaluate(
        """() => [...performance.getEntriesByType('navigation'),
                  ...performance.getEntriesByType('resource')]
                 .map(e => ({url: e.name, bytes: e.transferSize, type: e.initiatorType}))"""
    )
    total = sum(t["bytes"] for t in transfers)
    assert total <= BUDGET, transfers
    # Everything was measured from the network, not a cache.
    assert all(t["bytes"] > 0 for t in transfers if "favicon" not in t["url"]), (
        transfers
    )

    # Static text goes compressed (WhiteNoise serves the .br or .gz copy).
    static = {u: e for u, e in encodings.items() if u.endswith((".css", ".js"))}
    assert static and all(e in {"br", "gzip"} for e in static.values()), static

    # One stylesheet; every script deferred, none inline.
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert sum(1 for u in encodings if u.endswith(".css")) == 1
    scripts = page.locator("script:not([type='application/ld+json'])")
    assert scripts.count() >= 1
    for i in range(scripts.count()):
        script = scripts.nth(i)
        assert script.get_attribute("src"), "an inline script"
        assert script.get_attribute("defer") is not None, script.get_attribute("src")

    # Nothing moves once drawn.
    assert page.evaluate(LAYOUT_SHIFT) <= 0.001
    context.close()
