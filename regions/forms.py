"""Forms of the region pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, OptionalPhoneField
from core.validators import normalize_code
from regions.models import Community, DistrictSettings, ResidentProfile, Street, StudioMember


class CommunityForm(BootstrapFormMixin, forms.ModelForm):
    """The bureau edits everything; street and community staff the figures and contacts."""

    STAFF_FIELDS = ("address", "phone", "households", "population")

    class Meta:
        model = Community
        fields = [
            "street",
            "name",
            "code",
            "address",
            "phone",
            "households",
            "population",
            "is_active",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        streets = Street.objects.editable_by(user)
        if streets.exists():
            street = self.fields["street"]
            street.queryset = streets  # type: ignore[attr-defined]
            street.error_messages["invalid_choice"] = _("所选街道不存在或不在您的管辖范围内")
        else:
            for name in [n for n in self.fields if n not in self.STAFF_FIELDS]:
                del self.fields[name]

    def clean_code(self) -> str:
        return normalize_code(self.cleaned_data["code"])


class StudioMemberForm(BootstrapFormMixin, forms.ModelForm):
    phone = OptionalPhoneField()

    class Meta:
        model = StudioMember
        fields = ["position", "name", "phone", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["is_active"]


class DistrictSettingsForm(BootstrapFormMixin, forms.ModelForm):
    """Every number of the policy, with its default shown next to it."""

    class Meta:
        model = DistrictSettings
        fields = [
            "reply_deadline_hours",
            "duty_lawyers_per_day",
            "duty_min_practice_years",
            "liaison_subsidy_yuan",
            "service_day_of_month",
            "report_due_day",
            "max_liaisons_per_community",
            "mediation_deadline_days",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        defaults = {f.name: f.default for f in DistrictSettings._meta.concrete_fields}
        for name, field in self.fields.items():
            field.help_text = _("政策默认值：%(value)s") % {"value": defaults[name]}
            field.error_messages["required"] = _("请填写%(label)s") % {"label": field.label}


class HomeCommunityForm(BootstrapFormMixin, forms.Form):
    """A resident picks the community they live or work in."""

    community = forms.ChoiceField(
        label=_("我所在的社区"),
        error_messages={
            "required": _("请选择您所在的社区"),
            "invalid_choice": _("请从列表中选择社区"),
        },
    )
    kind = forms.ChoiceField(label=_("身份"), choices=ResidentProfile.Kind.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._communities = {
            str(c.pk): c
            for c in Community.objects.public()
            .select_related("street__district")
            .order_by("street__district__code", "street__name", "name")
        }
        groups: dict[str, list[tuple[str, str]]] = {}
        for pk, c in self._communities.items():
            groups.setdefault(f"{c.street.district.name} · {c.street.name}", []).append(
                (pk, c.name)
            )
        self.fields["community"].choices = [("", _("请选择")), *groups.items()]  # type: ignore[attr-defined]

    def clean_community(self) -> Community:
        return self._communities[self.cleaned_data["community"]]
