from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from core.ratelimit import client_ip
from core.site import absolute, site_url

# The demo loader creates these accounts for trying the site locally.
DEMO_EMAIL = "demo@example.com"
DEMO_EDITOR_EMAIL = "editor@example.com"
DEMO_PASSWORD = "remedies-demo"


def site_link(path: str) -> str:
    return absolute(path)


class SiteAddress:
    """What emails call `current_site`: our name and address, not the request's Host."""

    name = settings.SITE_NAME

    @property
    def domain(self) -> str:
        return site_url().split("://", 1)[1]

    def __str__(self) -> str:
        return self.domain


class AccountAdapter(DefaultAccountAdapter):
    def pre_login(self, request, user, **kwargs):
        response = super().pre_login(request, user, **kwargs)
        if (
            response is None
            and user.email in {DEMO_EMAIL, DEMO_EDITOR_EMAIL}
            and not settings.DEBUG
        ):
            # A published password must never open a production account.
            clear_login(request)
            messages.error(
                request, "The demo accounts only work on a local copy of the site."
            )
            return redirect("account_login")
        return response

    # The client's address for allauth's per-address limits: REMOTE_ADDR, or
    # behind TRUSTED_PROXY_COUNT proxies the address they saw (core/ratelimit.py).

    def get_client_ip(self, request) -> str:
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    # Links in emails lead to SITE_URL, whatever Host the request carried.

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's own way of putting its opaque key into the path.
        path = reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"}
        )
        return site_link(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_link(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_account_already_exists_mail(self, email: str) -> None:
        ctx = {
            "signup_url": site_link(reverse("account_signup")),
            "password_reset_url": site_link(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, ctx)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {**context, "current_site": SiteAddress()}
        # The unknown-account email builds its link from the request.
        if "signup_url" in context:
            context["signup_url"] = site_link(reverse("account_signup"))
        super().send_mail(template_prefix, email, context)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys an account's failed sign-ins by the request's Host,
        # port included, so a new port in the Host header would start the
        # count again. One site: the account alone is the key.
        login = credentials.get("email", credentials.get("username", ""))
        return f"{settings.SITE_NAME}:{str(login).lower()}"
