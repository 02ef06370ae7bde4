from mediation import views, views_excel

app_name = "mediation"
# Pages and Excel import/export live in two modules; each keeps its own patterns.
urlpatterns = [*views.urlpatterns, *views_excel.urlpatterns]
