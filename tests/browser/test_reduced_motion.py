"""With "reduce motion" asked for, nothing on the page moves: no transition, no
animation, no smooth scrolling, on the pages and in the open search palette."""

import pytest

from .conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.markup]

EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"

MOVING = """() => [...document.querySelectorAll('*'), document.documentElement].flatMap(el => {
    const style = getComputedStyle(el);
    const durations = (style.transitionDuration + ',' + style.animationDuration)
        .split(',').map(parseFloat).filter(d => d > 0);
    const smooth = style.scrollBehavior === 'smooth';
    const animated = style.animationName !== 'none';
    return durations.length || smooth || animated
        ? [`${el.tagName.toLowerCase()}.${el.className}: ${style.transition} / ${style.animation} / ${style.scrollBehavior}`]
        : [];
})"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_nothing_moves_when_reduced_motion_is_asked_for(demo, site, browser, viewport):
    context = browser.new_context(viewport=viewport, reduced_motion="reduce")
    page = context.new_page()
    assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    for path in ["/", "/remedies/", EVIDENCE, "/ailments/sciatica/"]:
        page.goto(site.url + path)
        assert page.evaluate(MOVING) == [], path
    # The search palette, open with suggestions in it.
    page.keyboard.press("/")
    page.keyboard.type("sciatica")
    page.locator("#palette-listbox [role=option]").first.wait_for()
    assert page.evaluate(MOVING) == []
    context.close()
