app_name = "firms"
urlpatterns: list = []
