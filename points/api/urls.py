from rest_framework.routers import SimpleRouter

from points.api import views

router = SimpleRouter()
router.register("points-accounts", views.AccountViewSet, basename="points-account")
router.register("points-entries", views.EntryViewSet, basename="points-entry")
router.register("points-rules", views.RuleViewSet, basename="points-rule")
router.register("points-offers", views.OfferViewSet, basename="points-offer")
router.register("points-coupons", views.CouponViewSet, basename="points-coupon")

urlpatterns = router.urls
