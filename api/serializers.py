"""Sign-in and "who am I" payloads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.roles import Role
from accounts.services import clean_phone
from core.scope import RoleBinding, get_principal


class PhoneField(serializers.CharField):
    """A mainland mobile number, normalized (full-width digits, +86, dashes)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        try:
            return clean_phone(super().to_internal_value(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class PasswordTokenSerializer(serializers.Serializer):
    phone = PhoneField()
    password = serializers.CharField(
        label=_("密码"), write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = authenticate(
            self.context.get("request"), phone=attrs["phone"], password=attrs["password"]
        )
        if user is None:
            raise serializers.ValidationError(_("手机号或密码不正确"), code="invalid_login")
        attrs["user"] = user
        return attrs


class SmsCodeRequestSerializer(serializers.Serializer):
    phone = PhoneField()


class SmsCodeSentSerializer(serializers.Serializer):
    message = serializers.CharField(label=_("提示"))
    expires_in = serializers.IntegerField(label=_("有效期（秒）"))


class SmsLoginSerializer(serializers.Serializer):
    phone = PhoneField()
    code = serializers.RegexField(
        r"^\d{6}$",
        label=_("验证码"),
        error_messages={"invalid": _("验证码应为 6 位数字")},
    )


class PasswordResetSerializer(SmsLoginSerializer):
    new_password = serializers.CharField(
        label=_("新密码"), write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField(label=_("提示"))


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField(label=_("角色"))
    role_label = serializers.SerializerMethodField(label=_("角色名称"))
    object_id = serializers.IntegerField(label=_("所属对象编号"))
    object_label = serializers.CharField(source="label", label=_("所属对象"))
    district_id = serializers.IntegerField(allow_null=True, label=_("所属区"))

    def get_role_label(self, binding: RoleBinding) -> str:
        return str(Role(binding.role).label)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, label=_("用户编号"))
    name = serializers.CharField(read_only=True, label=_("姓名"))
    masked_phone = serializers.CharField(read_only=True, label=_("手机号（脱敏）"))
    is_superuser = serializers.BooleanField(read_only=True, label=_("超级管理员"))
    roles = serializers.SerializerMethodField(label=_("角色"))

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user: Any) -> Any:
        return RoleSerializer(get_principal(user).bindings, many=True).data


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(label=_("接口令牌"))
    is_new = serializers.BooleanField(label=_("新注册用户"))
    user = MeSerializer()
