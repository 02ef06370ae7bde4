"""The site's URLs with the visits API under /api/ (until the lead adds it to api.urls)."""

from django.urls import include, path

from config.urls import urlpatterns as site
from visits.api.urls import router

urlpatterns = [path("api/", include(router.urls)), *site]
