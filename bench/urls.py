"""The site's URLs, plus `POST /bench/noop/` (bench/views.py); benchmark only."""

from django.urls import path

from remedies_site import urls as site_urls

from . import views

urlpatterns = [
    path("bench/noop/", views.noop, name="bench_noop"),
    *site_urls.urlpatterns,
]

# The site's error handlers are looked up on the root URLconf.
handler400 = getattr(site_urls, "handler400", "django.views.defaults.bad_request")
handler403 = getattr(site_urls, "handler403", "django.views.defaults.permission_denied")
handler404 = getattr(site_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(site_urls, "handler500", "django.views.defaults.server_error")
