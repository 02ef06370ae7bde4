"""Forms of the assessment pages. They parse input; the services decide."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.choices import CommendationKind, Difficulty, Metric
from assessment.metrics import add_months
from assessment.models import RankingConfig, SubsidyRates
from core.forms import BootstrapFormMixin, bootstrap
from firms.models import LawFirm, Lawyer
from mediation.choices import DisputeCategory
from regions.models import District

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (an <input type="month">), as its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def clean(self, value: Any) -> date | None:  # type: ignore[override]
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        match = MONTH_RE.match(text)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise forms.ValidationError(_("月份格式应为“年-月”，例如 2026-03"))
        return date(int(match[1]), int(match[2]), 1)


class DistrictForm(BootstrapFormMixin, forms.Form):
    """A form that acts on one of the bureau's districts (hidden when there is one)."""

    district = forms.ModelChoiceField(queryset=District.objects.none(), label=_("区"))

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["district"]).queryset = districts
        if len(districts) == 1:
            self.fields["district"].initial = districts[0]
            self.fields["district"].widget = forms.HiddenInput()


class ComputeForm(DistrictForm):
    month = MonthField(label=_("月份"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        last = add_months(timezone.localdate().replace(day=1), -1)
        self.fields["month"].initial = f"{last:%Y-%m}"


class AppealForm(BootstrapFormMixin, forms.Form):
    metric = forms.ChoiceField(label=_("申诉的指标"), required=False)
    reason = forms.CharField(
        label=_("申诉理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("请写明哪些记录未计入或计算有误，例如走访记录的日期和社区"),
    )

    def __init__(self, *args: Any, metrics: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Metric.choices)
        cast(forms.ChoiceField, self.fields["metric"]).choices = [("", _("总分（不限指标）"))] + [
            (m, labels[m]) for m in metrics
        ]


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("", _("请选择")), ("accept", _("采纳")), ("reject", _("驳回"))],
    )
    comment = forms.CharField(
        label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    adjusted_value = forms.DecimalField(
        label=_("调整后的指标得分"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        help_text=_("采纳且申诉指明了指标时可填写，留空表示不调整得分"),
    )


class RankingConfigForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = RankingConfig
        fields = [
            *(f"weight_{m}" for m in Metric.values),
            "appeal_window_days",
            "annual_platform_weight",
            "annual_bureau_weight",
        ]


class SubsidyRatesForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = SubsidyRates
        fields = ["duty_rate_yuan", "sample_percent", "ordinary_amount_yuan", "complex_amount_yuan"]


def rate_field_name(category: str, difficulty: str) -> str:
    return f"rate_{category or 'default'}_{difficulty}"


class MediationRatesForm(BootstrapFormMixin, forms.Form):
    """The rate table as a grid: a row per category (the first: every other category),
    a column per difficulty. An empty cell has no rate of its own."""

    def __init__(self, *args: Any, table: dict[tuple[str, str], Decimal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[str, list[str]]] = []
        for category, label in [("", _("其他类别（默认）")), *DisputeCategory.choices]:
            names = []
            for difficulty, d_label in Difficulty.choices:
                name = rate_field_name(category, difficulty)
                self.fields[name] = forms.DecimalField(
                    label=f"{label} · {d_label}",
                    required=False,
                    min_value=Decimal(0),
                    max_digits=10,
                    decimal_places=2,
                    initial=table.get((category, difficulty)),
                )
                names.append(name)
            self.rows.append((str(label), names))
        bootstrap(self)

    def table(self) -> dict[tuple[str, str], Decimal | None]:
        return {
            (c, d): self.cleaned_data.get(rate_field_name(c, d))
            for c in ["", *DisputeCategory.values]
            for d in Difficulty.values
        }

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[n] for n in names]) for label, names in self.rows]


class YearForm(DistrictForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class MarkForm(BootstrapFormMixin, forms.Form):
    mark = forms.DecimalField(
        label=_("司法局评分"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2
    )
    note = forms.CharField(label=_("评分说明"), required=False, max_length=300)


class CommendationForm(DistrictForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("表彰对象"), choices=CommendationKind.choices)
    firm = forms.ModelChoiceField(queryset=LawFirm.objects.none(), label=_("律所"), required=False)
    lawyer = forms.ModelChoiceField(queryset=Lawyer.objects.none(), label=_("律师"), required=False)
    title = forms.CharField(label=_("荣誉称号"), max_length=50, help_text=_("例如：优秀社区律所"))
    citation = forms.CharField(
        label=_("事迹简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    awarded_on = forms.DateField(
        label=_("表彰日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = cast(forms.ModelChoiceField, self.fields["district"]).queryset
        cast(forms.ModelChoiceField, self.fields["firm"]).queryset = LawFirm.objects.filter(
            district__in=districts
        ).order_by("name")
        cast(forms.ModelChoiceField, self.fields["lawyer"]).queryset = (
            Lawyer.objects.filter(firm__district__in=districts)
            .select_related("firm")
            .order_by("firm__name", "name")
        )
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["awarded_on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = "firm" if data.get("kind") == CommendationKind.FIRM else "lawyer"
        if not data.get(chosen):
            self.add_error(chosen, _("请选择受表彰的%(x)s") % {"x": self.fields[chosen].label})
        return data


class PeriodForm(DistrictForm):
    title = forms.CharField(label=_("名称"), max_length=100, required=False)
    start = MonthField(label=_("起始月份"))
    end = MonthField(label=_("截止月份"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["start"].initial = f"{year}-01"
        self.fields["end"].initial = f"{year}-12"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("end"):
            data["end"] = add_months(data["end"], 1) - timedelta(days=1)
        return data


class DifficultyForm(BootstrapFormMixin, forms.Form):
    difficulty = forms.ChoiceField(label=_("难度"), choices=Difficulty.choices)


class FollowUpForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("回访情况"), max_length=300)
