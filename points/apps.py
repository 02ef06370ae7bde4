from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = "积分折扣"

    def ready(self) -> None:
        from accounts.roles import Role
        from core.workspace import register_panel
        from points import panels

        register_panel(Role.RESIDENT, "points/panels/resident.html", panels.resident_panel, 30)
        register_panel(Role.FIRM_ADMIN, "points/panels/firm.html", panels.firm_panel, 60)
        register_panel(Role.BUREAU_ADMIN, "points/panels/bureau.html", panels.bureau_panel, 60)
