"""Template tags for pages outside the app (the portal, a community's public page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from visits.models import ServiceDay
from visits.services import next_service_day

register = template.Library()
UPCOMING = 6


@register.inclusion_tag("visits/includes/service_day_box.html", takes_context=True)
def service_day_box(context: dict[str, Any], community: Any) -> dict[str, Any]:
    """The community's next service day, with sign-up and (on the day) check-in links."""
    day = next_service_day(community)
    return {
        "community": community,
        "day": day,
        "today": timezone.localdate(),
        "request": context.get("request"),
    }


@register.inclusion_tag("visits/includes/upcoming_service_days.html", takes_context=True)
def upcoming_service_days(context: Any, district: Any) -> dict[str, Any]:
    """The portal's calendar: the next service days of the district, the signed-in
    resident's own community and street first."""
    request = context.get("request")
    days = (
        ServiceDay.objects.published()
        .filter(community__street__district=district, date__gte=timezone.localdate())
        .select_related("community__street")
        .nearest_first(getattr(request, "user", None))[:UPCOMING]
    )
    return {"days": days, "district": district}
