"""Discussion actions. Each works as a plain form (POST, redirect, message) and,
with htmx, in place: the same view answers with a partial of the same template.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from core.ratelimit import allow, cooldown
from remedies.models import EvidencePage, Remedy

from . import services
from .forms import CommentForm, EditCommentForm, FlagForm
from .models import (
    EDIT_WINDOW,
    ORDERS,
    Comment,
    flag_threshold,
    is_editor,
    load_discussion,
    node_for,
    thread_page,
)

NEW_MEMBER_AGE = timedelta(days=1)

# What a write that worked says: a message (plain) or the discussion's notice (htmx).
POSTED = "Your comment is posted."
REPLIED = "Your reply is posted."
SAVED = "Your changes are saved."
DELETED = "Your comment is deleted."
REMOVED = "The comment is removed."
FLAGGED = "Thank you. Editors will review this comment."
FLAGGED_BEFORE = "You have already flagged this comment."
NOTICES = frozenset({POSTED, REPLIED, SAVED, DELETED, REMOVED, FLAGGED, FLAGGED_BEFORE})

FORM_USED = (
    "This form was already used to post a comment. Your text is still here: "
    "send it again to post it as a new comment."
)


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, default)


# Reading


def _order(value: str | None) -> str:
    return value if value in ORDERS else "newest"


def _page_number(value: str | None) -> int:
    try:
        return int(value or 1)
    except ValueError:
        return 1


def page_url(target: Remedy | EvidencePage, order: str = "newest", page: int = 1):
    """The target's page showing the given order and page of its discussion."""
    params = {}
    if order != "newest":
        params["comment_order"] = order
    if page > 1:
        params["comment_page"] = page
    query = f"?{urlencode(params)}" if params else ""
    return target.get_absolute_url() + query


def _post_url(target: Remedy | EvidencePage) -> str:
    if isinstance(target, EvidencePage):
        args = [target.remedy.slug, target.ailment.slug]
    else:
        args = [target.slug]
    return reverse("discussions:post_comment", args=args)


def _headings(target: Remedy | EvidencePage) -> tuple[str, str]:
    if isinstance(target, EvidencePage):
        remedy, ailment = target.remedy.name, target.ailment.name
        return (
            f"Discussion for {ailment}",
            f"Talk about using {remedy} for {ailment}: what you tried and how it went.",
        )
    return "Community discussion", f"Share results, tips and questions about {target}."


def discussion_context(
    request,
    target: Remedy | EvidencePage,
    *,
    order: str | None = None,
    page: int | None = None,
    notice: str = "",
    focus: int | None = None,
) -> dict:
    """What templates/discussions/_discussion.html shows; the template tag and the views use it."""
    order = order or _order(request.GET.get("comment_order"))
    page = page or _page_number(request.GET.get("comment_page"))
    discussion = load_discussion(target, user=request.user, order=order, page=page)
    heading, lead = _headings(target)
    return {
        "discussion": discussion,
        "target": target,
        "heading": heading,
        "lead": lead,
        "order": order,
        "order_query": "" if order == "newest" else f"?comment_order={order}",
        "page_path": page_url(target, order, discussion.page),
        "previous_url": page_url(target, order, discussion.page - 1),
        "next_url": page_url(target, order, discussion.page + 1),
        "community_url": (
            target.remedy.get_absolute_url() if isinstance(target, EvidencePage) else ""
        ),
        "target_url": target.get_absolute_url(),
        "post_url": _post_url(target),
        "notice": notice,
        "focus": focus,
        "user": request.user,
        "request": request,
    }


def _target(slug: str, ailment_slug: str | None) -> Remedy | EvidencePage:
    if ailment_slug is None:
        return get_object_or_404(Remedy.objects.published(), slug=slug)
    return get_object_or_404(
        EvidencePage.objects.published()
        .select_related("remedy", "ailment")
        .at(slug, ailment_slug),
    )


