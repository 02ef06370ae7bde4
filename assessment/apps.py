from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "考核排名与经费"

    def ready(self) -> None:
        from assessment import panels

        panels.register()
