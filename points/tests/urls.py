"""The site's URLs plus the points API under /api/ (as the lead wires it), so the API
tests run whether or not api/urls.py includes the points router yet."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("api/", include("points.api.urls")), *site_urlpatterns]
