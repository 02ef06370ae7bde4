"""Forms of the region pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin, FastSelect, OptionalPhoneField
from core.validators import normalize_code
from regions.models import (
    Community,
    District,
    DistrictSettings,
    ResidentProfile,
    Street,
    StudioMember,
)


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


def district_choices() -> list[tuple[int, str]]:
    return list(District.objects.order_by("code", "pk").values_list("pk", "name"))


def choose_district(raw: Any, fallback: int | None, known: set[int]) -> int | None:
    """The district asked for (``raw``, a key as typed) if it exists, else ``fallback``
    if it exists, else None."""
    text = str(raw or "")
    if text.isdigit() and int(text) in known:
        return int(text)
    return fallback if fallback in known else None


def district_field_for(form: forms.BaseForm, chosen: int | None, districts: list[Any]) -> None:
    """Show the district select only where there is more than one district."""
    if len(districts) <= 1:
        del form.fields["district"]
        return
    field: Any = form.fields["district"]
    field.choices = districts
    field.initial = chosen


def community_choices(district_id: int | None, empty_label: Any) -> list[Any]:
    """One district's public communities, grouped by street: a province has 20,000
    communities, so a page lists only the district being looked at."""
    rows = (
        Community.objects.public()
        .filter(street__district_id=district_id)
        .order_by("street__name", "name", "pk")
        .values_list("pk", "name", "street__name")
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, name, street in rows:
        groups.setdefault(street, []).append((pk, name))
    return ([("", empty_label)] if empty_label is not None else []) + list(groups.items())


class CommunityField(forms.ModelChoiceField):
    """Any public community, checked by its key (one query); what the select lists is
    set by ``CommunityPickerMixin`` (one district's communities)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Community.objects.public().select_related("street"))
        kwargs.setdefault("empty_label", _("请选择"))
        kwargs.setdefault("widget", FastSelect)
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Community) -> str:
        return f"{obj.street.name} · {obj.name}"


class CommunityPickerMixin(forms.Form):
    """A ``community`` chosen district by district. Where there is more than one
    district, a ``district`` select comes first and reloads the community options
    (htmx, ``regions:community_options``); the community select lists the chosen
    district's communities, grouped by street. The district shown is the one posted,
    else the chosen community's, else ``fallback``, else the first."""

    district = forms.TypedChoiceField(
        label=_("所在区县"), coerce=int, required=False, empty_value=None, widget=FastSelect
    )
    community_field = "community"
    # False where a change of district shows the page anew (a filter form).
    reload_communities = True
    picked_district: int | None = None

    def pick_district(self, fallback: int | None = None) -> int | None:
        districts = district_choices()
        known = {pk for pk, _name in districts}
        chosen = self._posted_district(known) or self._community_district(known)
        if chosen is None:
            chosen = fallback if fallback in known else (districts[0][0] if districts else None)
        community: Any = self.fields[self.community_field]
        district_field_for(self, chosen, districts)
        if "district" in self.fields and self.reload_communities:
            self.fields["district"].widget.attrs.update(
                {
                    "hx-get": reverse("regions:community_options"),
                    "hx-target": f"#{self[self.community_field].auto_id}",
                    "hx-trigger": "change",
                    "hx-swap": "innerHTML",
                }
            )
        community.widget.choices = community_choices(chosen, community.empty_label)
        self.picked_district = chosen
        return chosen

    def _posted_district(self, known: set[int]) -> int | None:
        if not self.is_bound:
            return None
        return choose_district(self.data.get(self.add_prefix("district")), None, known)

    def _community_district(self, known: set[int]) -> int | None:
        name = self.community_field
        raw = self.data.get(self.add_prefix(name)) if self.is_bound else None
        if raw in (None, ""):
            raw = self.initial.get(name, self.fields[name].initial)
        pk = str(getattr(raw, "pk", raw) or "")
        if not pk.isdigit():
            return None
        district = (
            Community.objects.filter(pk=int(pk))
            .values_list("street__district_id", flat=True)
            .first()
        )
        return district if district in known else None


class HomeCommunityForm(BootstrapFormMixin, CommunityPickerMixin):
    """A resident picks the community they live or work in."""

    community = CommunityField(
        label=_("我所在的社区"),
        error_messages={
            "required": _("请选择您所在的社区"),
            "invalid_choice": _("请从列表中选择社区"),
        },
    )
    kind = forms.ChoiceField(label=_("身份"), choices=ResidentProfile.Kind.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pick_district()
