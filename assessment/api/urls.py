from rest_framework.routers import SimpleRouter

from assessment.api import views

router = SimpleRouter()
router.register("monthly-scores", views.MonthlyScoreViewSet, basename="monthly-score")
router.register("appeals", views.AppealViewSet, basename="appeal")
router.register("bulletins", views.BulletinViewSet, basename="bulletin")
router.register("subsidy-periods", views.SubsidyPeriodViewSet, basename="subsidy-period")
router.register("subsidy-items", views.SubsidyItemViewSet, basename="subsidy-item")

urlpatterns = router.urls
