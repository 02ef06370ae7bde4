from pairing import views

app_name = "pairing"
urlpatterns = views.urlpatterns
