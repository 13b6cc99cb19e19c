"""Discussions in a real browser: the login wall, posting and replying with
htmx and without JavaScript, accessibility, and people's text staying inert."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from discussions.models import Comment
from discussions.services import delete_comment
from remedies.models import EvidencePage
from tests.discussions.xss_payloads import PAYLOADS
from tests.helpers import PASSWORD, make_comment, make_member

from .conftest import DESKTOP, PHONE, axe_violations

pytestmark = pytest.mark.browser

# A page whose discussion the demo content leaves empty.
EVIDENCE = "/remedies/heat-therapy/for/low-back-pain/"


def evidence_page() -> EvidencePage:
    return EvidencePage.objects.select_related("remedy", "ailment").get(
        remedy__slug="heat-therapy", ailment__slug="low-back-pain"
    )


def seasoned_member(name: str):
    """A verified member whose account is old enough for the usual post interval."""
    return make_member(
        display_name=name, date_joined=timezone.now() - timedelta(days=30)
    )


def sign_in(page, member):
    """Fill in the sign-in form the browser is on."""
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def sign_in_from(page, site, member, path=EVIDENCE):
    page.goto(f"{site.url}/accounts/login/?next={path}")
    sign_in(page, member)


@pytest.fixture
def quick(settings):
    """No wait between posts: a test posts and replies within seconds."""
    settings.DISCUSSION_POST_INTERVAL = 0


def test_sign_in_from_the_login_wall_lands_back_at_the_thread(demo, site, page):
    member = seasoned_member("Reader")
    thread = make_comment(
        evidence_page(), author=seasoned_member("Priya"), text="Knee to chest helped."
    )
    page.set_viewport_size(PHONE)
    page.goto(site.url + EVIDENCE)
    # A visitor reads, and meets the login wall where the form would be.
    expect(page.locator(f"#comment-{thread.pk}")).to_contain_text(
        "Knee to chest helped."
    )
    assert page.locator("#discussion form").count() == 0
    page.get_by_role("link", name="Sign in to reply to Priya").click()
    assert "/accounts/login/" in page.url
    sign_in(page, member)
    # Back on the evidence page, at the thread they wanted to answer.
    assert page.url == f"{site.url}{EVIDENCE}#comment-{thread.pk}"
    expect(page.locator(f"#comment-{thread.pk}")).to_be_in_viewport()
    expect(
        page.locator(f"#comment-{thread.pk}").get_by_role("link", name="Reply to Priya")
    ).to_be_visible()

    # The same from the discussion's own sign-in link, after signing out.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.goto(site.url + EVIDENCE)
    page.get_by_role("link", name="Sign in to join the discussion").click()
    sign_in(page, member)
    assert page.url == f"{site.url}{EVIDENCE}#discussion"
    expect(page.get_by_label("Add to the discussion")).to_be_visible()


def test_a_member_posts_and_replies_with_htmx(demo, site, page, quick):
    member = seasoned_member("Hana")
    sign_in_from(page, site, member)
    page.evaluate("window.__sameDocument = true")

    page.get_by_label("Add to the discussion").fill(
        "Hamstring stretch, twice a day.\nIt helped."
    )
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#discussion").get_by_role("status")).to_contain_text(
        "Your comment is posted."
    )
    comment = Comment.objects.get(author=member)
    article = page.locator(f"#comment-{comment.pk}")
    expect(article).to_contain_text("It helped.")
    expect(article).to_be_focused()
    expect(page.locator("#discussion")).to_contain_text("1 comment")
    # The form is empty again, ready for the next one.
    expect(page.get_by_label("Add to the discussion")).to_have_value("")

    # Reply: the form opens under the comment, with the focus in it.
    article.get_by_role("link", name="Reply to Hana").click()
    box = page.get_by_label("Your reply to Hana")
    expect(box).to_be_focused()
    box.fill("Adding: hold each one for 30 seconds.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator("#discussion").get_by_role("status")).to_contain_text(
        "Your reply is posted."
    )
    reply = Comment.objects.get(parent=comment)
    expect(
        page.locator(f"#comment-{comment.pk} + ol #comment-{reply.pk}")
    ).to_contain_text("hold each one for 30 seconds")
    expect(page.locator(f"#comment-{reply.pk}")).to_be_focused()
    # No page load happened: the marker set at the start survived.
    assert page.evaluate("window.__sameDocument") is True

    # An error stays beside the field, the text kept; Cancel puts the comment back.
    page.locator(f"#comment-{reply.pk}").get_by_role("link", name="Edit").click()
    edit = page.get_by_label("Comment text")
    edit.fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Write something first.")).to_be_visible()
    expect(page.get_by_label("Comment text")).to_have_attribute("aria-invalid", "true")
    page.locator(f"#comment-{reply.pk}").get_by_role("link", name="Cancel").click()
    expect(page.get_by_label("Comment text")).to_have_count(0)
    expect(page.locator(f"#comment-{reply.pk}")).to_be_focused()
    assert page.evaluate("window.__sameDocument") is True


def test_the_same_without_javascript(demo, site, page_without_js, quick):
    page = page_without_js
    member = seasoned_member("Noor")
    sign_in_from(page, site, member)

    page.get_by_label("Add to the discussion").fill("Without JavaScript.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(author=member)
    assert page.url.endswith(f"{EVIDENCE}#comment-{comment.pk}")
    expect(page.get_by_text("Your comment is posted.")).to_be_visible()

    # Reply opens a page of its own with the comment and the form.
    with page.expect_navigation():
        page.locator(f"#comment-{comment.pk}").get_by_role(
            "link", name="Reply to Noor"
        ).click()
    expect(page.get_by_role("heading", name="Reply to Noor")).to_be_visible()
    page.get_by_label("Your reply to Noor").fill("A plain reply.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post reply").click()
    reply = Comment.objects.get(parent=comment)
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    assert page.url.endswith(f"{EVIDENCE}#comment-{reply.pk}")
    expect(
        page.locator(f"#comment-{comment.pk} + ol #comment-{reply.pk}")
    ).to_be_visible()

    # Delete: confirm on a page, act on POST; the reply stays.
    with page.expect_navigation():
        page.locator(f"#comment-{comment.pk}").get_by_role(
            "link", name="Delete"
        ).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Delete comment").click()
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("[deleted]")
    expect(page.locator(f"#comment-{reply.pk}")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_axe_finds_no_violations_in_a_discussion_with_the_reply_form_open(
    demo, site, page, viewport
):
    target = evidence_page()
    alice, bob = seasoned_member("Alice"), seasoned_member("Bob")
    root = make_comment(target, author=alice, text="Root\n\nhttps://www.nhs.uk/")
    child = make_comment(parent=root, author=bob, text="A reply")
    deep = make_comment(parent=child, author=alice, text="Deeper")
    make_comment(parent=deep, author=bob, text="Deepest")
    gone = make_comment(target, author=bob, text="Gone")
    make_comment(parent=gone, author=alice, text="Stays")
    delete_comment(comment=gone, by=bob)
    Comment.objects.filter(pk=root.pk).update(edited_at=timezone.now())
    page.set_viewport_size(viewport)

    page.goto(site.url + EVIDENCE)
    assert axe_violations(page) == []

    sign_in_from(page, site, alice)
    page.locator(f"#comment-{child.pk}").get_by_role(
        "link", name="Reply to Bob"
    ).click()
    expect(page.get_by_label("Your reply to Bob")).to_be_focused()
    page.locator(f"#comment-{deep.pk}").get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Comment text")).to_be_visible()
    assert axe_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_no_payload_runs_script(demo, site, page):
    target = evidence_page()
    author = seasoned_member("Mallory")
    root = make_comment(target, author=author, text=PAYLOADS[0])
    for payload in PAYLOADS[1:]:
        make_comment(parent=root, author=author, text=payload)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for who in ("visitor", "member"):
        if who == "member":
            sign_in_from(page, site, seasoned_member("Victim"))
        page.goto(site.url + EVIDENCE)
        page.wait_for_load_state("networkidle")
        texts = page.locator("#discussion .comment__text")
        expect(texts).to_have_count(len(PAYLOADS))
        # Focus and hover everything, in case a handler slipped through.
        for article in page.locator("#discussion article").all()[:10]:
            article.hover()
        assert page.evaluate("window.__xss") is None
        smuggled = "script, img, iframe, svg, object, embed, input, details, video"
        assert texts.locator(f":is({smuggled})").count() == 0
    assert dialogs == []
