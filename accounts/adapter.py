from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

# The demo loader creates these accounts for trying the site locally.
DEMO_EMAIL = "demo@example.com"
DEMO_EDITOR_EMAIL = "editor@example.com"
DEMO_PASSWORD = "remedies-demo"


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
