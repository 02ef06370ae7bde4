"""Filters of the visits app, shared by pages and API. Choices of related rows are
limited to what the requesting user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from firms.models import LawFirm
from regions.filters import visible
from regions.models import Community, Street
from visits.choices import ReportStatus, ServiceDayStatus, VisitKind, VisitStatus
from visits.models import Meeting, MonthlyReport, ServiceDay, Visit, VisitPlan

DATE = {"type": "date"}


class VisitFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=visible(Community))
    firm = django_filters.ModelChoiceFilter(label=_("律所"), queryset=visible(LawFirm))
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=_("全部"), choices=VisitStatus.choices
    )
    kind = django_filters.ChoiceFilter(
        label=_("活动类型"), empty_label=_("全部"), choices=VisitKind.choices
    )
    date_from = django_filters.DateFilter(
        label=_("开始日期"),
        field_name="date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs=DATE),
    )
    date_to = django_filters.DateFilter(
        label=_("结束日期"),
        field_name="date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs=DATE),
    )

    class Meta:
        model = Visit
        fields = ["community", "firm", "status", "kind", "date_from", "date_to"]


class VisitPlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("年度"))
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=visible(Community))
    firm = django_filters.ModelChoiceFilter(label=_("律所"), queryset=visible(LawFirm))
    is_current = django_filters.BooleanFilter(label=_("现行版本"))

    class Meta:
        model = VisitPlan
        fields = ["year", "community", "firm", "is_current"]


class ServiceDayFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=visible(Community))
    street = django_filters.ModelChoiceFilter(
        label=_("街道"), field_name="community__street", queryset=visible(Street)
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=_("全部"), choices=ServiceDayStatus.choices
    )
    date_from = django_filters.DateFilter(
        label=_("起始日期"),
        field_name="date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs=DATE),
    )

    class Meta:
        model = ServiceDay
        fields = ["community", "street", "status", "date_from"]


class PublicServiceDayFilter(django_filters.FilterSet):
    """The public calendar: any active street or community."""

    street = django_filters.ModelChoiceFilter(
        label=_("街道"),
        field_name="community__street",
        queryset=Street.objects.filter(is_active=True).order_by("district_id", "name"),
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区"),
        queryset=Community.objects.filter(is_active=True, street__is_active=True).order_by(
            "street__name", "name"
        ),
    )

    class Meta:
        model = ServiceDay
        fields = ["street", "community"]


class MonthlyReportFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(
        label=_("月份（该月 1 日）"), widget=forms.DateInput(attrs=DATE)
    )
    street = django_filters.ModelChoiceFilter(label=_("街道"), queryset=visible(Street))
    firm = django_filters.ModelChoiceFilter(label=_("律所"), queryset=visible(LawFirm))
    status = django_filters.ChoiceFilter(
        label=_("状态"), empty_label=_("全部"), choices=ReportStatus.choices
    )
    is_late = django_filters.BooleanFilter(label=_("逾期"))

    class Meta:
        model = MonthlyReport
        fields = ["month", "street", "firm", "status", "is_late"]


class MeetingFilter(django_filters.FilterSet):
    firm = django_filters.ModelChoiceFilter(label=_("律所"), queryset=visible(LawFirm))
    street = django_filters.ModelChoiceFilter(label=_("街道"), queryset=visible(Street))
    search = django_filters.CharFilter(
        label=_("名称包含"), field_name="title", lookup_expr="icontains"
    )

    class Meta:
        model = Meeting
        fields = ["firm", "street", "search"]
