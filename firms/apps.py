from django.apps import AppConfig


class FirmsConfig(AppConfig):
    name = "firms"
    verbose_name = "律所与律师"

    def ready(self) -> None:
        from core.scope import register_provider
        from firms.roles import firm_bindings

        register_provider(firm_bindings)
