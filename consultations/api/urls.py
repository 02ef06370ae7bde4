from rest_framework.routers import SimpleRouter

from consultations.api import views

router = SimpleRouter()
router.register("questions", views.QuestionViewSet, basename="question")
router.register("question-categories", views.CategoryViewSet, basename="question-category")
router.register("duty-shifts", views.DutyShiftViewSet, basename="duty-shift")
router.register("quotes", views.ServiceRequestViewSet, basename="quote")
router.register("knowledge", views.KnowledgeViewSet, basename="knowledge")

urlpatterns = router.urls
