from rest_framework.routers import SimpleRouter

from mediation.api import views

router = SimpleRouter()
router.register(
    "mediation-organizations", views.OrganizationViewSet, basename="mediation-organization"
)
router.register("mediators", views.MediatorViewSet, basename="mediator")
router.register("mediation-cases", views.CaseViewSet, basename="mediation-case")

urlpatterns = router.urls
