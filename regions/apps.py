from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = "区域"

    def ready(self) -> None:
        from accounts.services import user_registered
        from core.scope import holder_ids, register_provider
        from regions import services
        from regions.models import RegionRole, ResidentProfile
        from regions.roles import region_bindings

        register_provider(
            region_bindings, watch={RegionRole: holder_ids, ResidentProfile: holder_ids}
        )
        user_registered.connect(services.on_user_registered, dispatch_uid="regions_resident")
