"""The community's pages and actions. Each action is a plain form (POST,
redirect, message) and, with htmx, swaps its part of the page in place from
the same partial. These pages are a member's own: never shared, never stored.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from ailments.models import Ailment
from core.ratelimit import allow
from remedies.models import EvidencePage, Remedy

from . import services
from .emails import check_unsubscribe_token
from .forms import (
    CorrectionForm,
    EmailChoiceForm,
    PairSuggestionForm,
    RemedySuggestionForm,
)
from .models import Follow, Notice, Watch

NOTICES_PER_PAGE = 20


def _next(request, default: str) -> str:
    """Where to go back to: the form's `next` when it is one of our own paths."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and wanted.startswith("/"):
        return wanted
    return default


def _to_login(request, back: str):
    login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}"
    return HttpResponseClientRedirect(login) if request.htmx else redirect(login)


# The inbox


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def inbox(request):
    """The member's notices, newest first; safety updates marked apart. POST marks all read."""
    if request.method == "POST":
        services.mark_all_read(request.user)
        if not request.htmx:
            messages.success(request, "All your notices are marked as read.")
            return redirect("community:inbox")
    notices = Notice.objects.filter(member=request.user).for_inbox()
    page_obj = Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    ctx = {
        "page_obj": page_obj,
        "unread": services.unread_count(request.user),
        "email_choice": services.email_choice(request.user),
    }
    if request.htmx:
        return render(request, "community/inbox.html#notices", ctx)
    return render(request, "community/inbox.html", ctx)


@login_required
@never_cache
@require_GET
def open_notice(request, notice_id: int):
    """Open what a notice is about, and count it read."""
    notice = get_object_or_404(
        Notice.objects.select_related("activity"), pk=notice_id, member=request.user
    )
    services.mark_read(notice)
    return redirect(notice.activity.path)


# Emails: the member's choice, and the one-click way out


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    member = request.user
    form = EmailChoiceForm(
        request.POST if request.method == "POST" else None,
        initial={"email": services.email_choice(member)},
    )
    if request.method == "POST" and form.is_valid():
        services.set_email_choice(member, form.cleaned_data["email"])
        text = "Your email choice is saved."
        if not request.htmx:
            messages.success(request, text)
            return redirect("community:notification_settings")
        form = EmailChoiceForm(initial={"email": form.cleaned_data["email"]})
        return render(
            request,
            "community/notification_settings.html#email-form",
            {"form": form, "notice": text},
        )
    ctx = {
        "form": form,
        "follows": Follow.objects.filter(member=member).select_related(
            "remedy", "ailment"
        ),
        "watches": Watch.objects.filter(member=member).select_related(
            "remedy", "evidence_page__remedy", "evidence_page__ailment"
        ),
        "has_verified_email": EmailAddress.objects.filter(
            user=member, verified=True, primary=True
        ).exists(),
    }
    if request.htmx:
        return render(request, "community/notification_settings.html#email-form", ctx)
    return render(request, "community/notification_settings.html", ctx)


@csrf_exempt  # mail providers POST here on the member's behalf, without cookies (RFC 8058)
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, member_id: int, token: str):
    """GET asks (link scanners open links); POST, from the page or the mail
    provider's one-click button, turns every email off. Needs no sign-in: the
    signed token names the member."""
    member = get_user_model().objects.filter(pk=member_id).first()
    if member is None or not check_unsubscribe_token(member_id, token):
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        services.unsubscribe(member)
        done = True
    return render(request, "community/unsubscribe.html", {"done": done})


# Following remedies and ailments, watching discussions


def _follow(request, thing, *, kind: str):
    back = _next(request, thing.get_absolute_url())
    if not request.user.is_authenticated:
        return _to_login(request, back)
    following = request.POST.get("action") != "unfollow"
    if following:
        services.follow(request.user, thing)
        text = f"You follow {thing.name}: you’ll hear of new evidence pages and safety updates."
    else:
        services.unfollow(request.user, thing)
        text = f"You no longer follow {thing.name}."
    if request.htmx:
        ctx = {
            "kind": kind,
            "slug": thing.slug,
            "name": thing.name,
            "following": following,
            "notice": text,
            "next": back,
        }
        return render(request, "community/_follow_button.html", ctx)
    messages.success(request, text)
    return redirect(back)


@require_POST
def follow_remedy(request, slug: str):
    remedy = get_object_or_404(Remedy.objects.published(), slug=slug)
    return _follow(request, remedy, kind="remedy")