def _comment(comment_id: int) -> Comment:
    """The comment, on a published page, or 404."""
    comment = get_object_or_404(
        Comment.objects.select_related(
            "author", "remedy", "evidence_page__remedy", "evidence_page__ailment"
        ),
        pk=comment_id,
    )
    target = comment.target
    live = (
        target.is_published
        and target.remedy.is_published
        and target.ailment.is_published
        if isinstance(target, EvidencePage)
        else target.is_published
    )
    if not live:
        raise Http404("No such comment.")
    return comment


def _to_login(request, back: str):
    """Visitors go to sign in, then back to the spot they wanted to write at."""
    login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}"
    return HttpResponseClientRedirect(login) if request.htmx else redirect(login)


def _anchor(target, comment: Comment | None = None) -> str:
    return target.get_absolute_url() + (
        f"#comment-{comment.pk}" if comment else "#discussion"
    )


# Writing: the checks every write passes, and the answer to a write that worked.


def _refusal(request, *, action: str) -> str | None:
    """Why the member may not write now, or None. Counts one attempt against the limits."""
    member = request.user
    if not EmailAddress.objects.filter(user=member, verified=True).exists():
        return "Please verify your email address before joining the discussion."
    if action == "post":
        new = timezone.now() - member.date_joined < NEW_MEMBER_AGE
        interval = (
            _setting("DISCUSSION_NEW_MEMBER_POST_INTERVAL", 30)
            if new
            else _setting("DISCUSSION_POST_INTERVAL", 5)
        )
        if interval > 0 and not cooldown(f"comment:{member.pk}", seconds=interval):
            return (
                f"You can post once every {interval} seconds. "
                "Your text is still here: please try again in a moment."
            )
        cap = _setting("DISCUSSION_FIRST_DAY_LIMIT", 10)
        # Every comment of an account younger than a day is a first-day comment.
        if new and Comment.objects.filter(author=member).count() >= cap:
            return (
                f"New members can post {cap} comments in their first day. "
                "Please come back tomorrow."
            )
    elif not allow(f"comment-{action}:{member.pk}", limit=20, window=600):
        return "You’re going very quickly. Please wait a few minutes and try again."
    return None


def _store(
    request, form: CommentForm, target, create: Callable
) -> tuple[Comment | None, str]:
    """Store a new comment or reply once, however often the same form is sent.

    The same form sent again (its token, its text, its discussion) finds the
    comment the first sending stored. A form whose token already posted a
    different text, or elsewhere (sent again from the browser's history after
    editing it), is refused with a new token, so sending it again posts it.
    """
    token = form.cleaned_data.get("token")
    if token and (earlier := Comment.objects.filter(token=token).first()):
        if earlier.author_id != request.user.pk:
            token = None
        elif earlier.text == form.cleaned_data["text"] and (
            earlier.remedy_id,
            earlier.evidence_page_id,
        ) == _discussion_of(target):
            return earlier, ""
        else:
            _new_token(form)
            return None, FORM_USED
    if refusal := _refusal(request, action="post"):
        return None, refusal
    return create(token), ""


def _discussion_of(target: Remedy | EvidencePage) -> tuple[int | None, int | None]:
    """(remedy id, evidence page id) as a comment in `target`'s discussion stores them."""
    if isinstance(target, EvidencePage):
        return None, target.pk
    return target.pk, None


def _new_token(form: CommentForm) -> None:
    """Give a refused form a token no comment has, for its next sending."""
    form.data = form.data.copy()
    form.data["token"] = str(uuid.uuid4())


def _done(request, comment: Comment, target, order: str, text: str):
    """After a write: the discussion at the comment, as a page (plain) or in place (htmx)."""
    page = thread_page(comment, order)
    if request.htmx:
        ctx = discussion_context(
            request, target, order=order, page=page, notice=text, focus=comment.pk
        )
        response = render(request, "discussions/_discussion.html", ctx)
        return reswap(retarget(response, "#discussion"), "outerHTML")
    messages.success(request, text)
    return redirect(f"{page_url(target, order, page)}#comment-{comment.pk}")


