from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    # The portal and the workspace gather every app, so they live at the top.
    path("", views.portal, name="portal"),
    path("healthz", views.healthz, name="healthz"),  # load balancers; make bench's floor
    path("workspace/", views.workspace, name="workspace"),
    path("care-mode/", views.toggle_care_mode, name="care_mode"),
    path("logs/operations/", views.operation_log, name="operation_log"),
    path("logs/logins/", views.login_log, name="login_log"),
    path("accounts/", include("accounts.urls")),
    path("regions/", include("regions.urls")),
    path("firms/", include("firms.urls")),
    path("pairing/", include("pairing.urls")),
    path("visits/", include("visits.urls")),
    path("points/", include("points.urls")),
    path("consultations/", include("consultations.urls")),
    path("mediation/", include("mediation.urls")),
    path("news/", include("news.urls")),
    path("assessment/", include("assessment.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
