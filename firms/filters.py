"""Filters for firms and lawyers, shared by pages and API. Choices of related rows are
limited to what the requesting user may see."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import django_filters
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from firms.models import LawFirm, Lawyer, Specialty
from regions.filters import visible
from regions.models import District, Street


class SpecialtyFilter(django_filters.FilterSet):
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta:
        model = Specialty
        fields = ["is_active"]


class LawFirmFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("区"), queryset=visible(District))
    street = django_filters.ModelChoiceFilter(label=_("所在街道"), queryset=visible(Street))
    is_active = django_filters.BooleanFilter(label=_("启用"))
    in_mediation_association = django_filters.BooleanFilter(label=_("人民调解协会成员"))
    in_education_center = django_filters.BooleanFilter(label=_("尚法教育服务中心成员"))
    search = django_filters.CharFilter(
        label=_("名称包含"), field_name="name", lookup_expr="icontains"
    )

    class Meta:
        model = LawFirm
        fields = [
            "district",
            "street",
            "is_active",
            "in_mediation_association",
            "in_education_center",
            "search",
        ]


class LawyerFilter(django_filters.FilterSet):
    firm = django_filters.ModelChoiceFilter(label=_("律所"), queryset=visible(LawFirm))
    specialty = django_filters.ModelChoiceFilter(
        label=_("专业领域"), field_name="specialties", queryset=Specialty.objects.all()
    )
    is_volunteer = django_filters.BooleanFilter(label=_("志愿律师"))
    is_party_member = django_filters.BooleanFilter(label=_("党员"))
    is_active = django_filters.BooleanFilter(label=_("在职"))
    min_years = django_filters.NumberFilter(
        label=_("最低执业年限（年）"),
        method="filter_min_years",
        min_value=0,
        max_value=80,
        decimal_places=0,
    )
    search = django_filters.CharFilter(
        label=_("姓名包含"), field_name="name", lookup_expr="icontains"
    )

    class Meta:
        model = Lawyer
        fields = [
            "firm",
            "specialty",
            "is_volunteer",
            "is_party_member",
            "is_active",
            "min_years",
            "search",
        ]

    def filter_min_years(
        self, queryset: models.QuerySet, name: str, value: Decimal
    ) -> models.QuerySet:
        """Lawyers whose practice started at least ``value`` whole years ago."""
        return queryset.filter(
            practice_start_date__lte=years_before(timezone.localdate(), int(value))
        )


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
