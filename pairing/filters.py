"""Filters for pairings, liaisons and honorary posts, shared by pages and API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from firms.models import LawFirm, Lawyer
from pairing.models import HonoraryPost, Liaison, Pairing
from regions.filters import visible
from regions.models import Community, Street


class _ActiveFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(label=_("在任/进行中"), method="filter_active")

    def filter_active(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(end_date__isnull=value)


class PairingFilter(_ActiveFilter):
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=visible(Community))
    street = django_filters.ModelChoiceFilter(
        label=_("街道"), field_name="community__street", queryset=visible(Street)
    )
    firm = django_filters.ModelChoiceFilter(label=_("律所"), queryset=visible(LawFirm))

    class Meta:
        model = Pairing
        fields = ["community", "street", "firm", "active"]


class LiaisonFilter(_ActiveFilter):
    pairing = django_filters.ModelChoiceFilter(label=_("结对"), queryset=visible(Pairing))
    community = django_filters.ModelChoiceFilter(
        label=_("社区"), field_name="pairing__community", queryset=visible(Community)
    )
    lawyer = django_filters.ModelChoiceFilter(label=_("律师"), queryset=visible(Lawyer))

    class Meta:
        model = Liaison
        fields = ["pairing", "community", "lawyer", "active"]


class HonoraryPostFilter(_ActiveFilter):
    kind = django_filters.ChoiceFilter(label=_("职务"), choices=HonoraryPost.Kind.choices)
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=visible(Community))
    street = django_filters.ModelChoiceFilter(label=_("街道"), queryset=visible(Street))
    lawyer = django_filters.ModelChoiceFilter(label=_("律师"), queryset=visible(Lawyer))

    class Meta:
        model = HonoraryPost
        fields = ["kind", "community", "street", "lawyer", "active"]
