from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "走访与服务日"

    def ready(self) -> None:
        from visits import panels

        panels.register()
