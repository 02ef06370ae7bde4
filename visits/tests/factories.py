"""Small builders for the visits tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.testing import World
from visits import services
from visits.choices import VisitKind
from visits.models import Visit


def visit_input(world: World, **values: Any) -> services.VisitInput:
    defaults: dict[str, Any] = {
        "community": world.community_a1,
        "date": date(2026, 3, 10),
        "kind": VisitKind.DOOR_TO_DOOR,
        "lawyers": [world.lawyer_l],
        "addresses": "3幢2单元301室\n5-1-102",
        "topics": "物业纠纷咨询",
    }
    return services.VisitInput(**{**defaults, **values})


def record(
    world: World, *, confirm: bool = True, today: date | None = None, **values: Any
) -> Visit:
    """A visit recorded by lawyer L (firm F), confirmed by A1's staff if ``confirm``."""
    data = visit_input(world, **values)
    visit = services.record_visit(
        actor=world.lawyer_f, data=data, today=today or date(2026, 11, 20)
    )
    if confirm:
        staff = (
            world.community_staff_a1 if data.community == world.community_a1 else world.superuser
        )
        services.confirm_visit(actor=staff, visit=visit)
    return visit
