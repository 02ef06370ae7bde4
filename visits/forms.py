"""Forms of the visits pages. The visit form is built for a phone: the lawyer's
paired communities, today's date and the lawyer themself are filled in already."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.forms import BootstrapFormMixin
from core.scope import get_principal
from firms.models import LawFirm, Lawyer
from regions.models import Street
from visits import services
from visits.choices import FollowUp, VisitKind
from visits.models import DistrictGoal, Meeting, ServiceDay, Visit
from visits.querysets import MEETING_FIRMS, MEETING_STREETS, VISIT_LAWYERS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class VisitForm(BootstrapFormMixin, forms.Form):
    community: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("社区"), queryset=None, empty_label=_("请选择结对社区")
    )
    date = forms.DateField(label=_("走访日期"), widget=DATE_INPUT)
    kind = forms.ChoiceField(label=_("活动类型"), choices=VisitKind.choices)
    lawyers: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("参加律师"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    addresses = forms.CharField(
        label=_("走访住户（门牌）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "3幢2单元301室\n5-1-102"}),
        help_text=_("每行一户，写到幢、单元、室，如“3幢2单元301室”或“3-2-301”；同一户一年只计一次"),
    )
    participants = forms.IntegerField(
        label=_("服务人数"), min_value=0, max_value=100000, initial=0, required=False
    )
    topics = forms.CharField(
        label=_("服务内容"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    disputes_found = forms.IntegerField(
        label=_("发现纠纷数"), min_value=0, max_value=1000, initial=0, required=False
    )
    dispute_notes = forms.CharField(
        label=_("纠纷情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.ChoiceField(label=_("跟进情况"), choices=FollowUp.choices, required=False)
    follow_up_notes = forms.CharField(
        label=_("跟进说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultipleFileField(
        label=_("现场照片"),
        help_text=_("JPG 或 PNG，每张不超过 5 MB，每条记录最多 9 张"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, user: Any, visit: Visit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communities = services.paired_communities(user).select_related("street")
        # An existing visit names the lawyers of its firm; a new one, the user's firms'.
        lawyers = (
            Lawyer.objects.filter(firm_id=visit.firm_id)
            if visit
            else VISIT_LAWYERS.apply(Lawyer.objects.all(), user)
        )
        self.fields["community"].queryset = communities.order_by(  # type: ignore[attr-defined]
            "street__name", "name"
        )
        self.fields["lawyers"].queryset = lawyers.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("name")
        if visit is not None:
            self.initial.update(
                {
                    "community": visit.community_id,
                    "date": visit.date,
                    "kind": visit.kind,
                    "lawyers": list(visit.lawyers.values_list("pk", flat=True)),
                    "addresses": "\n".join(str(h) for h in visit.households.all()),
                    "participants": visit.participants,
                    "topics": visit.topics,
                    "disputes_found": visit.disputes_found,
                    "dispute_notes": visit.dispute_notes,
                    "follow_up": visit.follow_up,
                    "follow_up_notes": visit.follow_up_notes,
                }
            )
        else:
            self.initial.setdefault("date", timezone.localdate())
            # Ticked by default: the user's own lawyer records (who they are, no query).
            self.initial.setdefault("lawyers", sorted(get_principal(user).ids(Role.LAWYER)))
            only = list(communities.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                self.initial.setdefault("community", only[0])

    def visit_input(self) -> services.VisitInput:
        data = self.cleaned_data
        return services.VisitInput(
            community=data["community"],
            date=data["date"],
            kind=data["kind"],
            lawyers=list(data["lawyers"]),
            addresses=data["addresses"],
            participants=data["participants"] or 0,
            topics=data["topics"],
            disputes_found=data["disputes_found"] or 0,
            dispute_notes=data["dispute_notes"],
            follow_up=data["follow_up"],
            follow_up_notes=data["follow_up_notes"],
            photos=data["photos"],
        )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("异议理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SummaryForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("工作小结"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PlanForm(BootstrapFormMixin, forms.Form):
    """12 months × (visits, households), and the reason of a revision."""

    reason = forms.CharField(label=_("修订说明"), required=False, max_length=200)

    def __init__(self, *args: Any, initial_months: list[tuple[int, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for month in range(1, 13):
            visits, households = initial_months[month - 1]
            for name, label, value in (
                ("visits", _("走访次数"), visits),
                ("households", _("走访户数"), households),
            ):
                self.fields[f"{name}_{month}"] = forms.IntegerField(
                    label=f"{month}月{label}",
                    min_value=0,
                    max_value=100000,
                    initial=value,
                    widget=forms.NumberInput(
                        attrs={"class": "form-control", "inputmode": "numeric"}
                    ),
                )
        self.order_fields(
            [*(f"{n}_{m}" for m in range(1, 13) for n in ("visits", "households")), "reason"]
        )

    def months(self) -> list[tuple[int, int]]:
        data = self.cleaned_data
        return [(data[f"visits_{m}"], data[f"households_{m}"]) for m in range(1, 13)]

    def month_rows(self) -> list[tuple[int, Any, Any]]:
        return [(m, self[f"visits_{m}"], self[f"households_{m}"]) for m in range(1, 13)]


class GoalForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = DistrictGoal
        fields = ["visits_target", "households_target", "coverage_target_percent", "note"]


class ServiceDayForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceDay
        fields = ["date", "start_time", "end_time", "place", "topic"]
        widgets = {"date": DATE_INPUT, "start_time": TIME_INPUT, "end_time": TIME_INPUT}


class MeetingForm(BootstrapFormMixin, forms.ModelForm):
    attachments = MultipleFileField(
        label=_("附件"),
        help_text=_("PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG，每个不超过 10 MB"),
    )

    class Meta:
        model = Meeting
        fields = ["firm", "street", "date", "title", "place", "attendees", "minutes"]
        widgets = {
            "date": DATE_INPUT,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        firms = MEETING_FIRMS.apply(LawFirm.objects.all(), user)
        streets = MEETING_STREETS.apply(Street.objects.all(), user)
        self.fields["firm"].queryset = firms.order_by("name")  # type: ignore[attr-defined]
        self.fields["street"].queryset = streets.order_by("name")  # type: ignore[attr-defined]
        self.fields["firm"].help_text = _(
            "律所内部会议选择律所；司法所召开的会议选择街道，可同时选择"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        firm, street = data.get("firm"), data.get("street")
        if not firm and not street:
            raise forms.ValidationError(_("请选择会议所属的律所或街道"))
        if firm and street and firm.district_id != street.district_id:
            self.add_error("street", _("律所和街道不在同一个区"))
        if not self.errors:
            self.instance.district_id = (firm or street).district_id  # type: ignore[union-attr]
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def chosen(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return int(self.cleaned_data["year"])
        return timezone.localdate().year


def parse_month(value: str | None, default: date) -> date:
    """``2026-03`` as the first of that month; the default when empty or malformed."""
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return default
