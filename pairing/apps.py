from django.apps import AppConfig


class PairingConfig(AppConfig):
    name = "pairing"
    verbose_name = "结对"

    def ready(self) -> None:
        from pairing import panels

        panels.register()
