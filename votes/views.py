from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.ratelimit import allow
from remedies.models import EvidencePage

from .models import Vote
from .services import cast_vote, retract_vote

CHOICES = {"up": Vote.Value.UP, "down": Vote.Value.DOWN}


def _record(request, page: EvidencePage) -> tuple[int, str]:
    """Apply the member's choice; return a message level and text to show them.

    Once a vote is written, the member's own vote is known: it is noted on the
    request for the vote box (votes/slots.py), which need not read it again.
    """
    member = request.user
    choice = request.POST.get("vote", "")
    if choice not in CHOICES and choice != "retract":
        return messages.ERROR, "Choose whether it helped or not."
    if not allow(f"vote:{member.pk}", limit=settings.VOTE_RATE_LIMIT, window=60):
        return (
            messages.ERROR,
            "You’re voting very quickly. Please wait a minute and try again.",
        )
    if choice == "retract":
        result = retract_vote(member=member, page=page)
    else:
        result = cast_vote(member=member, page=page, value=CHOICES[choice])
    # The vote's statement checks the email itself: nothing is written without one.
    if not result.verified:
        return messages.ERROR, "Please verify your email address before voting."
    request.my_votes = {page.pk: None if choice == "retract" else CHOICES[choice]}
    if choice == "retract":
        if result.changed:
            return messages.SUCCESS, "Your vote was withdrawn."
        return messages.INFO, "You had no vote here to withdraw."
    return (
        messages.SUCCESS,
        "Thanks, your vote is counted. Only the totals are shown to others.",
    )


@require_POST
def vote(request, slug, ailment_slug):
    # Only what the vote and its answer use: the tallies, the grade (the
    # summary card says when the two point different ways) and the names.
    page = get_object_or_404(
        EvidencePage.objects.published()
        .select_related("remedy", "ailment")
        .only(
            "votes_up",
            "votes_down",
            "votes_total",
            "score",
            "grade",
            "remedy__slug",
            "remedy__name",
            "ailment__slug",
            "ailment__name",
        )
        .at(slug, ailment_slug),
    )
    back = f"{page.get_absolute_url()}#vote-box"
    if not request.user.is_authenticated:
        login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}"
        return HttpResponseClientRedirect(login) if request.htmx else redirect(login)

    level, text = _record(request, page)
    if request.htmx:
        # The vote box with the answer in it, and out of band the summary
        # card's figure: the page's tallies are the vote's own answer,
        # nothing is read again.
        request.vote_notice = (text, level == messages.ERROR)
        ctx = {"page": page, "remedy": page.remedy, "ailment": page.ailment}
        return render(request, "remedies/evidence_detail.html#vote-response", ctx)
    # Back to the page the form was on (the account page's list of votes), a
    # path on this site only; redirect() would take a bare word for a URL name.
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        messages.add_message(request, level, text)
        return HttpResponseRedirect(next_url)
    # Shown in the vote box itself, where the redirect puts the member's eyes.
    messages.add_message(request, level, text, extra_tags="vote-box")
    return redirect(back)