def _form_context(request, comment: Comment, order: str, **extra) -> dict:
    """For the pages that act on one comment, and for their partials."""
    user = request.user
    return {
        "comment": comment,
        "node": node_for(comment, user, editor=is_editor(user), now=timezone.now()),
        "target": comment.target,
        "target_url": comment.target.get_absolute_url(),
        "order": order,
        "order_query": "" if order == "newest" else f"?comment_order={order}",
        # Inline in the discussion with htmx; a plain form on its own page otherwise.
        "inline": bool(request.htmx),
        "readonly": True,
        "id_suffix": str(comment.pk),
        "threshold": flag_threshold(),
        **extra,
    }


def _refuse(form, text: str) -> None:
    """Say above the form why it cannot be used now; also when it was not sent (a GET)."""
    if not form.is_bound:
        # Django keeps errors of an unsent form only once it has cleaned data.
        form.cleaned_data = {}
    form.add_error(None, text)


def _render(request, template: str, partial: str, ctx: dict):
    """A form's page (plain) or the form alone (htmx), with its errors if any.

    A refused form shows its refusal and no word of an earlier success: with
    htmx the discussion's notice of the last write is emptied (out of band),
    and a plain page leaves out a notice still waiting from an earlier write
    (one its page did not show), which would read as if this text were posted.
    """
    form = ctx.get("form")
    refused = form is not None and bool(form.errors)
    if not request.htmx:
        if refused:
            request.stale_messages = NOTICES
        return render(request, template, ctx)
    response = render(request, f"{template}#{partial}", ctx)
    if refused:
        response.content += render_to_string(
            "discussions/_discussion.html#notice", {"oob": True}
        ).encode()
    return response


# The views


@require_http_methods(["GET", "POST"])
def post_comment(request, slug, ailment_slug=None):
    """Start a thread. GET shows the form on its own page (where errors show without htmx)."""
    target = _target(slug, ailment_slug)
    if not request.user.is_authenticated:
        return _to_login(request, _anchor(target))
    order = _order(
        request.POST.get("comment_order") or request.GET.get("comment_order")
    )
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        comment, refusal = _store(
            request,
            form,
            target,
            lambda token: services.post_comment(
                author=request.user,
                target=target,
                text=form.cleaned_data["text"],
                token=token,
            ),
        )
        if comment:
            return _done(request, comment, target, order, POSTED)
        form.add_error(None, refusal)
    heading, _ = _headings(target)
    ctx = {
        "form": form,
        "target": target,
        "target_url": target.get_absolute_url(),
        "heading": heading,
        "post_url": _post_url(target),
        "order": order,
        "inline": bool(request.htmx),
    }
    return _render(request, "discussions/post_comment.html", "comment-form", ctx)


@require_http_methods(["GET", "POST"])
def reply(request, comment_id):
    parent = _comment(comment_id)
    target = parent.target
    if not request.user.is_authenticated:
        return _to_login(request, _anchor(target, parent))
    order = _order(
        request.POST.get("comment_order") or request.GET.get("comment_order")
    )
    form = CommentForm(request.POST if request.method == "POST" else None)
    if not parent.is_shown:
        _refuse(form, "This comment is no longer open for replies.")
    elif request.method == "POST" and form.is_valid():
        comment, refusal = _store(
            request,
            form,
            target,
            lambda token: services.reply(
                author=request.user,
                parent=parent,
                text=form.cleaned_data["text"],
                token=token,
            ),
        )
        if comment:
            return _done(request, comment, target, order, REPLIED)
        form.add_error(None, refusal)
    ctx = _form_context(request, parent, order, form=form)
    return _render(request, "discussions/reply.html", "reply-form", ctx)


