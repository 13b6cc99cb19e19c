from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin signs in through the same rate-limited, email-verified login as members.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Remedies editors"
admin.site.site_title = "Remedies editors"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/methods/", views.methods, name="methods"),
    path("remedies/", include("remedies.urls")),
    path("", include("votes.urls")),
    path("account/", include("accounts.urls")),
    path("ailments/", include("ailments.urls")),
    path("search/", include("search.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
