"""Excel import and export pages (filled in by the import/export work)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
