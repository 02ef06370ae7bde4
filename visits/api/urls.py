from rest_framework.routers import SimpleRouter

from visits.api import views

router = SimpleRouter()
router.register("visits", views.VisitViewSet, basename="visit")
router.register("households", views.HouseholdViewSet, basename="household")
router.register("visit-plans", views.VisitPlanViewSet, basename="visit-plan")
router.register("district-goals", views.DistrictGoalViewSet, basename="district-goal")
router.register("service-days", views.ServiceDayViewSet, basename="service-day")
router.register("monthly-reports", views.MonthlyReportViewSet, basename="monthly-report")
router.register("coverage", views.CoverageViewSet, basename="coverage")
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("meetings", views.MeetingViewSet, basename="meeting")

urlpatterns = router.urls
