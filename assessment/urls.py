from assessment import views

app_name = "assessment"
urlpatterns = views.urlpatterns
