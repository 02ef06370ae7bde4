"""Base models and the two logs (login log, operation log). No domain models here."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
import zlib
from typing import Any, ClassVar, cast

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone
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
    # Fields whose values never reach the log (password hashes, secrets).
    audit_secret_fields: tuple[str, ...] = ()
    # Fields whose changes alone are not worth an entry (e.g. last sign-in time).
    audit_ignored_fields: tuple[str, ...] = ()
    # Fields that make a role binding: a create with any of them set, or a change to
    # any of them, is logged with the action "role" (角色变更).
    audit_role_fields: tuple[str, ...] = ()
    # Column values as last read from or written to the database.
    _loaded_values: dict[str, Any]

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance


class AuditLogImmutableError(Exception):
    """Raised when code tries to change or delete an audit log entry."""


class LogQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> LogQuerySet:
        """Security auditors see every entry; bureau admins the entries of their
        districts. Superusers manage accounts and so do not read the logs (separation of
        duties, GB/T 22239-2019 8.1.4.2)."""
        from core.scope import get_principal

        principal = get_principal(user)
        if principal.has("security_auditor"):
            return self.all()
        districts = principal.ids("bureau_admin")
        if not districts:
            return self.none()
        return self.filter(district_id__in=districts)

    def update(self, **kwargs: Any) -> int:
        raise AuditLogImmutableError("审计日志不可修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutableError("审计日志不可删除")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        # Each entry is chained to the one before it: insert them one by one.
        for obj in objs:
            obj.save(using=self.db)
        return list(objs)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditLogImmutableError("审计日志不可修改")


def _canonical(value: Any) -> Any:
    if hasattr(value, "astimezone"):
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return value


def chain_hash(values: dict[str, Any], prev_hash: str) -> str:
    """sha256 over the entry's content (canonical JSON) and the previous entry's hash."""
    content = json.dumps(
        {name: _canonical(value) for name, value in values.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


class AuditLogModel(models.Model):
    """An append-only, hash-chained log table (GB/T 22239-2019 8.1.4.3).

    Each entry stores the hash of the entry before it and its own hash over its content
    and that previous hash, so that an entry changed or removed outside the application
    breaks the chain (``manage.py verify_audit``). Entries are written under a lock so
    that the chain has no forks; the database refuses UPDATE and DELETE (triggers
    installed by core's migrations, see core.audit).
    """

    # The columns covered by the hash (the content of an entry).
    HASHED_FIELDS: ClassVar[tuple[str, ...]] = ()
    # PostgreSQL advisory lock key of the table's chain.
    LOCK_KEY: ClassVar[int] = 0

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True, default="")
    hash = models.CharField(_("哈希"), max_length=64, blank=True, default="")
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    district_id = models.BigIntegerField(_("所属区"), null=True, blank=True, db_index=True)

    objects = LogQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogImmutableError("审计日志不可修改")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        connection = connections[using]
        # One transaction for the lock, the read of the last hash and the insert; no
        # savepoint inside a larger one (an error there fails that one, as it did).
        with transaction.atomic(using=using, savepoint=False):
            if connection.vendor == "postgresql":
                # Held until the transaction ends, so that no two entries share a
                # predecessor. SQLite serialises writers already (BEGIN IMMEDIATE).
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self.LOCK_KEY])
            last = (
                type(self)
                .objects.using(using)
                .order_by("-pk")
                .values_list("hash", flat=True)
                .first()
            )
            self.created_at = timezone.now()
            self.prev_hash = last or ""
            self._normalize()
            self.hash = self.compute_hash()
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogImmutableError("审计日志不可删除")

    def hashed_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.HASHED_FIELDS}

    def compute_hash(self) -> str:
        return chain_hash(self.hashed_values(), self.prev_hash)

    def _normalize(self) -> None:
        """Store exactly what the hash covers: cut texts to their column, canonical IP
        and JSON (a value that changes on the way through the database would break
        the chain)."""
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(value, str) and field.max_length:
                setattr(self, field.attname, value[: field.max_length])
        try:
            address = str(ipaddress.ip_address(self.ip)) if self.ip else None
        except ValueError:
            address = None  # a forged or broken address is not worth losing the entry
        # As the column stores it (IPv4-mapped IPv6 addresses are written dotted).
        field = cast(models.GenericIPAddressField, self._meta.get_field("ip"))
        self.ip = field.get_prep_value(address)


def _lock_key(table: str) -> int:
    return zlib.crc32(table.encode())


class OperationLog(AuditLogModel):
    """Who did what to which object, when, from where and with what outcome. Written
    by core.audit, never edited."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        VIEW = "view", _("查看个人信息")
        ROLE = "role", _("角色变更")
        DENY = "deny", _("拒绝访问")
        OTHER = "other", _("其他")

    HASHED_FIELDS = (
        "created_at",
        "actor_id",
        "actor_repr",
        "action",
        "model",
        "object_id",
        "object_repr",
        "changes",
        "success",
        "ip",
        "source",
        "district_id",
    )
    LOCK_KEY = _lock_key("core_operationlog")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        # Accounts are deactivated, never deleted: the log keeps who acted.
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_repr = models.CharField(_("操作人"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    model = models.CharField(_("对象类型"), max_length=100)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    success = models.BooleanField(_("成功"), default=True)
    source = models.CharField(_("来源"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["model", "object_id"], name="core_oplog_object")]

    def __str__(self) -> str:
        return f"{self.actor_repr} {self.get_action_display()} {self.object_repr}"

    def _normalize(self) -> None:
        super()._normalize()
        self.changes = json.loads(json.dumps(self.changes or {}, cls=DjangoJSONEncoder))


class LoginLog(AuditLogModel):
    """Every sign-in attempt, successful or not, sign-outs, lockouts and session ends."""

    class Method(models.TextChoices):
        PASSWORD = "password", _("密码")
        SMS = "sms", _("短信验证码")
        TOKEN = "token", _("接口令牌")
        SECOND_FACTOR = "2fa", _("二次验证")
        LOCKOUT = "lockout", _("锁定")
        LOGOUT = "logout", _("退出")
        RESET = "reset", _("找回密码")

    HASHED_FIELDS = (
        "created_at",
        "user_id",
        "phone",
        "method",
        "success",
        "reason",
        "ip",
        "user_agent",
        "district_id",
    )
    LOCK_KEY = _lock_key("core_loginlog")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("登录手机号"), max_length=32, blank=True)
    method = models.CharField(_("方式"), max_length=10, choices=Method.choices)
    success = models.BooleanField(_("成功"))
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("登录日志")
        verbose_name_plural = _("登录日志")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone} {self.get_method_display()} {'成功' if self.success else '失败'}"
