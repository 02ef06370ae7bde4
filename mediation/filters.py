"""Filters of mediation lists, shared by pages and API. Choices of related rows are
limited to what the requesting user may see."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediation.choices import CaseStatus, DisputeCategory, OrgKind, OrgLevel
from mediation.models import Case, Mediator, Organization
from regions.filters import visible
from regions.models import District, Street

ALL = _("全部")


class OrganizationFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("区"), queryset=visible(District))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OrgKind.choices, empty_label=ALL)
    level = django_filters.ChoiceFilter(label=_("层级"), choices=OrgLevel.choices, empty_label=ALL)
    category = django_filters.ChoiceFilter(
        label=_("专业领域"), choices=DisputeCategory.choices, empty_label=ALL
    )
    street = django_filters.ModelChoiceFilter(label=_("街道"), queryset=visible(Street))
    is_active = django_filters.BooleanFilter(label=_("启用"))
    search = django_filters.CharFilter(
        label=_("名称包含"), field_name="name", lookup_expr="icontains"
    )

    class Meta:
        model = Organization
        fields = ["district", "kind", "level", "category", "street", "is_active", "search"]


class MediatorFilter(django_filters.FilterSet):
    organization = django_filters.ModelChoiceFilter(
        label=_("调解组织"), queryset=visible(Organization)
    )
    is_active = django_filters.BooleanFilter(label=_("在任"))
    search = django_filters.CharFilter(
        label=_("姓名包含"), field_name="name", lookup_expr="icontains"
    )

    class Meta:
        model = Mediator
        fields = ["organization", "grade", "is_active", "search"]


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=CaseStatus.choices, empty_label=ALL
    )
    category = django_filters.ChoiceFilter(
        label=_("纠纷类别"), choices=DisputeCategory.choices, empty_label=ALL
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("调解组织"), queryset=visible(Organization)
    )
    street = django_filters.ModelChoiceFilter(label=_("街道"), queryset=visible(Street))
    overdue = django_filters.BooleanFilter(label=_("已超期"), method="filter_overdue")
    mine = django_filters.BooleanFilter(label=_("分派给我的"), method="filter_mine")
    number = django_filters.CharFilter(
        label=_("案件编号"), field_name="case_number", lookup_expr="icontains"
    )

    class Meta:
        model = Case
        fields = ["status", "category", "organization", "street", "overdue", "mine", "number"]

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        if value is None:
            return queryset
        late = {"closed_at__isnull": True, "due_at__lt": timezone.now()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

    def filter_mine(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(mediators__user_id=user.pk)
