from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.password_login, name="login"),
    path("login/sms/", views.sms_login, name="sms_login"),
    path("logout/", views.logout_view, name="logout"),
]
