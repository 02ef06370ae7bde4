"""Filters of assessment, shared by the API (and pages where they list these rows)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from assessment.choices import AppealStatus, ItemStatus, ScoreStatus, SubsidyKind
from assessment.models import Appeal, Bulletin, MonthlyScore, SubsidyItem, SubsidyPeriod
from firms.models import LawFirm
from regions.filters import visible
from regions.models import District


class MonthlyScoreFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(label=_("月份（该月 1 日）"), field_name="ranking__month")
    year = django_filters.NumberFilter(label=_("年度"), field_name="ranking__month__year")
    firm = django_filters.ModelChoiceFilter(label=_("律所"), queryset=visible(LawFirm))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ScoreStatus.choices)

    class Meta:
        model = MonthlyScore
        fields = ["month", "year", "firm", "status"]


class AppealFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=AppealStatus.choices)
    month = django_filters.DateFilter(
        label=_("月份（该月 1 日）"), field_name="score__ranking__month"
    )

    class Meta:
        model = Appeal
        fields = ["status", "month"]


class BulletinFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("区"), queryset=District.objects.all())
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = Bulletin
        fields = ["district", "year"]


class SubsidyPeriodFilter(django_filters.FilterSet):
    status = django_filters.CharFilter(label=_("状态"))

    class Meta:
        model = SubsidyPeriod
        fields = ["status"]


class SubsidyItemFilter(django_filters.FilterSet):
    period = django_filters.ModelChoiceFilter(label=_("核算期"), queryset=visible(SubsidyPeriod))
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=SubsidyKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ItemStatus.choices)
    firm = django_filters.ModelChoiceFilter(label=_("律所"), queryset=visible(LawFirm))
    sampled = django_filters.BooleanFilter(label=_("抽中回访"))

    class Meta:
        model = SubsidyItem
        fields = ["period", "kind", "status", "firm", "sampled"]
