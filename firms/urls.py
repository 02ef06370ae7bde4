from firms import views, views_excel

app_name = "firms"
# Pages and Excel import/export live in two modules; each keeps its own patterns.
urlpatterns = [*views.urlpatterns, *views_excel.urlpatterns]
