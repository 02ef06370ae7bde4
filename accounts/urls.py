from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.password_login, name="login"),
    path("login/sms/", views.sms_login, name="sms_login"),
    path("login/verify/", views.two_factor, name="two_factor"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("security/", views.security, name="security"),
]