@require_http_methods(["GET", "POST"])
def edit_comment(request, comment_id):
    comment = _comment(comment_id)
    if not request.user.is_authenticated:
        return _to_login(request, _anchor(comment.target, comment))
    order = _order(
        request.POST.get("comment_order") or request.GET.get("comment_order")
    )
    if request.method == "POST":
        form = EditCommentForm(request.POST)
    else:
        form = EditCommentForm(initial={"text": comment.text})
    if not comment.can_edit(request.user):
        mine = comment.author_id == request.user.pk
        if not mine or comment.state in (Comment.State.DELETED, Comment.State.REMOVED):
            raise PermissionDenied("You can’t edit this comment.")
        if comment.state == Comment.State.PENDING:
            why = "This comment is hidden while editors review it, so it can’t be edited now."
        else:
            minutes = int(EDIT_WINDOW.total_seconds() // 60)
            why = (
                f"Comments can be edited for {minutes} minutes after posting, "
                "and the time for this one is over. You can still delete it."
            )
        _refuse(form, why)
    elif request.method == "POST" and form.is_valid():
        if refusal := _refusal(request, action="edit"):
            form.add_error(None, refusal)
        else:
            services.edit_comment(
                comment=comment, by=request.user, text=form.cleaned_data["text"]
            )
            return _done(request, comment, comment.target, order, SAVED)
    ctx = _form_context(request, comment, order, form=form)
    return _render(request, "discussions/edit_comment.html", "edit-form", ctx)


@require_http_methods(["GET", "POST"])
def delete_comment(request, comment_id):
    """Confirm on GET, act on POST. Deleting needs no verified email: anyone may take back their words."""
    comment = _comment(comment_id)
    if not request.user.is_authenticated:
        return _to_login(request, _anchor(comment.target, comment))
    if not comment.can_delete(request.user):
        raise PermissionDenied("You can’t delete this comment.")
    order = _order(
        request.POST.get("comment_order") or request.GET.get("comment_order")
    )
    mine = comment.author_id == request.user.pk
    if request.method == "POST":
        services.delete_comment(comment=comment, by=request.user)
        text = DELETED if mine else REMOVED
        return _done(request, comment, comment.target, order, text)
    ctx = _form_context(request, comment, order, mine=mine)
    return _render(request, "discussions/delete_comment.html", "delete-form", ctx)


@require_http_methods(["GET", "POST"])
def flag_comment(request, comment_id):
    comment = _comment(comment_id)
    if not request.user.is_authenticated:
        return _to_login(request, _anchor(comment.target, comment))
    if comment.author_id == request.user.pk:
        raise PermissionDenied("You can’t flag your own comment.")
    order = _order(
        request.POST.get("comment_order") or request.GET.get("comment_order")
    )
    form = FlagForm(request.POST if request.method == "POST" else None)
    if not comment.can_flag(request.user):
        _refuse(form, "Editors have already reviewed or hidden this comment.")
    elif request.method == "POST" and form.is_valid():
        if refusal := _refusal(request, action="flag"):
            form.add_error(None, refusal)
        else:
            _, created = services.flag_comment(
                comment=comment,
                member=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
            text = FLAGGED if created else FLAGGED_BEFORE
            return _done(request, comment, comment.target, order, text)
    ctx = _form_context(request, comment, order, form=form)
    return _render(request, "discussions/flag_comment.html", "flag-form", ctx)


@require_GET
def comment(request, comment_id):
    """A comment's permalink: its spot on its page. With htmx, the comment alone
    (what "Cancel" swaps back in place of a form)."""
    found = _comment(comment_id)
    order = _order(request.GET.get("comment_order"))
    if request.htmx:
        ctx = _form_context(request, found, order, readonly=False, focus=found.pk)
        ctx["page_path"] = page_url(found.target, order, thread_page(found, order))
        return render(request, "discussions/_comment.html", ctx)
    page = thread_page(found, order)
    return redirect(f"{page_url(found.target, order, page)}#comment-{found.pk}")
