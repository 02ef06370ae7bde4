"""The project's URLs with this app's API routes under /api/ (until api/urls.py
includes them, and harmlessly after)."""

from django.urls import include, path

from config.urls import urlpatterns as project

urlpatterns = [path("api/", include("mediation.api.urls")), *project]
