from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "宣传"

    def ready(self) -> None:
        from news import panels

        panels.register()
