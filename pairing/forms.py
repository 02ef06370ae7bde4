"""Forms of the pairing pages. Choices are limited to what the rules allow, so a forged
id is refused like an unknown one; the services check everything again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from firms.models import LawFirm, Lawyer
from pairing import services
from pairing.models import Pairing
from regions.models import Community, Street

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = css
        field.error_messages["required"] = _("请填写%(label)s") % {"label": field.label}


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


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def _choice(
    label: StrOrPromise, queryset: QuerySet, message: StrOrPromise
) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label=label, queryset=queryset, empty_label=_("请选择"))
    field.error_messages["invalid_choice"] = message
    return field


def _day(
    label: StrOrPromise, *, initial_today: bool = True, required: bool = True
) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DATE,
        required=required,
        initial=timezone.localdate if initial_today else None,
        error_messages={"invalid": _("请输入有效的日期")},
    )


class PairForm(_Form):
    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        firms = LawFirm.objects.filter(
            district_id=community.street.district_id, is_active=True
        ).order_by("name")
        self.fields["firm"] = _choice(_("结对律所"), firms, _("所选律所不存在或不属于本区"))
        self.fields["start_date"] = _day(_("开始日期"))
        _style(self)


class EndPairingForm(_Form):
    end_date = _day(_("结束日期"))
    end_reason = forms.CharField(label=_("结束原因"), max_length=200)


class LiaisonForm(_Form):
    def __init__(self, *args: Any, pairing: Pairing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lawyers = Lawyer.objects.filter(firm_id=pairing.firm_id, is_active=True).order_by("name")
        self.fields["lawyer"] = _choice(
            _("联络员"), lawyers, _("联络员须为结对律所的在职律师，请从列表中选择")
        )
        self.fields["start_date"] = _day(_("任命日期"))
        _style(self)


class EndForm(_Form):
    end_date = _day(_("结束日期"))

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["end_date"].label = label
            _style(self)


class PostForm(_Form):
    """名誉法治副主任 of a community (pairing given) or 名誉法治副所长 of a street."""

    def __init__(
        self,
        *args: Any,
        pairing: Pairing | None = None,
        street: Street | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if pairing is not None:
            lawyers = services.eligible_deputies(pairing)
            message = _("名誉法治副主任须为结对律所的律所主任或党员律师，请从列表中选择")
        elif street is not None:
            lawyers = services.eligible_office_deputies(street.district_id)
            message = _("名誉法治副所长须为本区律师工作指导小组成员中的律所主任，请从列表中选择")
        else:
            lawyers = Lawyer.objects.none()
            message = _("请从列表中选择律师")
        self.fields["lawyer"] = _choice(
            _("律师"), lawyers.select_related("firm").order_by("firm__name", "name"), message
        )
        self.fields["lawyer"].label_from_instance = lambda x: f"{x.name}（{x.firm.name}）"  # type: ignore[attr-defined]
        self.fields["start_date"] = _day(_("任职日期"))
        self.fields["term_end"] = _day(_("任期届满"), initial_today=False, required=False)
        _style(self)
