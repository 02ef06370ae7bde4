from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import m2m_changed

        from accounts import signals
        from accounts.models import User
        from accounts.policy import auditor_bindings
        from accounts.services import stamp_session
        from core.scope import register_provider

        register_provider(auditor_bindings)
        user_logged_in.connect(stamp_session, dispatch_uid="accounts_stamp_session")
        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(
                signals.log_permission_change, sender=through, dispatch_uid=f"accounts_{through}"
            )
