import pytest
from django.urls import reverse

from remedies.models import Citation
from tests.helpers import PASSWORD, make_editor, make_page, make_study

pytestmark = pytest.mark.browser


def test_editor_signs_in_and_adds_a_study_to_an_evidence_page(
    transactional_db, site, page
):
    editor = make_editor(email="erin@example.com")
    evidence = make_page()
    study = make_study(title="Graded walking for knee pain: a randomised trial")
    change_url = reverse("admin:remedies_evidencepage_change", args=[evidence.pk])

    page.goto(site.url + change_url)
    # The admin sends editors to the site's own sign-in, then back.
    assert "/accounts/login/" in page.url
    page.fill("input[name=login]", editor.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url.endswith(change_url)

    page.locator("#citations-group .add-row a").click()
    row = page.locator("#citations-group tr.dynamic-citations").last
    row.locator("input[name$=position]").fill("1")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("Graded walking")
    page.locator(".select2-results__option", has_text="Graded walking").click()
    row.locator("input[name$=note]").fill("Supports a walking programme for knee pain.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert "was changed successfully" in page.content()

    citation = Citation.objects.get(page=evidence)
    assert citation.study == study
    page.goto(site.url + evidence.get_absolute_url())
    # The studies are a reference list a click away.
    page.locator(".studies summary").click()
    assert page.get_by_text("Graded walking for knee pain").is_visible()
