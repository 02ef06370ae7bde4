"""The site's URLs plus the news API under /api/ (as the lead wires it), so the API
tests run whether or not api/urls.py includes the news router yet."""

from django.urls import include, path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("api/", include("news.api.urls")), *site_urlpatterns]
