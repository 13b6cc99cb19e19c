"""The community loop in a real browser, with htmx and with JavaScript off: a
reply reaches the member it answers (through the real worker and a real SMTP
server), who reads it from the inbox, follows the ailment, stops the emails in
one click, suggests a correction and hears the editor's decision.

And every new page passes what the other pages pass: axe (every rule), no
sideways scroll at 320 px, the Content-Security-Policy, and the Nu HTML
checker with no ignore list.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community import services
from community.emails import unsubscribe_token
from community.models import Activity, Notice, Suggestion
from remedies.models import EvidencePage, Remedy
from tests.community.helpers import SMTPServer, body_of, run_tasks
from tests.helpers import PASSWORD, make_comment, make_editor, make_member

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

REMEDY = "/remedies/physical-therapy-stretches/"
EVIDENCE = "/remedies/physical-therapy-stretches/for/sciatica/"
AILMENT = "/ailments/sciatica/"
NARROW = {"width": 320, "height": 640}


def seasoned(name: str, **kwargs):
    return make_member(
        display_name=name, date_joined=timezone.now() - timedelta(days=30), **kwargs
    )


def sign_in(page, site, member, next_path="/"):
    page.goto(f"{site.url}/accounts/login/?next={next_path}")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def loop(settings, site):
    """A real SMTP server for the emails, links to the live server, no post interval."""
    settings.DISCUSSION_POST_INTERVAL = 0
    settings.DISCUSSION_NEW_MEMBER_POST_INTERVAL = 0
    settings.SITE_URL = site.url
    with SMTPServer() as smtp:
        settings.MAILERS = smtp.mailers
        yield smtp


def remedy_target() -> Remedy:
    return Remedy.objects.get(slug="physical-therapy-stretches")


def walk_the_loop(site, page, editor_page, smtp, *, js: bool):
    alice = seasoned("Alice")
    bob = seasoned("Bob")
    question = make_comment(
        remedy_target(), author=alice, text="Has anyone tried nerve glides?"
    )
    run_tasks()

    # Bob answers Alice (from the comment's own reply page: the same form
    # the discussion opens in place).
    sign_in(page, site, bob, f"/discussions/{question.pk}/reply/")
    page.get_by_label("Your reply to Alice").fill("Yes: slowly, ten a day, no pain.")
    with page.expect_navigation():
        page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".comment").filter(has_text="ten a day")).to_have_count(1)

    # The worker sends Alice her email, with the reply and a link to it.
    run_tasks()
    [email] = smtp.received.to(alice.email)
    assert email["Subject"] == (
        "Bob replied to your comment on Physical Therapy Stretches"
    )
    body = body_of(email)
    assert "> Yes: slowly, ten a day, no pain." in body
    reply = question.replies.get()
    assert f"{site.url}/discussions/{reply.pk}/" in body

    # Alice reads it from her inbox on the site, then everything is read.
    page.context.clear_cookies()
    sign_in(page, site, alice, "/inbox/")
    notice = page.locator(".notice--unread")
    expect(notice).to_contain_text("Bob replied to your comment")
    with page.expect_navigation():
        notice.get_by_role("link").click()
    assert page.url.endswith(f"#comment-{reply.pk}"), page.url
    assert services.unread_count(alice) == 0
    # Another notice, then everything marked read at once.
    make_comment(parent=question, author=bob, text="And hold each for 20 s.")
    run_tasks()
    page.goto(site.url + "/inbox/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All your notices are marked as read.")).to_be_visible()
    assert services.unread_count(alice) == 0

    # She follows Sciatica from its page.
    page.goto(site.url + AILMENT)
    follow = page.get_by_role("button", name="Follow Sciatica")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(page.get_by_role("button", name="Follow Sciatica")).to_have_attribute(
        "aria-pressed", "true"
    )

    # She suggests a correction from the remedy page: first without a source.
    page.goto(site.url + REMEDY)
    page.get_by_role("link", name="Spotted a mistake? Suggest a correction").click()
    page.get_by_label("What is wrong, and what it should say").fill(
        "The hold time for the hamstring stretch should be 30 seconds."
    )
    page.get_by_role("button", name="Send to the editors").click()
    expect(page.locator("#id_source-error")).to_contain_text("Give a source")
    page.get_by_label("Source").fill("PMID 28192789")
    with page.expect_navigation():
        page.get_by_role("button", name="Send to the editors").click()
    expect(page.locator("#suggestions")).to_contain_text("Waiting for an editor")
    suggestion = Suggestion.objects.get(member=alice)

    # The editor accepts it, in the admin; Alice hears of it.
    sign_in(editor_page, site, make_editor(display_name="Erin"), "/admin/")
    expect(editor_page.get_by_role("link", name="Suggestions waiting")).to_be_visible()
    editor_page.get_by_role("link", name="Suggestions waiting").click()
    editor_page.get_by_role("link", name=re.compile("Physical Therapy")).click()
    editor_page.get_by_label("Decline").check()
    editor_page.get_by_label("Note to the member").fill(
        "The guideline says 20 to 30 s."
    )
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name="Save", exact=True).click()
    suggestion.refresh_from_db()
    assert suggestion.status == "declined"
    run_tasks()
    decision = [
        m for m in smtp.received.to(alice.email) if "suggestion" in m["Subject"]
    ]
    assert len(decision) == 1
    page.goto(site.url + "/account/")
    expect(page.locator("#suggestions")).to_contain_text(
        "The editor’s note: The guideline says 20 to 30 s."
    )

    # One click in the email, not signed in: no more emails.
    link = email["List-Unsubscribe"].strip().strip("<>")
    page.context.clear_cookies()
    page.goto(link)
    with page.expect_navigation():
        page.get_by_role("button", name="Stop all emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You won’t get any more emails"
    )
    assert services.email_choice(alice) == "never"


def test_the_loop_with_htmx(demo, site, page, browser, loop):
    editor_context = browser.new_context()
    walk_the_loop(site, page, editor_context.new_page(), loop, js=True)
    editor_context.close()


def test_the_loop_without_javascript(demo, site, page_without_js, browser, loop):
    editor_context = browser.new_context(java_script_enabled=False)
    walk_the_loop(site, page_without_js, editor_context.new_page(), loop, js=False)
    editor_context.close()


# Every new page passes what the other pages pass.


def run_axe(page) -> list[dict]:
    """axe-core with every rule it has, not only the WCAG ones."""
    from .conftest import AXE

    if page.evaluate("typeof window.axe") == "undefined":
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const r = await axe.run(document);
            return r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )


def check(page, label: str) -> dict:
    problems = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            if violations := run_axe(page):
                problems[f"{label} {scheme} {viewport['width']}px"] = violations
    page.set_viewport_size(NARROW)
    extra = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if extra > 0:
        problems[f"{label} 320px"] = f"scrolls sideways by {extra}px"
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(DESKTOP)
    return problems


def visit(page, site, path) -> dict:
    response = page.goto(site.url + path)
    return {} if response.status == 200 else {path: f"status {response.status}"}


def community_state():
    """A member with notices (one a safety update), follows, watches and suggestions."""
    member = seasoned("Ada")
    remedy = remedy_target()
    page = EvidencePage.objects.get(remedy=remedy, ailment__slug="sciatica")
    root = make_comment(remedy, author=member, text="Stretching twice a day helps me.")
    make_comment(parent=root, author=seasoned("Ben"), text="Thanks, I will try it.")
    services.follow(member, remedy)
    services.follow(member, page.ailment)
    services.watch(member, page)
    services.safety_update(remedy, ["Safety rating down from 9/10 to 7/10"])
    Suggestion.objects.create(
        member=member, kind="remedy", remedy_name="Tart cherry juice", details="Sleep."
    )
    Suggestion.objects.create(
        member=member,
        kind="correction",
        remedy=remedy,
        details="A typo.",
        source="PMID 28192789",
        status="declined",
        reason="It was right as it was.",
        decided_at=timezone.now(),
    )
    run_tasks()
    assert Notice.objects.filter(member=member).count() == 2
    assert Activity.objects.filter(kind="safety").exists()
    return member


MEMBER_PAGES = [
    "/inbox/",
    "/notifications/",
    "/account/",
    "/suggest/remedy/",
    "/suggest/pair/?ailment=sciatica",
    "/suggest/correction/remedies/physical-therapy-stretches/",
    "/suggest/correction/remedies/physical-therapy-stretches/for/sciatica/",
    "/suggest/correction/ailments/sciatica/",
    REMEDY,
    EVIDENCE,
    AILMENT,
    "/remedies/",
    "/ailments/",
]


@pytest.mark.markup
def test_every_new_page_passes_axe_and_reflows(demo, site, page, settings):
    settings.DISCUSSION_POST_INTERVAL = 0
    member = community_state()
    problems = {}
    # Visitors: the unsubscribe page, asking and done, and the pages' new parts.
    link = f"/unsubscribe/{member.pk}/{unsubscribe_token(member.pk)}/"
    for path in [link, REMEDY, AILMENT, "/remedies/"]:
        problems |= visit(page, site, path)
        problems |= check(page, f"visitor {path}")
    page.goto(site.url + link)
    page.get_by_role("button", name="Stop all emails").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("any more emails")
    problems |= check(page, "unsubscribed")
    # The member's pages, and the forms with their errors.
    sign_in(page, site, member, "/inbox/")
    for path in MEMBER_PAGES:
        problems |= visit(page, site, path)
        problems |= check(page, f"member {path}")
    page.goto(site.url + "/suggest/remedy/")
    page.get_by_role("button", name="Send to the editors").click()
    expect(page.locator("#id_name-error")).to_be_visible()
    problems |= check(page, "suggestion with errors")
    page.goto(site.url + AILMENT)
    page.get_by_role("button", name="Follow Sciatica").click()
    expect(page.locator(".follow__notice")).to_be_visible()
    problems |= check(page, "after following with htmx")
    # An editor sees the Edit link.
    page.context.clear_cookies()
    sign_in(page, site, make_editor(display_name="Eve"), REMEDY)
    expect(page.locator(".edit-link").get_by_role("link")).to_have_text(
        "Edit Physical Therapy Stretches in the admin"
    )
    problems |= check(page, "editor remedy")
    assert problems == {}


RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.mark.markup
def test_no_csp_violation_on_the_new_pages_and_their_htmx_actions(
    demo, site, browser, settings
):
    settings.DISCUSSION_POST_INTERVAL = 0
    member = community_state()
    context = browser.new_context()  # the policy enforced: no bypass
    context.add_init_script(RECORD)
    page = context.new_page()
    seen = []

    def collect(label):
        page.wait_for_load_state("networkidle")
        seen.extend(f"{label}: {v}" for v in page.evaluate("window.__violations || []"))
        page.evaluate("window.__violations = []")

    sign_in(page, site, member, "/inbox/")
    for path in MEMBER_PAGES:
        assert visit(page, site, path) == {}
        collect(path)
    page.goto(site.url + AILMENT)
    page.get_by_role("button", name="Follow Sciatica").click()
    expect(page.locator(".follow__notice")).to_be_visible()
    collect("follow")
    page.goto(site.url + "/notifications/")
    page.get_by_label("Once a day, in one digest").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="saved")).to_be_visible()
    collect("email choice")
    page.goto(site.url + "/inbox/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All your notices are marked as read.")).to_be_visible()
    collect("mark all read")
    page.context.clear_cookies()
    sign_in(page, site, make_editor(display_name="Ed"), "/admin/")
    collect("the editors' desk")
    page.goto(site.url + "/admin/community/suggestion/")
    collect("suggestions")
    suggestion = Suggestion.objects.filter(status="pending").first()
    page.goto(site.url + f"/admin/community/suggestion/{suggestion.pk}/change/")
    collect("a suggestion")
    context.close()
    assert seen == []


@pytest.mark.markup
def test_every_new_page_is_valid_html(demo, client, settings, tmp_path):
    """The Nu HTML checker, with no ignore list: not even for htmx's attributes."""
    from .test_valid_html import JAVA, VNU

    if not JAVA:
        pytest.skip("Java not found: install default-jre-headless")
    settings.DISCUSSION_POST_INTERVAL = 0
    member = community_state()
    documents = {}
    link = f"/unsubscribe/{member.pk}/{unsubscribe_token(member.pk)}/"
    documents["unsubscribe"] = client.get(link).content.decode()
    documents["unsubscribed"] = client.post(link).content.decode()
    for path in [REMEDY, AILMENT, "/remedies/", "/ailments/"]:
        documents[f"visitor {path}"] = client.get(path).content.decode()
    services.set_email_choice(member, "now")
    client.force_login(member)
    for path in MEMBER_PAGES:
        r = client.get(path)
        assert r.status_code == 200, path
        documents[f"member {path}"] = r.content.decode()
    documents["suggestion with errors"] = client.post(
        "/suggest/pair/", {"remedy": "Nothing", "ailment": "", "details": "x"}
    ).content.decode()
    documents["correction with errors"] = client.post(
        "/suggest/correction/ailments/sciatica/", {"details": "x", "source": "a"}
    ).content.decode()
    client.force_login(make_editor(display_name="Ed"))
    documents["editor remedy page"] = client.get(REMEDY).content.decode()
    documents["editor ailment page"] = client.get(AILMENT).content.decode()

    files = {}
    for i, (name, html) in enumerate(documents.items()):
        path = tmp_path / f"page-{i}.html"
        path.write_text(html, encoding="utf-8")
        files[f"file:{path}"] = name
    result = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json"]
        + [str(tmp_path / f"page-{i}.html") for i in range(len(documents))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = {}
    for message in json.loads(result.stderr or result.stdout)["messages"]:
        name = files.get(message.get("url"), urlsplit(message.get("url", "")).path)
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message['message']} "
            f"[{message.get('extract', '').strip()}]"
        )
    assert errors == {}
