from rest_framework.routers import SimpleRouter

from pairing.api import views

router = SimpleRouter()
router.register("pairings", views.PairingViewSet, basename="pairing")
router.register("liaisons", views.LiaisonViewSet, basename="liaison")
router.register("honorary-posts", views.HonoraryPostViewSet, basename="honorary-post")
router.register("community-cards", views.CommunityCardViewSet, basename="community-card")

urlpatterns = router.urls
