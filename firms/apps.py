from django.apps import AppConfig


class FirmsConfig(AppConfig):
    name = "firms"
    verbose_name = "律所与律师"

    def ready(self) -> None:
        from core.scope import holder_ids, register_provider
        from firms.models import FirmAdmin, Lawyer
        from firms.roles import firm_bindings

        register_provider(firm_bindings, watch={FirmAdmin: holder_ids, Lawyer: holder_ids})
