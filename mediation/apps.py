from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = "尚法云调解"

    def ready(self) -> None:
        from accounts.roles import Role
        from core.scope import holder_ids, register_provider
        from core.workspace import register_panel
        from mediation import panels
        from mediation.models import Mediator, Organization
        from mediation.roles import mediator_bindings, organization_holders

        register_provider(
            mediator_bindings,
            watch={Mediator: holder_ids, Organization: organization_holders},
        )
        register_panel(Role.MEDIATOR, "mediation/panels/mediator.html", panels.mediator_panel, 10)
        register_panel(Role.RESIDENT, "mediation/panels/resident.html", panels.resident_panel, 40)
        register_panel(Role.LAWYER, "mediation/panels/lawyer.html", panels.lawyer_panel, 60)
        register_panel(Role.STREET_STAFF, "mediation/panels/staff.html", panels.street_panel, 40)
        register_panel(Role.BUREAU_ADMIN, "mediation/panels/staff.html", panels.bureau_panel, 40)
        register_panel(
            Role.COMMUNITY_STAFF, "mediation/panels/community.html", panels.community_panel, 40
        )
