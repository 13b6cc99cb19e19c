from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from search.services import RECENT_KEY, recent_terms

from .export import member_data
from .forms import DeleteAccountForm, DisplayNameForm
from .services import delete_account as delete_member
from .services import save_display_name


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = DisplayNameForm(
        request.POST if request.method == "POST" else None, instance=request.user
    )
    if request.method == "POST" and form.is_valid():
        save_display_name(form)
        messages.success(request, "Your display name was saved.")
        return redirect("accounts:profile")
    votes = request.user.votes.select_related("page__remedy", "page__ailment").order_by(
        "-updated_at"
    )
    return render(request, "accounts/profile.html", {"form": form, "votes": votes})


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    if not request.user.has_usable_password():
        # Nothing to confirm with: the page says to set a password first.
        return render(request, "accounts/delete_account.html", {"form": None})
    form = DeleteAccountForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        member = request.user
        logout(request)
        delete_member(
            member=member, remove_comments=form.cleaned_data["remove_comments"]
        )
        messages.success(request, "Your account and your votes have been deleted.")
        return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form})


@login_required
@require_GET
@never_cache
def export_data(request):
    """Everything the site holds about the member, as a JSON download."""
    data = member_data(
        request.user, recent_searches=recent_terms(request.session.get(RECENT_KEY))
    )
    response = JsonResponse(
        data, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = (
        f'attachment; filename="remedies-my-data-{stamp}.json"'
    )
    return response
