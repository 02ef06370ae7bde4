"""Forms of the firm and lawyer pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.forms import BootstrapFormMixin, OptionalPhoneField
from core.scope import get_principal
from core.validators import normalize_code
from firms.models import LawFirm, Lawyer, Specialty
from regions.models import District, Street


def _active_specialties() -> QuerySet[Specialty]:
    return Specialty.objects.filter(is_active=True)


class LawFirmForm(BootstrapFormMixin, forms.ModelForm):
    """A firm's own details; only its bureau switches a firm on or off."""

    class Meta:
        model = LawFirm
        fields = [
            "name",
            "uscc",
            "director_name",
            "address",
            "street",
            "phone",
            "in_mediation_association",
            "in_education_center",
            "introduction",
            "is_active",
        ]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        street = self.fields["street"]
        street.queryset = Street.objects.visible_to(user).filter(  # type: ignore[attr-defined]
            district_id=self.instance.district_id
        )
        street.error_messages["invalid_choice"] = _("所选街道不属于该律所所在的区")
        principal = get_principal(user)
        if not (
            principal.is_superuser or self.instance.district_id in principal.ids(Role.BUREAU_ADMIN)
        ):
            del self.fields["is_active"]

    def clean_uscc(self) -> str:
        return normalize_code(self.cleaned_data["uscc"])


class LawyerForm(BootstrapFormMixin, forms.ModelForm):
    """The whole record, for the bureau (its district's firms) and firm admins (their firm)."""

    phone = OptionalPhoneField()

    class Meta:
        model = Lawyer
        fields = [
            "firm",
            "name",
            "gender",
            "license_no",
            "phone",
            "practice_start_date",
            "specialties",
            "is_party_member",
            "is_volunteer",
            "fee_standard",
            "bio",
            "is_active",
        ]
        widgets = {
            "practice_start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "specialties": forms.CheckboxSelectMultiple,
            "fee_standard": forms.Textarea(attrs={"rows": 3}),
            "bio": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        firm = self.fields["firm"]
        firm.queryset = LawFirm.objects.editable_by(user)  # type: ignore[attr-defined]
        firm.error_messages["invalid_choice"] = _("所选律所不存在或不在您的管理范围内")
        self.fields["specialties"].queryset = _active_specialties()  # type: ignore[attr-defined]
        self.fields["license_no"].widget.attrs.update(inputmode="numeric", maxlength="17")

    def clean_license_no(self) -> str:
        return normalize_code(self.cleaned_data["license_no"])


class LawyerSelfForm(BootstrapFormMixin, forms.ModelForm):
    """What a lawyer may change in their own record."""

    phone = OptionalPhoneField()

    class Meta:
        model = Lawyer
        fields = ["phone", "specialties", "bio", "fee_standard"]
        widgets = LawyerForm.Meta.widgets

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialties"].queryset = _active_specialties()  # type: ignore[attr-defined]


class DirectoryFilterForm(BootstrapFormMixin, forms.Form):
    """The public directory: by district (when there are several), specialty, name."""

    district = forms.ModelChoiceField(
        label=_("区"), queryset=District.objects.all(), required=False, empty_label=_("全部")
    )
    specialty = forms.ModelChoiceField(
        label=_("专业领域"),
        queryset=Specialty.objects.none(),
        required=False,
        empty_label=_("全部领域"),
    )
    q = forms.CharField(label=_("律师姓名"), required=False, max_length=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialty"].queryset = _active_specialties()  # type: ignore[attr-defined]
        if District.objects.count() < 2:
            del self.fields["district"]

    def apply(self, qs: QuerySet[Lawyer]) -> QuerySet[Lawyer]:
        """Filter by the valid values; an invalid one is shown with its error and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("district"):
            qs = qs.filter(firm__district=data["district"])
        if data.get("specialty"):
            qs = qs.filter(specialties=data["specialty"])
        if data.get("q"):
            qs = qs.filter(name__icontains=data["q"])
        return qs
