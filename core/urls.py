from django.urls import path

from core import views_pages

urlpatterns = [
    path("", views_pages.portal, name="portal"),
    path("workspace/", views_pages.workspace, name="workspace"),
    path("care-mode/", views_pages.toggle_care_mode, name="care_mode"),
]
