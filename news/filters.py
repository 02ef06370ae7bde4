"""Filters of articles, shared by pages and API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from news.choices import ArticleKind, ArticleStatus
from news.models import Article
from regions.models import District


class ArticleFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("栏目"), choices=ArticleKind.choices)
    district = django_filters.ModelChoiceFilter(
        label=_("区"), queryset=District.objects.order_by("code")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ArticleStatus.choices)
    q = django_filters.CharFilter(label=_("标题关键词"), method="filter_title")
    mine = django_filters.BooleanFilter(label=_("只看我写的"), method="filter_mine")

    class Meta:
        model = Article
        fields = ["kind", "district", "status", "q", "mine"]

    def filter_title(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()[:50]
        return queryset.filter(title__icontains=text) if text else queryset

    def filter_mine(self, queryset: QuerySet, name: str, value: bool | None) -> Any:
        user = getattr(self.request, "user", None)
        if not value:
            return queryset
        if not getattr(user, "is_authenticated", False):
            return queryset.none()
        return queryset.filter(author=user)
