"""The user (signs in by phone number) and one-time SMS codes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone
from core.models import AuditedModel
from core.scope import ScopedQuerySet, get_principal
from core.validators import normalize_phone, validate_phone


class UserQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> UserQuerySet:
        principal = get_principal(user)
        if principal.is_superuser:
            return self.all()
        if principal.user_id is None:
            return self.none()
        return self.filter(pk=principal.user_id)


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

    phone = models.CharField(_("手机号"), max_length=11, unique=True, validators=[validate_phone])
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_staff = models.BooleanField(_("可进入后台"), default=False)
    is_demo = models.BooleanField(_("演示账号"), default=False)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = []
    audit_masked_fields = ("phone",)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or mask_phone(self.phone)

    def clean(self) -> None:
        super().clean()
        self.phone = normalize_phone(self.phone)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class SmsCode(models.Model):
    """A one-time code sent by SMS. Only its hash is kept."""

    class Purpose(models.TextChoices):
        LOGIN = "login", _("登录")

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
