"""The project's URLs plus this app's API routes under /api/ (as the lead wires them
into api/urls.py), so the API tests do not depend on that wiring."""

from django.urls import include, path

from config.urls import urlpatterns as project
from pairing.api.urls import urlpatterns as pairing_api

urlpatterns = [path("api/", include((pairing_api, "pairing_api"))), *project]
