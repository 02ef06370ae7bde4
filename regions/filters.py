"""Filters for the region tree, shared by pages and API. Choices of related rows are
limited to what the requesting user may see."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Community, District, Street, StudioMember


def visible(model: type[models.Model]) -> Callable[[Any], models.QuerySet]:
    """A queryset callable for ModelChoiceFilter: the rows the request's user may see."""

    def rows(request: Any) -> models.QuerySet:
        manager: Any = model._default_manager
        return manager.visible_to(getattr(request, "user", None))

    return rows


class StreetFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("区"), queryset=visible(District))
    is_active = django_filters.BooleanFilter(label=_("启用"))
    search = django_filters.CharFilter(
        label=_("名称包含"), field_name="name", lookup_expr="icontains"
    )

    class Meta:
        model = Street
        fields = ["district", "is_active", "search"]


class CommunityFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("区"), field_name="street__district", queryset=visible(District)
    )
    street = django_filters.ModelChoiceFilter(label=_("街道"), queryset=visible(Street))
    is_active = django_filters.BooleanFilter(label=_("启用"))
    search = django_filters.CharFilter(
        label=_("名称包含"), field_name="name", lookup_expr="icontains"
    )

    class Meta:
        model = Community
        fields = ["district", "street", "is_active", "search"]


class StudioMemberFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=visible(Community))
    is_active = django_filters.BooleanFilter(label=_("在任"))

    class Meta:
        model = StudioMember
        fields = ["community", "position", "is_active"]
