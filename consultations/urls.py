from consultations import views

app_name = "consultations"
urlpatterns = views.urlpatterns
