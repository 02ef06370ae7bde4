"""Forms of the points pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import BootstrapFormMixin
from core.validators import normalize_phone
from points.models import EarningRule, Offer, PointsPolicy
from points.services import normalize_code


class OfferForm(BootstrapFormMixin, forms.ModelForm):
    """A firm admin's offer; ``firms`` are the firms the user manages."""

    class Meta:
        model = Offer
        fields = [
            "firm",
            "title",
            "services",
            "description",
            "discount_percent",
            "max_discount_yuan",
            "points_cost",
            "scope",
            "valid_from",
            "valid_until",
            "coupon_valid_days",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, firms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["firm"]
        field.queryset = firms
        field.empty_label = None
        if self.instance.pk is not None:
            field.disabled = True


class RuleForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = EarningRule
        fields = ["action", "points", "daily_cap", "monthly_cap", "yearly_cap", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["action"].disabled = True


class PolicyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PointsPolicy
        fields = ["expiry_years", "offers_need_review"]


class VerifyForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(
        label=_("券码"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "inputmode": "text"}
        ),
        help_text=_("输入居民出示的券码，或用手机扫描优惠券二维码"),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("请输入券码"))
        return code


class ReviewForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False)


NO_RESIDENT = _("本区没有使用该手机号的居民")


class AdjustForm(BootstrapFormMixin, forms.Form):
    phone = forms.CharField(label=_("居民手机号"), max_length=20)
    amount = forms.IntegerField(
        label=_("调整积分"),
        min_value=-100000,
        max_value=100000,
        help_text=_("正数为补发，负数为扣减"),
    )
    reason = forms.CharField(label=_("调整原因"), max_length=200)
    key = forms.CharField(widget=forms.HiddenInput)

    def clean_phone(self) -> User:
        phone = normalize_phone(self.cleaned_data["phone"])
        user = User.objects.filter(phone=phone).first()
        if user is None:
            raise forms.ValidationError(NO_RESIDENT)
        return user

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError(_("调整积分不能为 0"))
        return amount
