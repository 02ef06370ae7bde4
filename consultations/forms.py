"""Forms of the consultation pages (they validate input; services decide)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.models import Category, DutyShift
from consultations.services import MAX_TEXT
from core.forms import BootstrapFormMixin, FastSelect, OptionalPhoneField
from firms.models import LawFirm, Lawyer, Specialty
from regions.forms import (
    CommunityField,
    CommunityPickerMixin,
    choose_district,
    district_choices,
    district_field_for,
)
from regions.models import Community


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx"})
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class AskForm(BootstrapFormMixin, CommunityPickerMixin):
    category = forms.ModelChoiceField(
        label=_("咨询类别"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择咨询类别")},
    )
    community = CommunityField(
        label=_("所在社区"),
        error_messages={
            "required": _("请选择所在社区"),
            "invalid_choice": _("请从列表中选择社区"),
        },
    )
    text = forms.CharField(
        label=_("问题描述"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(
            attrs={
                "rows": 6,
                "data-counter": "",  # static/js/counter.js: 已输入 N / 3000 字
                "hx-get": reverse_lazy("consultations:suggest"),
                "hx-trigger": "keyup changed delay:600ms",
                "hx-target": "#kb-suggestions",
                "hx-swap": "innerHTML",
                "aria-describedby": "kb-suggestions",
            }
        ),
        help_text=_("请写清事情经过和您的诉求；输入时下方会显示相似问题的解答"),
        error_messages={
            "required": _("请填写问题描述"),
            "max_length": _("问题描述不能超过 %(limit_value)d 字（现有 %(show_value)d 字）"),
        },
    )
    parties = forms.CharField(
        label=_("涉及的当事人"),
        required=False,
        max_length=200,
        help_text=_("对方的姓名或单位名称（可不填）；律师先据此确认有无利益冲突"),
    )
    is_public = forms.BooleanField(
        label=_("公开（去除个人信息后可供其他居民参考）"), required=False
    )
    attachments = MultipleFileField(
        label=_("附件"), help_text=_("照片或文件，JPG、PNG、PDF、DOCX，每个不超过 5 MB，最多 5 个")
    )
    chosen_lawyer = forms.ModelChoiceField(
        queryset=Lawyer.objects.public(), required=False, widget=forms.HiddenInput
    )

    field_order = ["category", "district", "community"]

    def __init__(self, *args: Any, communities: QuerySet[Community] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if communities is None:
            self.pick_district()
            return
        # Staff filing for a resident pick among their own few communities.
        del self.fields["district"]
        field: Any = self.fields["community"]
        field.queryset = communities.select_related("street").order_by("street__name", "name")


class AssistForm(AskForm):
    resident_name = forms.CharField(label=_("居民姓名"), max_length=50)
    resident_phone = OptionalPhoneField(
        label=_("居民手机号（用于回访）"),
        required=True,
        error_messages={"required": _("请填写居民手机号")},
    )

    field_order = ["resident_name", "resident_phone", "community", "category", "text"]


class ReplyForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(
        label=_("回复"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写回复内容")},
    )


class CloseForm(BootstrapFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评分"),
        choices=[(str(i), f"{i} 分") for i in range(5, 0, -1)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价（可不填）"), required=False, max_length=500)


class DeclineForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("回避说明（可不填）"), required=False, max_length=200)


class HandoverForm(BootstrapFormMixin, forms.Form):
    to_lawyer = forms.ModelChoiceField(
        label=_("转交给"), queryset=Lawyer.objects.none(), empty_label=_("请选择同事")
    )
    reason = forms.CharField(label=_("转交原因"), max_length=200)

    def __init__(self, *args: Any, colleagues: QuerySet[Lawyer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_lawyer"].queryset = colleagues  # type: ignore[attr-defined]


class ServiceRequestForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(
        label=_("需要的服务"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("如：起草一份房屋租赁合同；代理一起劳动仲裁案件"),
    )


class QuoteForm(BootstrapFormMixin, forms.Form):
    quote_fee = forms.CharField(
        label=_("报价（元）"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    quote_scope = forms.CharField(label=_("服务范围"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("说明（可不填）"), required=False, max_length=200)


class SwapForm(BootstrapFormMixin, forms.Form):
    shift = forms.ModelChoiceField(label=_("我的值班"), queryset=DutyShift.objects.none())
    to_lawyer = forms.ModelChoiceField(label=_("换给"), queryset=Lawyer.objects.none())
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(
        self, *args: Any, shifts: QuerySet[DutyShift], lawyers: QuerySet[Lawyer], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = shifts  # type: ignore[attr-defined]
        self.fields["to_lawyer"].queryset = lawyers  # type: ignore[attr-defined]


class UnavailableForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(
        label=_("不能值班的日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("原因（可不填）"), required=False, max_length=100)


def parse_month(value: str | None, today: date | None = None) -> tuple[int, int]:
    """``YYYY-MM`` (from an <input type=month>) or the current month."""
    today = today or timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


class DirectoryForm(BootstrapFormMixin, CommunityPickerMixin):
    """Filters of the lawyer directory: one district at a time (the resident's own by
    default); its firms and communities in the selects."""

    specialty = forms.ModelChoiceField(
        label=_("专业领域"),
        queryset=Specialty.objects.filter(is_active=True),
        required=False,
        empty_label=_("全部"),
    )
    firm = forms.ModelChoiceField(
        label=_("律所"),
        queryset=LawFirm.objects.public(),
        required=False,
        empty_label=_("全部"),
        widget=FastSelect,
    )
    community = CommunityField(label=_("服务社区"), required=False, empty_label=_("全部"))
    min_rating = forms.TypedChoiceField(
        label=_("评分"),
        choices=[("", _("不限")), ("4", _("4 分以上")), ("3", _("3 分以上"))],
        coerce=int,
        required=False,
        empty_value=None,
    )

    field_order = ["district", "specialty", "firm", "community", "min_rating"]
    reload_communities = False  # a change of district shows the page anew

    def __init__(self, *args: Any, district: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.pick_district(district)
        firm: Any = self.fields["firm"]
        firm.widget.choices = [
            ("", firm.empty_label),
            *LawFirm.objects.public()
            .filter(district_id=chosen)
            .order_by("name", "pk")
            .values_list("pk", "name"),
        ]

    def data_or_empty(self) -> dict[str, Any]:
        """The filters; a firm or community of another district than the one shown
        (the district was changed) is dropped."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        data["district"] = self.picked_district
        if data.get("firm") and data["firm"].district_id != self.picked_district:
            data["firm"] = None
        community = data.get("community")
        if community and community.street.district_id != self.picked_district:
            data["community"] = None
        return data


class SearchForm(BootstrapFormMixin, forms.Form):
    """The knowledge base is searched one district at a time (the user's own by
    default): a province holds hundreds of thousands of answers."""

    q = forms.CharField(label=_("搜索问题"), required=False, max_length=200)
    district = forms.TypedChoiceField(
        label=_("区县"), coerce=int, required=False, empty_value=None, widget=FastSelect
    )

    def __init__(self, *args: Any, district: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = district_choices()
        known = {pk for pk, _name in districts}
        raw = self.data.get(self.add_prefix("district")) if self.is_bound else None
        self.chosen_district = choose_district(raw, district, known) or (
            districts[0][0] if districts else None
        )
        district_field_for(self, self.chosen_district, districts)
