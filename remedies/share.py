"""Share images: the picture a link preview shows for an evidence page.

A 1200×630 PNG drawn on the server with Pillow: the remedy, the ailment, the
effectiveness bar with its figure (or "Not yet rated"), and the site's name.
Each version of a page (its content's update time, its tallies and its names)
is drawn once and kept in the shared cache; the URL the page links to carries
the version, so browsers and link-preview services may keep it for a year.
"""

from __future__ import annotations

import hashlib
from functools import cache as memoize
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from core.site import absolute

from .models import EvidencePage

WIDTH, HEIGHT = 1200, 630
# Change when the drawing changes, so every cached image is drawn again.
DRAWING = 1
# Each version is kept this long in the cache (it is redrawn on demand after).
CACHE_SECONDS = 30 * 24 * 3600
YEAR = 365 * 24 * 3600

# Debian's DejaVu fonts (package fonts-dejavu-core) when installed; otherwise
# the scalable font that Pillow itself ships.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

INK = (28, 37, 48)
INK_SOFT = (74, 85, 99)
PAPER = (255, 255, 255)
PAPER_SOFT = (245, 247, 246)
LINE = (217, 223, 220)
BRAND = (11, 107, 95)
TRACK = (223, 229, 226)


@memoize
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def version(page: EvidencePage) -> str:
    """What the image shows, as a short hash: it changes when any of it changes."""
    parts = (
        DRAWING,
        page.pk,
        page.updated_at.isoformat(),
        page.votes_up,
        page.votes_down,
        page.remedy.name,
        page.ailment.name,
    )
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def url(request, page: EvidencePage) -> str:
    """The absolute, versioned URL of a page's share image (for og:image)."""
    path = reverse("remedies:share_image", args=[page.remedy.slug, page.ailment.slug])
    return absolute(f"{path}?v={version(page)}")


def alt_text(page: EvidencePage) -> str:
    tally = page.tally
    if tally.is_rated:
        figure = f"{tally.percent}% of {tally.total} member{'s' if tally.total != 1 else ''} found it helpful"
    else:
        figure = "not yet rated"
    return f"{page.remedy.name} for {page.ailment.name}: {figure}. Remedies."


def _wrap(draw, text: str, font, width: int, max_lines: int) -> list[str]:
    """Words in lines no wider than width; the last line ends with … if cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and draw.textlength(f"{last}…", font=font) > width:
            last = last[:-1].rstrip()
        lines[-1] = f"{last}…"
    return lines


def draw(page: EvidencePage) -> bytes:
    """The share image of a page, as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(image)
    left, right = 80, WIDTH - 80
    width = right - left

    # The site: a brand mark and its name.
    d.rectangle((0, 0, WIDTH, 14), fill=BRAND)
    d.ellipse((left, 58, left + 44, 102), fill=BRAND)
    d.line((left + 22, 68, left + 22, 92), fill=PAPER, width=6)
    d.line((left + 10, 80, left + 34, 80), fill=PAPER, width=6)
    d.text(
        (left + 60, 80),
        settings.SITE_NAME,
        font=_font(34, bold=True),
        fill=INK,
        anchor="lm",
    )

    # The remedy, then the ailment.
    y = 150
    name_font = _font(64, bold=True)
    for line in _wrap(d, page.remedy.name, name_font, width, 2):
        d.text((left, y), line, font=name_font, fill=INK)
        y += 78
    for_font = _font(40)
    for line in _wrap(d, f"for {page.ailment.name}", for_font, width, 1):
        d.text((left, y + 4), line, font=for_font, fill=INK_SOFT)

    # Effectiveness: the figure and its bar.
    tally = page.tally
    figure_y, bar_y = 428, 486
    if tally.is_rated:
        figure = f"{tally.percent}% found it helpful"
        votes = f"{tally.total} vote{'s' if tally.total != 1 else ''}"
    else:
        figure, votes = "Not yet rated", "no votes yet"
    figure_font, votes_font = _font(44, bold=True), _font(34)
    d.text(
        (left, figure_y),
        figure,
        font=figure_font,
        fill=INK if tally.is_rated else INK_SOFT,
        anchor="ls",
    )
    d.text((right, figure_y), votes, font=votes_font, fill=INK_SOFT, anchor="rs")
    d.rounded_rectangle((left, bar_y, right, bar_y + 36), radius=18, fill=TRACK)
    if tally.is_rated and tally.percent:
        fill_right = left + max(36, round(width * tally.percent / 100))
        d.rounded_rectangle(
            (left, bar_y, fill_right, bar_y + 36), radius=18, fill=BRAND
        )

    # What the figure is, and what the site is not.
    d.rectangle((0, HEIGHT - 72, WIDTH, HEIGHT), fill=PAPER_SOFT)
    d.line((0, HEIGHT - 72, WIDTH, HEIGHT - 72), fill=LINE, width=2)
    d.text(
        (left, HEIGHT - 36),
        "Share of members who said it helped · Evidence and warning signs inside · Not medical advice",
        font=_font(21),
        fill=INK_SOFT,
        anchor="lm",
    )

    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def cached_png(page: EvidencePage, current: str) -> bytes:
    key = f"share-image:{current}"
    png = cache.get(key)
    if png is None:
        png = draw(page)
        cache.set(key, png, CACHE_SECONDS)
    return png


@require_safe
def share_image(request, slug, ailment_slug):
    """A published evidence page's share image; 404 for anything unpublished."""
    page = get_object_or_404(
        EvidencePage.objects.published()
        .select_related("remedy", "ailment")
        .at(slug, ailment_slug),
    )
    current = version(page)
    etag = f'"{current}"'
    # The versioned URL never changes its picture; the plain one may, any time.
    if request.GET.get("v") == current:
        control = f"public, max-age={YEAR}, immutable"
    else:
        control = "public, max-age=300"
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(cached_png(page, current), content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = control
    return response
