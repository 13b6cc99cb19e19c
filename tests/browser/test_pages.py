import pytest

from .conftest import DESKTOP, PHONE

# axe on every page type, both themes and widths: test_accessibility.py.

pytestmark = pytest.mark.browser

EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"
PAGES = [
    "/",
    "/remedies/",
    "/remedies/physical-therapy-stretches/",
    EVIDENCE,
    "/ailments/",
    "/ailments/sciatica/",
    "/about/methods/",
    "/search/?q=sciatica",
    "/no-such-page/",
]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_evidence_page_puts_red_flags_first_and_fits_the_screen(
    demo, site, page, viewport
):
    page.set_viewport_size(viewport)
    response = page.goto(site.url + EVIDENCE)
    assert response.status == 200
    assert page.locator("h1").inner_text().startswith("Physical Therapy Stretches")

    flags = page.get_by_role("heading", name="Seek urgent care now")
    first_step = page.locator(".step").first
    flags_box, step_box = flags.bounding_box(), first_step.bounding_box()
    # Red flags are on the first screen, above the instructions, and open.
    assert flags_box["y"] < viewport["height"]
    assert flags_box["y"] < step_box["y"]
    assert page.locator(".red-flags li").first.is_visible()
    assert page.locator(".steps > li").count() == 6

    # Nothing is wider than the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_no_request_leaves_for_another_host(demo, site, page):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in PAGES:
        page.goto(site.url + path)
    assert hosts == {site.url.split("/")[2]}


# Every box and section on paper: a heading with nothing under it is an empty box.
EMPTY_ON_PAPER = """() => [...document.querySelectorAll(
        'main section, main .card, main .summary__fact, main .vote-box')]
    .filter(box => box.checkVisibility())
    .filter(box => {
        const text = [...box.querySelectorAll('*')]
            .filter(el => !el.matches('h1, h2, h3, h4, h1 *, h2 *, h3 *, h4 *'))
            .filter(el => el.checkVisibility() && !el.closest('.visually-hidden'))
            .flatMap(el => [...el.childNodes].filter(n => n.nodeType === 3))
            .map(n => n.textContent.trim()).join('');
        return text === '';
    })
    .map(box => (box.id || box.className) + ': ' + box.innerText.trim().slice(0, 80))"""


def test_how_to_steps_and_warnings_print(demo, site, page):
    page.goto(site.url + EVIDENCE)
    page.emulate_media(media="print")
    assert page.locator(".steps").is_visible()
    assert page.locator(".warnings").is_visible()
    assert page.locator(".red-flags").is_visible()
    assert page.locator(".medical-notice").is_visible()
    assert not page.locator(".site-header").is_visible()
    # The summary card prints the rating, without the buttons to vote.
    rating = page.locator("#community-figure")
    assert rating.is_visible()
    assert "found it helpful" in rating.inner_text()
    assert not page.locator("#vote-box form, #vote-box .button").first.is_visible()
    assert not page.get_by_text("Did it help your").is_visible()
    # Every red flag's details print, though a reader opens them on screen.
    details = page.locator(".red-flag details p").first
    assert details.is_visible()
    # Nothing of the products: no heading, no list, no line about them.
    assert not page.get_by_text("Products never affect any rating").is_visible()
    assert not page.locator("#products-heading").is_visible()
    # No box prints empty.
    assert page.evaluate(EMPTY_ON_PAPER) == []
