"""Household coverage: households visited at least once in the plan year (confirmed
visits, each household once) against the community's households and its plan.

Counting is done by the database (COUNT DISTINCT over the roll-up HouseholdReach,
grouped); Python only adds up the per-community rows into streets and the district.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from visits.models import HouseholdReach, PlanMonth


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass
class CoverageRow:
    id: int
    name: str
    street_id: int
    street_name: str
    households: int
    visited: int = 0
    plan_to_date: int = 0
    plan_year: int = 0
    children: list[CoverageRow] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Against full coverage: visited / households."""
        return percent(self.visited, self.households)

    @property
    def plan_rate(self) -> float:
        """Against the plan to date (100 when nothing was due yet)."""
        return percent(self.visited, self.plan_to_date) if self.plan_to_date else 100.0

    @property
    def behind(self) -> bool:
        return self.visited < self.plan_to_date

    @property
    def band(self) -> int:
        """0–4 for the colour of the grid: <20 %, <40 %, <60 %, <80 %, ≥80 %."""
        return min(int(self.rate // 20), 4)

    def add(self, other: CoverageRow) -> None:
        self.households += other.households
        self.visited += other.visited
        self.plan_to_date += other.plan_to_date
        self.plan_year += other.plan_year
        self.children.append(other)


def plan_months_due(year: int, today: date) -> int:
    """Months of the year whose targets are due: those before the current month."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def community_coverage(
    communities: Any, year: int, *, today: date | None = None
) -> list[CoverageRow]:
    """One row per community of ``communities`` (a queryset), in four queries."""
    today = today or timezone.localdate()
    ids = communities.values("pk")
    # Households reached by any firm's confirmed visits: read from the roll-up of each
    # firm's first visit of the year to each household (HouseholdReach), counted once.
    visited = dict(
        HouseholdReach.objects.filter(year=year, community__in=ids)
        .values("community_id")
        .annotate(n=Count("household_id", distinct=True))
        .values_list("community_id", "n")
    )
    months = PlanMonth.objects.filter(
        plan__is_current=True, plan__year=year, plan__community__in=ids
    ).values("plan__community_id")
    due = plan_months_due(year, today)
    to_date = dict(
        months.filter(month__lte=due)
        .annotate(n=Sum("households"))
        .values_list("plan__community_id", "n")
    )
    whole_year = dict(months.annotate(n=Sum("households")).values_list("plan__community_id", "n"))
    return [
        CoverageRow(
            id=c["pk"],
            name=c["name"],
            street_id=c["street_id"],
            street_name=c["street__name"],
            households=c["households"],
            visited=visited.get(c["pk"], 0),
            plan_to_date=to_date.get(c["pk"], 0) or 0,
            plan_year=whole_year.get(c["pk"], 0) or 0,
        )
        for c in communities.order_by("street__name", "name").values(
            "pk", "name", "street_id", "street__name", "households"
        )
    ]


def roll_up(rows: list[CoverageRow]) -> tuple[list[CoverageRow], CoverageRow]:
    """Streets (with their communities as children) and the total."""
    streets: dict[int, CoverageRow] = {}
    total = CoverageRow(id=0, name="合计", street_id=0, street_name="", households=0)
    for row in rows:
        street = streets.setdefault(
            row.street_id,
            CoverageRow(
                id=row.street_id,
                name=row.street_name,
                street_id=row.street_id,
                street_name=row.street_name,
                households=0,
            ),
        )
        street.add(row)
    for street in streets.values():
        total.add(street)
    return list(streets.values()), total
