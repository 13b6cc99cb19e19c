"""The search palette in a real browser: keyboard, mouse, screen-reader wiring, axe, and no JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, axe_violations

pytestmark = pytest.mark.browser

EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"


def open_with_slash(page):
    page.locator("body").press("/")
    dialog = page.locator("#search-palette")
    expect(dialog).to_be_visible()
    combobox = page.get_by_role("combobox", name="Search remedies and ailments")
    expect(combobox).to_be_focused()
    return combobox


def test_keyboard_open_type_arrow_down_and_enter_lands_on_the_page(demo, site, page):
    page.goto(site.url + "/ailments/")
    combobox = open_with_slash(page)
    combobox.type("stretches sciat")
    first = page.locator("#palette-listbox [role=option]").first
    expect(first).to_contain_text("Physical Therapy Stretches for Sciatica")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    expect(combobox).not_to_have_attribute("aria-activedescendant", re.compile(".+"))

    combobox.press("ArrowDown")
    expect(combobox).to_have_attribute("aria-activedescendant", "palette-option-1")
    expect(first).to_have_attribute("aria-selected", "true")
    combobox.press("ArrowDown")
    combobox.press("ArrowUp")
    expect(combobox).to_have_attribute("aria-activedescendant", "palette-option-1")

    with page.expect_navigation():
        combobox.press("Enter")
    assert page.url == site.url + EVIDENCE
    assert page.locator("h1").inner_text().startswith("Physical Therapy Stretches")

    # The chosen page is now a recent search, offered when the palette opens.
    combobox = open_with_slash(page)
    recent = page.locator("#palette-listbox [role=group]").first
    expect(recent).to_contain_text("Recent searches")
    expect(recent.get_by_role("option").first).to_contain_text(
        "Physical Therapy Stretches for Sciatica"
    )


def test_enter_with_nothing_chosen_opens_the_results_page(demo, site, page):
    page.goto(site.url + "/")
    combobox = open_with_slash(page)
    combobox.type("sciatic nerve pain")
    expect(page.locator("#palette-option-all")).to_be_visible()
    with page.expect_navigation():
        combobox.press("Enter")
    assert page.url.startswith(site.url + "/search/?q=sciatic+nerve+pain")
    expect(page.get_by_role("heading", name="Ailments")).to_be_visible()
    expect(page.get_by_role("link", name="Sciatica", exact=True)).to_be_visible()


def test_ctrl_k_opens_esc_closes_and_focus_returns(demo, site, page):
    page.goto(site.url + "/remedies/")
    button = page.locator(".palette-open")
    expect(button).to_be_visible()
    expect(page.locator("#header-q")).to_be_hidden()  # the palette replaces it

    button.focus()
    page.keyboard.press("Control+k")
    combobox = page.get_by_role("combobox")
    expect(combobox).to_be_focused()
    combobox.type("melat")
    expect(page.locator("#palette-listbox [role=option]").first).to_contain_text(
        "Melatonin"
    )
    page.keyboard.press("Escape")
    expect(page.locator("#search-palette")).to_be_hidden()
    expect(button).to_be_focused()
    expect(page.locator("#palette-q")).to_have_attribute("aria-expanded", "false")

    # "/" typed into a field is just a character.
    page.goto(site.url + "/search/")
    page.locator("#search-q").type("a/b")
    expect(page.locator("#search-q")).to_have_value("a/b")
    expect(page.locator("#search-palette")).to_be_hidden()


def test_mouse_opens_and_picks_a_suggestion(demo, site, page):
    page.goto(site.url + "/")
    page.locator(".palette-open").click()
    combobox = page.get_by_role("combobox")
    combobox.fill("heat")
    option = page.get_by_role("option", name=re.compile("^Heat therapy Remedy"))
    with page.expect_navigation():
        option.click()
    assert page.url == site.url + "/remedies/heat-therapy/"
    # The close button and the backdrop close it too.
    page.locator(".palette-open").click()
    page.get_by_role("button", name="Close").click()
    expect(page.locator("#search-palette")).to_be_hidden()
    page.locator(".palette-open").click()
    page.mouse.click(5, 5)
    expect(page.locator("#search-palette")).to_be_hidden()


def test_a_typo_finds_and_nothing_found_is_said_plainly(demo, site, page):
    page.goto(site.url + "/")
    combobox = open_with_slash(page)
    combobox.type("siatica")
    first = page.locator("#palette-listbox [role=option]").first
    expect(first).to_contain_text("Sciatica")
    expect(combobox).to_have_attribute("aria-expanded", "true")

    combobox.fill("")
    combobox.type("zzqxv")
    nothing = page.locator("#palette-nothing")
    expect(nothing).to_have_text(
        "Nothing matches “zzqxv”. Check the spelling, or try the name of an ailment."
    )
    # No option to choose, the popup closed, and the live region says it.
    expect(page.locator("#palette-listbox [role=option]")).to_have_count(0)
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(combobox).not_to_have_attribute("aria-activedescendant", re.compile(".+"))
    expect(page.get_by_role("status").filter(has_text="Nothing matches")).to_have_text(
        "Nothing matches “zzqxv”. Check the spelling, or try the name of an ailment."
    )
    combobox.press("ArrowDown")  # nothing to move to: no error, focus stays
    expect(combobox).to_be_focused()
    assert axe_violations(page) == []

    # Searching it anyway does not make it a recent search.
    with page.expect_navigation():
        combobox.press("Enter")
    expect(page.get_by_text("Nothing matched “zzqxv”")).to_be_visible()
    combobox = open_with_slash(page)
    expect(page.locator("#palette-listbox")).not_to_contain_text("zzqxv")


def test_recent_searches_are_cleared_from_the_palette(demo, site, page):
    page.goto(site.url + "/search/?q=insomnia")
    combobox = open_with_slash(page)
    expect(page.get_by_role("option", name=re.compile("^insomnia"))).to_be_visible()
    page.get_by_role("button", name="Clear recent searches").click()
    expect(page.locator(".palette__notice")).to_have_text(
        "Your recent searches are cleared."
    )
    expect(page.get_by_role("option", name=re.compile("^insomnia"))).to_have_count(0)
    expect(combobox).to_be_focused()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_axe_finds_no_violations_with_the_palette_open(demo, site, page, viewport):
    page.set_viewport_size(viewport)
    page.goto(site.url + "/search/?q=sciatica")  # a recent search to show
    combobox = open_with_slash(page)
    expect(page.get_by_role("option").first).to_be_visible()
    assert axe_violations(page) == []
    combobox.type("sciat")
    expect(page.locator("#palette-option-all")).to_be_visible()
    combobox.press("ArrowDown")
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_the_search_box_works_without_javascript(demo, site, page_without_js):
    page = page_without_js
    page.goto(site.url + EVIDENCE)
    expect(page.locator(".palette-open")).to_be_hidden()
    expect(page.locator("#search-palette")).to_be_hidden()
    page.locator("#header-q").fill("sciatic nerve pain")
    with page.expect_navigation():
        page.locator(".header-search").get_by_role("button", name="Search").click()
    assert "/search/?q=sciatic+nerve+pain" in page.url
    expect(page.get_by_role("link", name="Sciatica", exact=True)).to_be_visible()
    expect(
        page.get_by_role("link", name="Physical Therapy Stretches for Sciatica")
    ).to_be_visible()

    # Recent searches and clearing them work as plain pages too.
    page.get_by_role("link", name="Your recent searches").click()
    expect(page.get_by_role("link", name="sciatic nerve pain")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Clear recent searches").click()
    expect(page.get_by_text("Your recent searches are cleared.")).to_be_visible()
    expect(page.get_by_text("No recent searches.")).to_be_visible()
