"""Template tags of assessment: the portal's commendations box, and a dict lookup."""

from __future__ import annotations

from typing import Any

from django import template

from assessment.models import Commendation

register = template.Library()
SHOWN = 12


@register.inclusion_tag("assessment/includes/commendations.html")
def commendations(district: Any) -> dict[str, Any]:
    """The district's commendations of the latest year that has any (for the portal)."""
    if district is None:
        return {"items": [], "year": None, "district": None}
    items = Commendation.objects.filter(district=district)
    year = items.order_by("-year").values_list("year", flat=True).first()
    shown = (
        items.filter(year=year)
        .select_related("firm", "lawyer__firm")
        .order_by("kind", "title", "pk")[:SHOWN]
        if year
        else []
    )
    return {"items": shown, "year": year, "district": district}


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def lookup_index(values: Any, index: int) -> Any:
    """``values[index]`` in a template (None when out of range)."""
    try:
        return values[index]
    except (IndexError, TypeError):
        return None
