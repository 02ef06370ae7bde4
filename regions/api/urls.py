from rest_framework.routers import SimpleRouter

from regions.api import views

router = SimpleRouter()
router.register("districts", views.DistrictViewSet, basename="district")
router.register("streets", views.StreetViewSet, basename="street")
router.register("communities", views.CommunityViewSet, basename="community")
router.register("studio-members", views.StudioMemberViewSet, basename="studio-member")

urlpatterns = router.urls
