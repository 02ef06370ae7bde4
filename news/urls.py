from news import views

app_name = "news"
urlpatterns = views.urlpatterns
