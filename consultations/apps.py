from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "在线咨询"

    def ready(self) -> None:
        from consultations import panels

        panels.register()
