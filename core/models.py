"""Base models and the two logs (login log, operation log). No domain models here."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditedModel(TimeStampedModel):
    """A model whose every create, change and delete goes to the operation log.

    The values loaded from the database are remembered so that the log can record
    what changed without reading the row again.
    """

    # Fields whose values are masked in the log (personal data).
    audit_masked_fields: tuple[str, ...] = ()
    # Column values as last read from or written to the database.
    _loaded_values: dict[str, Any]

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance


class LogQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> LogQuerySet:
        """Superusers see every entry; bureau admins the entries of their districts."""
        from core.scope import get_principal

        principal = get_principal(user)
        if principal.is_superuser:
            return self.all()
        districts = principal.ids("bureau_admin")
        if not districts:
            return self.none()
        return self.filter(district_id__in=districts)


class OperationLog(models.Model):
    """Who changed what, when and from where. Written by core.audit, never edited."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        OTHER = "other", _("其他")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_repr = models.CharField(_("操作人"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    model = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, blank=True)
    district_id = models.BigIntegerField(_("所属区"), null=True, blank=True, db_index=True)

    objects = LogQuerySet.as_manager()

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="core_oplog_object")]

    def __str__(self) -> str:
        return f"{self.actor_repr} {self.get_action_display()} {self.object_repr}"


class LoginLog(models.Model):
    """Every sign-in attempt, successful or not."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("密码")
        SMS = "sms", _("短信验证码")
        TOKEN = "token", _("接口令牌")
        LOGOUT = "logout", _("退出")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    phone = models.CharField(_("登录手机号"), max_length=32, blank=True)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    success = models.BooleanField(_("成功"))
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    district_id = models.BigIntegerField(_("所属区"), null=True, blank=True, db_index=True)

    objects = LogQuerySet.as_manager()

    class Meta:
        verbose_name = _("登录日志")
        verbose_name_plural = _("登录日志")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} {self.get_method_display()} {'成功' if self.success else '失败'}"