@require_POST
def follow_ailment(request, ailment_slug: str):
    ailment = get_object_or_404(Ailment.objects.published(), slug=ailment_slug)
    return _follow(request, ailment, kind="ailment")


@require_POST
def watch(request, slug: str, ailment_slug: str | None = None):
    if ailment_slug is None:
        target = get_object_or_404(Remedy.objects.published(), slug=slug)
    else:
        target = get_object_or_404(
            EvidencePage.objects.published()
            .select_related("remedy", "ailment")
            .at(slug, ailment_slug)
        )
    back = _next(request, target.get_absolute_url() + "#discussion")
    if not request.user.is_authenticated:
        return _to_login(request, back)
    watching = request.POST.get("action") != "unwatch"
    if watching:
        services.watch(request.user, target)
        text = "You’re watching this discussion: you’ll hear of every new comment."
    else:
        services.unwatch(request.user, target)
        text = "You stopped watching this discussion."
    if request.htmx:
        ctx = {
            "remedy": slug,
            "ailment": ailment_slug or "",
            "watching": watching,
            "notice": text,
            "next": back,
        }
        return render(request, "community/_watch.html#watch-form", ctx)
    messages.success(request, text)
    return redirect(back)


# Suggestions


def _suggest(
    request, form_class, template: str, *, initial=None, fields=None, context=None
):
    """Show the form; store a valid suggestion once per submission, within the rate limit."""
    if not request.user.is_authenticated:
        return _to_login(request, request.get_full_path())
    form = form_class(
        request.POST if request.method == "POST" else None, initial=initial or {}
    )
    if request.method == "POST" and form.is_valid():
        refusal = _refusal(request.user)
        if refusal:
            form.add_error(None, refusal)
        else:
            services.suggest(
                request.user,
                kind=form_class.kind,
                **(fields or {}),
                **form.suggestion_fields(),
            )
            messages.success(
                request,
                "Thank you: editors will read your suggestion. Its status is on "
                "your account page, and you’ll hear when they decide.",
            )
            back = _next(request, reverse("accounts:profile") + "#suggestions")
            return HttpResponseClientRedirect(back) if request.htmx else redirect(back)
    ctx = {"form": form, "next": _next(request, ""), **(context or {})}
    if request.htmx:
        template += "#suggest-form"
    return render(request, template, ctx)


def _refusal(member) -> str:
    if not EmailAddress.objects.filter(user=member, verified=True).exists():
        return "Please verify your email address before making suggestions."
    limit = int(getattr(settings, "COMMUNITY_SUGGESTIONS_PER_DAY", 10))
    if not allow(f"suggest:{member.pk}", limit=limit, window=86400):
        return (
            f"You can make {limit} suggestions a day, and you have made them all. "
            "Your text is still here: please send it tomorrow."
        )
    return ""


@require_http_methods(["GET", "POST"])
def suggest_remedy(request):
    initial = {"name": request.GET.get("name", "")[:120]}
    return _suggest(
        request, RemedySuggestionForm, "community/suggest_remedy.html", initial=initial
    )


@require_http_methods(["GET", "POST"])
def suggest_pair(request):
    initial = {}
    if slug := request.GET.get("remedy", "")[:120]:
        found = Remedy.objects.published().filter(slug=slug).first()
        initial["remedy"] = found.name if found else ""
    if slug := request.GET.get("ailment", "")[:120]:
        found = Ailment.objects.published().filter(slug=slug).first()
        initial["ailment"] = found.name if found else ""
    return _suggest(
        request, PairSuggestionForm, "community/suggest_pair.html", initial=initial
    )


@require_http_methods(["GET", "POST"])
def suggest_correction(request, slug: str | None = None, ailment_slug=None):
    if slug and ailment_slug:
        page = get_object_or_404(
            EvidencePage.objects.published()
            .select_related("remedy", "ailment")
            .at(slug, ailment_slug)
        )
        fields = {"evidence_page": page, "remedy": page.remedy, "ailment": page.ailment}
        target = page
    elif slug:
        target = get_object_or_404(Remedy.objects.published(), slug=slug)
        fields = {"remedy": target}
    else:
        target = get_object_or_404(Ailment.objects.published(), slug=ailment_slug)
        fields = {"ailment": target}
    return _suggest(
        request,
        CorrectionForm,
        "community/suggest_correction.html",
        fields=fields,
        context={"target": target},
    )
