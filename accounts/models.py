"""The user (signs in by phone number), one-time SMS codes and sign-in lockouts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone
from core.models import AuditedModel
from core.scope import Scope, ScopedQuerySet, own
from core.validators import normalize_phone, validate_phone


class UserQuerySet(ScopedQuerySet):
    visible = Scope(also=(own("pk"),))  # oneself


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        phone = normalize_phone(phone)
        validate_phone(phone)
        user = self.model(phone=phone, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin, AuditedModel):
    """A person who signs in. Roles are bindings held by the apps they bind to."""

    class TwoFactorMethod(models.TextChoices):
        SMS = "sms", _("短信验证码")
        TOTP = "totp", _("动态口令（身份验证器）")

    phone = models.CharField(_("手机号"), max_length=11, unique=True, validators=[validate_phone])
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入后台"), default=False)
    is_demo = models.BooleanField(_("演示账号"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    reactivated_at = models.DateTimeField(_("重新启用时间"), null=True, blank=True)
    is_security_auditor = models.BooleanField(
        _("安全审计员"),
        default=False,
        help_text=_("可查阅全部操作日志与登录日志；只能用 manage.py set_security_auditor 设置"),
    )
    two_factor_method = models.CharField(
        _("二次验证方式"),
        max_length=10,
        choices=TwoFactorMethod.choices,
        default=TwoFactorMethod.SMS,
    )
    # Encrypted (accounts.totp.seal); never shown after enrolment.
    totp_secret = models.CharField(_("动态口令密钥"), max_length=200, blank=True)
    # The last time step a TOTP code was accepted for: a code works once.
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)
    # Counts changes to the user's role bindings: part of the key their cache is kept
    # under (core.scope.bump_scope), so a change is seen by the next request.
    scope_stamp = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = []
    audit_masked_fields = ("phone",)
    audit_secret_fields = ("password", "totp_secret")
    audit_ignored_fields = ("last_login", "totp_last_step", "scope_stamp")
    audit_role_fields = ("is_superuser", "is_staff", "is_security_auditor")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # Separation of duties: superusers manage accounts, auditors read the logs.
            models.CheckConstraint(
                name="accounts_auditor_is_not_superuser",
                condition=~models.Q(is_superuser=True, is_security_auditor=True),
                violation_error_message=_("安全审计员不能同时是超级管理员"),
            ),
        ]

    def __str__(self) -> str:
        return self.name or mask_phone(self.phone)

    def clean(self) -> None:
        super().clean()
        self.phone = normalize_phone(self.phone)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def check_password(self, raw_password: str) -> bool:
        # A correct password may be re-hashed (a stronger hasher): that is no change.
        changed_at = self.password_changed_at
        result = super().check_password(raw_password)
        self.password_changed_at = changed_at
        return result

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded_values", {})
        if self.is_active and loaded.get("is_active") is False:
            # Enabled again: the idle-account job counts from now (accounts.jobs).
            self.reactivated_at = timezone.now()
            fields = kwargs.get("update_fields")
            if fields is not None and "is_active" in fields:
                kwargs["update_fields"] = {*fields, "reactivated_at"}
        # scope_stamp only ever goes up in the database (core.scope.bump_scope): a user
        # object loaded before a role change must not write its old count back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "scope_stamp"
            ]
        super().save(*args, **kwargs)

    @property
    def last_used_at(self) -> Any:
        """When the account was last signed in to, created or enabled again."""
        return max(t for t in (self.last_login, self.date_joined, self.reactivated_at) if t)


class SmsCode(models.Model):
    """A one-time code sent by SMS. Only its hash is kept."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("登录")
        SECOND_FACTOR = "2fa", _("二次验证")
        RESET = "reset", _("找回密码")

    phone = models.CharField(_("手机号"), max_length=11, db_index=True)
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="sms_code_recent")]

    def __str__(self) -> str:
        return f"{mask_phone(self.phone)} {self.created_at:%Y-%m-%d %H:%M}"


class LoginLock(models.Model):
    """Failed sign-ins counted per phone and per client address; enough of them in a
    window lock that phone or address for a while (GB/T 22239-2019 8.1.4.1 b).
    The attempts themselves are in core.models.LoginLog."""

    class Scope(models.TextChoices):
        PHONE = "phone", _("账号")
        IP = "ip", _("IP 地址")

    scope = models.CharField(_("范围"), max_length=10, choices=Scope.choices)
    key = models.CharField(_("手机号或地址"), max_length=64)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    window_start = models.DateTimeField(_("计数开始"), default=timezone.now)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="accounts_login_lock_key")
        ]

    def __str__(self) -> str:
        key = mask_phone(self.key) if self.scope == self.Scope.PHONE else self.key
        return f"{self.get_scope_display()} {key}"
