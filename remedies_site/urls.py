from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from core import csp

from . import views
from .sitemaps import SITEMAPS

# The admin signs in through the same rate-limited, email-verified login as members.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Remedies editors"
admin.site.site_title = "Remedies editors"

# The database being down is a kind 503 page, not a 500 (core/resilience.py).
handler500 = "core.resilience.server_error"


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for whatever a page links to: the icon's
    static file, under its hashed name (cached for a year); this answer for a day."""
    response = HttpResponseRedirect(static("img/favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


urlpatterns = [
    path("", views.home, name="home"),
    path("about/methods/", views.methods, name="methods"),
    path("about/privacy/", views.privacy, name="privacy"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("csp-report/", csp.csp_report, name="csp_report"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # An index of sitemaps, each split into pages of 50,000 URLs when large.
    path(
        "sitemap.xml",
        require_safe(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("remedies/", include("remedies.urls")),
    path("", include("votes.urls")),
    path("discussions/", include("discussions.urls")),
    path("account/", include("accounts.urls")),
    path("ailments/", include("ailments.urls")),
    path("search/", include("search.urls")),
    path("", include("community.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
