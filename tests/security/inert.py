"""Is a page's HTML free of anything a payload could have added that runs?"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser

# Elements a payload might smuggle in. A page carrying payloads must have
# exactly as many of each as the same page carrying plain text.
WATCHED = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "img",
    "image",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "video",
    "audio",
    "source",
    "details",
    "dialog",
    "marquee",
    "body",
    "template",
    "isindex",
    "keygen",
    "picture",
    "table",
    "noscript",
    "x",
    "xss",
    "animate",
    "set",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}
TEXT_ATTRIBUTES = {
    "content",
    "value",
    "alt",
    "title",
    "aria-label",
    "data-status",
    "placeholder",
    "hx-get",
    "hx-post",
    "hx-push-url",
}
BAD_SCHEMES = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x20]")


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.counts: Counter[str] = Counter()
        self.problems: list[str] = []
        self._in_json = False
        self._json = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.counts[tag] += tag in WATCHED
        attrs = [(name.lower(), value or "") for name, value in attrs]
        for name, value in attrs:
            if name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and BAD_SCHEMES.match(CONTROL.sub("", value)):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if "__xss" in value and not (
                name in URL_ATTRIBUTES or name in TEXT_ATTRIBUTES
            ):
                # Payload text may sit, escaped, in text-valued attributes and
                # percent-encoded in addresses; anywhere else it could run.
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            kind = dict(attrs).get("type", "")
            src = dict(attrs).get("src", "")
            if kind == "application/ld+json":
                self._in_json = True
                self._json = ""
            elif not src.startswith("/static/"):
                self.problems.append(f"<script {attrs}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_json:
            self._in_json = False
            try:
                json.loads(self._json)
            except ValueError:
                self.problems.append(f"JSON-LD that is not JSON: {self._json[:200]!r}")

    def handle_data(self, data):
        if self._in_json:
            self._json += data


def problems(html: str, baseline: str) -> list[str]:
    """What in `html` could run, judged against the same page with plain text (`baseline`)."""
    page, plain = Page(html), Page(baseline)
    found = list(page.problems)
    for tag in WATCHED:
        if page.counts[tag] != plain.counts[tag]:
            found.append(
                f"{page.counts[tag]} <{tag}> where plain text has {plain.counts[tag]}"
            )
    if "<script>window.__xss" in html or "<script>alert" in html:
        found.append("a raw <script>")
    return found
