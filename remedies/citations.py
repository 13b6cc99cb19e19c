"""Numbered markers in editors' text, linked to the studies a page cites.

Editors write [1], [2]… after a claim in "why it works", the text around the
steps and each step's instructions; the number is the study's place in the
page's list of studies. On the page each marker is a link down to its study,
and each study links back up to every place that cites it. A marker that
refers to no study on the page stays plain text. Everything else in the text
is escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# [1], or several studies at once: [1, 3] or [2,4,5].
MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")


def study_anchor(number: int) -> str:
    return f"study-{number}"


def strip_markers(text: str) -> str:
    """The text without its markers, for where they cannot be links (snippets, previews)."""
    return re.sub(r"\s*" + MARKER.pattern, "", text)


@dataclass(frozen=True)
class BackLink:
    anchor: str  # the marker's id
    label: str  # where it is, in words: "why it works, paragraph 2"


@dataclass
class Markers:
    """The markers of one page: its texts with their markers linked, and for
    each study the places that cite it.

    `count` is the number of studies listed on the page; markers beyond it
    (or 0) stay plain text.
    """

    count: int
    back_links: dict[int, list[BackLink]] = field(default_factory=dict)

    def paragraphs(self, text: str, where: str, label: str) -> list[SafeString]:
        """`text` split on blank lines, each paragraph escaped with its markers
        linked. `where` makes the markers' ids unique on the page ("why",
        "step-3"); `label` names the place for the links back ("step 3")."""
        paragraphs = [
            p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()
        ]
        several = len(paragraphs) > 1
        return [
            self._link(
                p, f"{where}-{i}", f"{label}, paragraph {i}" if several else label
            )
            for i, p in enumerate(paragraphs, start=1)
        ]

    def _link(self, text: str, where: str, label: str) -> SafeString:
        out, last, seen = [], 0, 0
        for match in MARKER.finditer(text):
            numbers = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
            if not all(1 <= n <= self.count for n in numbers):
                continue  # not a marker of this page: left as it is written
            # The marker sits against the word it follows: "disc[7]", not "disc [7]".
            out.append(escape(text[last : match.start()].rstrip()))
            links = []
            for n in numbers:
                seen += 1
                anchor = f"cite-{where}-{seen}"
                places = self.back_links.setdefault(n, [])
                if all(place.label != label for place in places):
                    places.append(BackLink(anchor, label))
                links.append(
                    format_html(
                        '<a href="#{}" id="{}" aria-label="Study {}">[{}]</a>',
                        study_anchor(n),
                        anchor,
                        n,
                        n,
                    )
                )
            out.append(
                format_html('<sup class="cite">{}</sup>', mark_safe("".join(links)))
            )
            last = match.end()
        out.append(escape(text[last:]))
        return mark_safe("".join(out))

    def cited_at(self, number: int) -> list[BackLink]:
        """The places that cite study `number`, each once, in the page's order."""
        return self.back_links.get(number, [])
