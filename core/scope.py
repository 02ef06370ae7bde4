"""Data scope: who a user is (their role bindings) and the mixins that apply scope.

Each app that binds users to something (regions: staff of a district, street or
community; firms: lawyers and firm admins; ...) registers a *provider* that yields the
user's bindings. ``get_principal(user)`` collects them once per request. Every
queryset's ``visible_to(user)`` / ``editable_by(user)`` reads the principal; views,
viewsets and admin classes below start from those querysets, so scope is decided in
one place per model and a row outside it answers 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass(frozen=True)
class RoleBinding:
    """One role a user holds, bound to one object (a district, street, firm ...)."""

    role: str
    object_id: int
    label: str
    district_id: int | None = None
    # The organization the bound object belongs to (a lawyer's firm ...), if any.
    parent_id: int | None = None


@dataclass
class Principal:
    user_id: int | None
    is_superuser: bool = False
    bindings: list[RoleBinding] = field(default_factory=list)

    def ids(self, role: str) -> set[int]:
        return {b.object_id for b in self.bindings if b.role == role}

    def has(self, *roles: str) -> bool:
        return any(b.role in roles for b in self.bindings)

    def parent_ids(self, role: str) -> set[int]:
        return {b.parent_id for b in self.bindings if b.role == role and b.parent_id is not None}

    @property
    def roles(self) -> list[str]:
        seen: list[str] = []
        for b in self.bindings:
            if b.role not in seen:
                seen.append(b.role)
        return seen

    @property
    def district_ids(self) -> set[int]:
        return {b.district_id for b in self.bindings if b.district_id is not None}


Provider = Callable[[Any], Iterable[RoleBinding]]
_providers: list[Provider] = []


def register_provider(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def get_principal(user: Any) -> Principal:
    """The user's role bindings, computed once and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Principal(user_id=None)
    cached = getattr(user, "_principal", None)
    if cached is not None:
        return cached
    principal = Principal(user_id=user.pk, is_superuser=user.is_superuser)
    for provider in _providers:
        principal.bindings.extend(provider(user))
    user._principal = principal
    return principal


def forget_principal(user: Any) -> None:
    """Drop the cached bindings after a role change."""
    if hasattr(user, "_principal"):
        del user._principal


class ScopedQuerySet(models.QuerySet):
    """Base queryset: subclasses decide ``visible_to`` and ``editable_by``.

    The defaults are the safe ones: superusers see everything, everybody else nothing.
    """

    def visible_to(self, user: Any) -> ScopedQuerySet:
        if get_principal(user).is_superuser:
            return self.all()
        return self.none()

    def editable_by(self, user: Any) -> ScopedQuerySet:
        return self.visible_to(user)


def q_or(*conditions: models.Q | None) -> models.Q | None:
    """OR the given conditions together, skipping None; None when none is left."""
    result: models.Q | None = None
    for condition in conditions:
        if condition is None:
            continue
        result = condition if result is None else result | condition
    return result


def q_in(lookup: str, ids: set[int]) -> models.Q | None:
    """``lookup__in=ids`` as a condition for filter_any, or None when there are no ids."""
    return models.Q(**{f"{lookup}__in": sorted(ids)}) if ids else None


def filter_union(
    qs: ScopedQuerySet, *branches: models.Q | models.QuerySet | None
) -> ScopedQuerySet:
    """Rows in any branch (a user may hold several roles); none if no branch. A branch
    is a condition on the model (Q) or a queryset of the model's keys. Two or more
    become one subquery ``pk IN (b1 UNION ALL b2 ...)``: each branch is served by its
    own index, so the work follows the viewer's rows, where an OR of branches through
    other tables makes PostgreSQL read the whole table."""
    present = [b for b in branches if b is not None]
    if not present:
        return qs.none()
    if len(present) == 1:
        only = present[0]
        return qs.filter(only) if isinstance(only, models.Q) else qs.filter(pk__in=only)
    keys = [
        (qs.model._base_manager.filter(b).values("pk") if isinstance(b, models.Q) else b).order_by()
        for b in present
    ]
    return qs.filter(pk__in=keys[0].union(*keys[1:], all=True))


def filter_any(qs: ScopedQuerySet, *conditions: models.Q | None) -> ScopedQuerySet:
    """Rows matching any condition (a user may hold several roles); none if no role."""
    combined = q_or(*conditions)
    return qs.none() if combined is None else qs.filter(combined)
