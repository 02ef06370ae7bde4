"""Forms of the region pages, and two small helpers the page forms share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet

from core.validators import normalize_code, normalize_phone
from regions.models import Community, DistrictSettings, ResidentProfile, Street, StudioMember


def bootstrap(form: forms.BaseForm) -> None:
    """Give every widget its Bootstrap class (templates/includes/form_fields.html renders
    widgets as they are; single check boxes are styled there)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            continue
        if isinstance(widget, forms.CheckboxSelectMultiple):
            css = "check-list"  # on the wrapper and each box; styled in site.css
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class BootstrapFormMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)  # type: ignore[arg-type]


def page_filter(
    filterset_class: type[FilterSet], request: Any, queryset: QuerySet, fields: list[str]
) -> FilterSet:
    """A shared FilterSet (filters.py) for a list page: Bootstrap widgets, Chinese
    "any" choices, and ``page_fields``, the fields the page shows. Invalid values are
    shown with their error and ignored."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    bootstrap(filterset.form)
    for field in filterset.form.fields.values():
        if isinstance(field.widget, forms.NullBooleanSelect):
            field.widget.choices = [("unknown", _("不限")), ("true", _("是")), ("false", _("否"))]
        elif isinstance(field, forms.ModelChoiceField):
            field.empty_label = _("全部")
    filterset.page_fields = [filterset.form[name] for name in fields]
    return filterset


class OptionalPhoneField(forms.CharField):
    """A mobile number typed as people type it (spaces, +86); checked by the model."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize_phone(value) if value else ""


def run_service(form: forms.BaseForm, write: Callable[[], object]) -> bool:
    """Call a service; a ValidationError it raises becomes form errors (False)."""
    try:
        write()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    return True


def public_communities() -> QuerySet[Community]:
    """Communities shown to the public (active, in an active street)."""
    return Community.objects.filter(is_active=True, street__is_active=True)


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
            for c in public_communities()
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
