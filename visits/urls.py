from visits import views

app_name = "visits"
urlpatterns = views.urlpatterns
