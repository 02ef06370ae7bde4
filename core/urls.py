from django.urls import path

from core import views_pages

urlpatterns = [
    path("", views_pages.portal, name="portal"),
    path("workspace/", views_pages.workspace, name="workspace"),
    path("care-mode/", views_pages.toggle_care_mode, name="care_mode"),
    path("logs/operations/", views_pages.operation_log, name="operation_log"),
    path("logs/logins/", views_pages.login_log, name="login_log"),
]
