from rest_framework.routers import SimpleRouter

from news.api import views

router = SimpleRouter()
router.register("articles", views.ArticleViewSet, basename="article")

urlpatterns = router.urls
