from rest_framework.routers import SimpleRouter

from firms.api import views

router = SimpleRouter()
router.register("specialties", views.SpecialtyViewSet, basename="specialty")
router.register("firms", views.LawFirmViewSet, basename="firm")
router.register("lawyers", views.LawyerViewSet, basename="lawyer")

urlpatterns = router.urls
