from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("regions/", include("regions.urls")),
    path("firms/", include("firms.urls")),
    path("pairing/", include("pairing.urls")),
    path("visits/", include("visits.urls")),
    path("points/", include("points.urls")),
    path("consultations/", include("consultations.urls")),
    path("mediation/", include("mediation.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
