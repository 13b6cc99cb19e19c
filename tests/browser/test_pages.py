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


def test_how_to_steps_and_warnings_print(demo, site, page):
    page.goto(site.url + EVIDENCE)
    page.emulate_media(media="print")
    assert page.locator(".steps").is_visible()
    assert page.locator(".warnings").is_visible()
    assert page.locator(".red-flags").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".vote-box").is_visible()
