from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm as BasePasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.services import clean_phone
from core.forms import BootstrapFormMixin
from core.models import LoginLog

PHONE_WIDGET = forms.TextInput(
    attrs={
        "class": "form-control",
        "inputmode": "numeric",
        "autocomplete": "tel",
        "placeholder": "11 位手机号",
    }
)


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", PHONE_WIDGET)
        kwargs.setdefault("error_messages", {"required": _("请填写手机号")})
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return clean_phone(super().clean(value))


class PasswordLoginForm(forms.Form):
    phone = PhoneField()
    password = forms.CharField(
        label=_("密码"),
        widget=forms.PasswordInput(
            attrs={"class": "form-control", "autocomplete": "current-password"}
        ),
        error_messages={"required": _("请填写密码")},
    )

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: Any = None
        # Set once the password was checked: the attempt is logged by the service.
        self.attempted = False
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        self.attempted = True
        self.user = services.authenticate_password(
            request=self.request,
            phone=data["phone"],
            password=data["password"],
            method=LoginLog.Method.PASSWORD,
        )
        return data


class SmsLoginForm(forms.Form):
    phone = PhoneField()
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "placeholder": "6 位数字",
            }
        ),
    )


NEW_PASSWORD_WIDGET = forms.PasswordInput(
    attrs={"class": "form-control", "autocomplete": "new-password"}
)


class PasswordResetForm(forms.Form):
    """忘记密码: the phone, the code sent to it, the new password twice. Sending the
    code (``sending``) needs the phone only."""

    phone = PhoneField()
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        required=False,
        widget=SmsLoginForm.base_fields["code"].widget,
    )
    password1 = forms.CharField(
        label=_("新密码"), required=False, strip=False, widget=NEW_PASSWORD_WIDGET
    )
    password2 = forms.CharField(
        label=_("再次输入新密码"), required=False, strip=False, widget=NEW_PASSWORD_WIDGET
    )

    def __init__(self, *args: Any, sending: bool = False, **kwargs: Any) -> None:
        self.sending = sending
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.sending:
            return data
        if not data.get("code"):
            self.add_error("code", _("请填写短信验证码"))
        if not data.get("password1"):
            self.add_error("password1", _("请填写新密码"))
        elif data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的新密码不一致"))
        return data


CODE_WIDGET = forms.TextInput(
    attrs={
        "class": "form-control",
        "inputmode": "numeric",
        "autocomplete": "one-time-code",
        "placeholder": "6 位数字",
        "maxlength": "6",
    }
)


class CodeForm(forms.Form):
    """A 6-digit code: the second factor, or an authenticator code to confirm."""

    code = forms.RegexField(
        regex=r"^\d{6}$",
        label=_("验证码"),
        widget=CODE_WIDGET,
        error_messages={"required": _("请填写验证码"), "invalid": _("验证码应为 6 位数字")},
    )


class PasswordChangeForm(BootstrapFormMixin, BasePasswordChangeForm):
    """Django's form (old password, the new one twice, every password validator)."""
