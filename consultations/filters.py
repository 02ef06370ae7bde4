"""Filters of the consultation API (and pages where they filter the same way)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.choices import QuestionStatus, ServiceStatus, ShiftStatus
from consultations.models import Category, DutyShift, Question, ServiceRequest


class QuestionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=QuestionStatus.choices)
    category = django_filters.ModelChoiceFilter(label=_("类别"), queryset=Category.objects.all())
    is_public = django_filters.BooleanFilter(label=_("公开"))
    overdue = django_filters.BooleanFilter(label=_("超时未答复"), method="filter_overdue")

    class Meta:
        model = Question
        fields = ["status", "category", "is_public", "overdue"]

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        from consultations.services import overdue_q

        if value is None:
            return queryset
        condition = overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class DutyShiftFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(label=_("开始日期"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("结束日期"), field_name="date", lookup_expr="lte")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ShiftStatus.choices)
    mine = django_filters.BooleanFilter(label=_("只看我的"), method="filter_mine")

    class Meta:
        model = DutyShift
        fields = ["date_from", "date_to", "status", "mine"]

    def filter_mine(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset.filter(lawyer__user=user) if user is not None else queryset.none()


class ServiceRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ServiceStatus.choices)

    class Meta:
        model = ServiceRequest
        fields = ["status"]
