"""The API root: sign-in, "me", the domain apps' routes, the schema and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api import views
from assessment.api.urls import router as assessment_router
from consultations.api.urls import router as consultations_router
from firms.api.urls import router as firms_router
from mediation.api.urls import router as mediation_router
from news.api.urls import router as news_router
from pairing.api.urls import router as pairing_router
from points.api.urls import router as points_router
from regions.api.urls import router as regions_router
from visits.api.urls import router as visits_router

app_name = "api"

router = DefaultRouter()
router.registry.extend(
    [
        *regions_router.registry,
        *firms_router.registry,
        *pairing_router.registry,
        *points_router.registry,
        *visits_router.registry,
        *consultations_router.registry,
        *mediation_router.registry,
        *news_router.registry,
        *assessment_router.registry,
    ]
)

urlpatterns = [
    path("auth/token/", views.PasswordTokenView.as_view(), name="token"),
    path("auth/sms-codes/", views.SmsCodeView.as_view(), name="sms-codes"),
    path("auth/sms-login/", views.SmsLoginView.as_view(), name="sms-login"),
    path(
        "auth/password-reset-codes/",
        views.PasswordResetCodeView.as_view(),
        name="password-reset-codes",
    ),
    path("auth/password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
