"""The site's URLs with the assessment API under /api/ (until the lead adds it to api.urls)."""

from django.urls import include, path

from assessment.api.urls import router
from config.urls import urlpatterns as site

urlpatterns = [path("api/", include(router.urls)), *site]
