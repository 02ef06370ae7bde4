"""Data scope: who a user is (their role bindings) and the mixins that apply scope.

Each app that binds users to something (regions: staff of a district, street or
community; firms: lawyers and firm admins; ...) registers a *provider* that yields the
user's bindings. ``get_principal(user)`` collects them once per request. Every
queryset's ``visible_to(user)`` / ``editable_by(user)`` reads the principal; views,
viewsets and admin classes below start from those querysets, so scope is decided in
one place per model and a row outside it answers 404.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import models
from django.db.models import signals


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
# Which users' bindings a changed row may change (the row's user, and the user it had
# when loaded ...).
Holders = Callable[[Any], Iterable[int | None]]


@dataclass(frozen=True)
class _Registered:
    provider: Provider
    cached: bool


_QS = TypeVar("_QS", bound=models.QuerySet)
_Scoped = TypeVar("_Scoped", bound="ScopedQuerySet")
_providers: list[_Registered] = []
logger = logging.getLogger(__name__)
CACHE_PREFIX = "scope"


def register_provider(
    provider: Provider, *, watch: dict[type[models.Model], Holders] | None = None
) -> None:
    """Add a source of role bindings. With ``watch`` (the models its bindings are
    read from, and for a row of each the users whose bindings it holds), the
    bindings are cached across requests, and any save or delete of a watched row
    makes its users' cached bindings stale (bump_scope); without, they are read on
    every request (a provider that reads only the user row)."""
    if any(r.provider is provider for r in _providers):
        return
    _providers.append(_Registered(provider, cached=watch is not None))
    for model, holders in (watch or {}).items():
        _watch(model, holders)


def holder_ids(row: Any) -> list[int | None]:
    """The users a binding row with a ``user`` belongs to: its user now, and the
    user it had when loaded (core.models.AuditedModel keeps the loaded values)."""
    loaded = getattr(row, "_loaded_values", None) or {}
    return [row.user_id, loaded.get("user_id")]


def _watch(model: type[models.Model], holders: Holders) -> None:
    def changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        bump_scope(*holders(instance))

    # Before the write (the holders as loaded, the rows they are found through still
    # there) and after it (a request that read the counter between the two writes,
    # outside a transaction, cached what it read under a counter that is gone now).
    uid = f"scope_{model._meta.label}"
    for signal in (signals.pre_save, signals.post_save, signals.pre_delete, signals.post_delete):
        signal.connect(changed, sender=model, weak=False, dispatch_uid=uid)


def bump_scope(*user_ids: int | None) -> None:
    """These users' cached bindings are stale: the next request reads them again.
    A counter on the user row (loaded with the user on every request) is part of the
    cache key, so a cache shared by several processes, or one of each, is never read
    stale."""
    ids = {pk for pk in user_ids if pk}
    if ids:
        get_user_model()._default_manager.filter(pk__in=ids).update(
            scope_stamp=models.F("scope_stamp") + 1
        )


def _cache_key(user: Any) -> str | None:
    stamp = getattr(user, "scope_stamp", None)
    if stamp is None or user.pk is None:
        return None
    joined = getattr(user, "date_joined", None)
    born = f"{joined.timestamp():.6f}" if joined is not None else ""
    return f"{CACHE_PREFIX}:{user.pk}:{stamp}:{born}"


def _cached_bindings(user: Any) -> list[list[RoleBinding]]:
    """The bindings of the cached providers, one list per provider: from the cache if
    there, else read and kept for SCOPE_CACHE_SECONDS. A cache that fails (Redis
    down) costs the reads, never the request."""
    wanted = [r.provider for r in _providers if r.cached]
    key = _cache_key(user)
    if key is not None:
        try:
            hit = cache.get(key)
        except Exception:  # the cache is an optimisation only
            logger.warning("缓存不可用，角色绑定改为直接读取", exc_info=True)
            hit = None
        if isinstance(hit, list) and len(hit) == len(wanted):
            return hit
    read = [list(provider(user)) for provider in wanted]
    if key is not None:
        try:
            cache.set(key, read, getattr(settings, "SCOPE_CACHE_SECONDS", 300))
        except Exception:  # as above
            logger.warning("缓存不可用，角色绑定未缓存", exc_info=True)
    return read


def get_principal(user: Any) -> Principal:
    """The user's role bindings: computed once per request (cached on the user
    object), and kept across requests in the cache (``register_provider``)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Principal(user_id=None)
    cached = getattr(user, "_principal", None)
    if cached is not None:
        return cached
    principal = Principal(user_id=user.pk, is_superuser=user.is_superuser)
    stored = iter(_cached_bindings(user))
    for registered in _providers:
        if registered.cached:
            principal.bindings.extend(next(stored))
        else:
            principal.bindings.extend(registered.provider(user))
    user._principal = principal
    return principal


def forget_principal(user: Any) -> None:
    """After a role change: drop the bindings computed for this request and those in
    the cache (the row's counter is read back, so this object asks the cache anew)."""
    if hasattr(user, "_principal"):
        del user._principal
    if user is not None and user.pk is not None and hasattr(user, "scope_stamp"):
        bump_scope(user.pk)
        users = get_user_model()._default_manager.filter(pk=user.pk)
        user.scope_stamp = users.values_list("scope_stamp", flat=True).first()


# --- declared scope ----------------------------------------------------------------------

# A role table's key for "any role the user holds" (with ``district``: every district
# the user works in, whatever the role).
ANY_ROLE = "*"

# One way a row may be in scope, decided from the queryset, the viewer's principal and
# the viewer: a condition on the model (Q), a queryset of the model's keys, or None (this
# way admits no row).
Branch = Callable[["ScopedQuerySet", Principal, Any], "models.Q | models.QuerySet | None"]


@dataclass(frozen=True)
class Bound:
    """A lookup on the model matched against what a role binds the user to: the bound
    object itself (``"firm_id"`` for a firm admin: their firms), its organization
    (``parent``: a lawyer's firm) or its district (``district``)."""

    lookup: str
    via: str = "object"  # "object", "parent" or "district"

    def ids(self, p: Principal, role: str) -> set[int]:
        held = [b for b in p.bindings if role == ANY_ROLE or b.role == role]
        if self.via == "parent":
            return {b.parent_id for b in held if b.parent_id is not None}
        if self.via == "district":
            return {b.district_id for b in held if b.district_id is not None}
        return {b.object_id for b in held}


def parent(lookup: str) -> Bound:
    """Match the organization of the bound object (a lawyer binding → the firm)."""
    return Bound(lookup, "parent")


def district(lookup: str) -> Bound:
    """Match the district of the bound object (street staff → their street's district)."""
    return Bound(lookup, "district")


Target = str | Bound
RoleTable = dict[str, Target | tuple[Target, ...]]


def own(lookup: str) -> Branch:
    """The viewer's own rows: ``lookup`` is the signed-in user's id."""

    def branch(qs: ScopedQuerySet, p: Principal, user: Any) -> models.Q | None:
        return models.Q(**{lookup: p.user_id}) if p.user_id else None

    return branch


def always(condition: models.Q) -> Branch:
    """Rows open to everyone, signed in or not (published articles …)."""

    def branch(qs: ScopedQuerySet, p: Principal, user: Any) -> models.Q:
        return condition

    return branch


def follows(path: str, verb: str = "visible_to") -> Branch:
    """A child row is in scope when its parent (the row ``path`` leads to, through one
    relation or several: ``metric_score__score``) is in the parent queryset's ``verb``
    scope: photos follow their visit, files their case."""

    def branch(qs: ScopedQuerySet, p: Principal, user: Any) -> models.Q:
        model: Any = qs.model
        for name in path.split("__"):
            model = model._meta.get_field(name).related_model
        parents = getattr(model._default_manager, verb)(user)
        return models.Q(**{f"{path}__in": parents.values("pk")})

    return branch


def _as_bound(target: Target) -> Bound:
    return target if isinstance(target, Bound) else Bound(target)


def bound(role: str, target: Target) -> Branch:
    """One role of a role table as a branch of its own, to be placed among ``also``
    (where the order of the branches, or their grouping by ``together``, matters)."""
    lookup = _as_bound(target)

    def branch(qs: ScopedQuerySet, p: Principal, user: Any) -> models.Q | None:
        return q_in(lookup.lookup, lookup.ids(p, role))

    return branch


def together(*parts: Branch) -> Branch:
    """Several branches as one condition (their OR): conditions on the model's own
    columns, which PostgreSQL serves by combining their indexes, as one arm of a
    ``union`` scope instead of one arm each."""

    def branch(qs: ScopedQuerySet, p: Principal, user: Any) -> models.Q | None:
        found = (part(qs, p, user) for part in parts)
        return q_or(*(models.Q(pk__in=c) if isinstance(c, models.QuerySet) else c for c in found))

    return branch


@dataclass(frozen=True)
class Scope:
    """Which rows of a model a user may see (change, review …), declared once on its
    queryset: ``roles`` maps a role to the lookup(s) its bindings must match (a string
    matches the bound object's id; ``parent(...)``, ``district(...)`` the organization's
    or the district's), ``also`` adds branches (``own``, ``always``, ``follows``, or a
    rule of the model's own). A row in any branch is in scope; no branch, no rows.
    Superusers see every row unless ``superuser=False`` (a verb only people bound to
    the row may use). ``union`` reads each branch by its own index and unions the keys
    (``filter_union``), for large tables where an OR through other tables would scan."""

    roles: RoleTable = field(default_factory=dict)
    also: tuple[Branch, ...] = ()
    superuser: bool = True
    union: bool = False
    distinct: bool = False

    def ids_by_lookup(self, p: Principal) -> dict[str, set[int]]:
        """The role table read for one principal: per lookup, the ids its bindings
        give (roles sharing a lookup merged), in the table's order."""
        by_lookup: dict[str, set[int]] = {}
        for role, targets in self.roles.items():
            for target in targets if isinstance(targets, tuple) else (targets,):
                found = _as_bound(target)
                by_lookup.setdefault(found.lookup, set()).update(found.ids(p, role))
        return by_lookup

    def branches(self, qs: ScopedQuerySet, p: Principal, user: Any) -> list[Any]:
        return [q_in(lookup, ids) for lookup, ids in self.ids_by_lookup(p).items()] + [
            branch(qs, p, user) for branch in self.also
        ]

    def holds(self, user: Any) -> bool:
        """Whether the user may use this scope at all, read from their bindings without
        a query: a superuser (unless ``superuser=False``), or a role of the table bound
        to something. For page gates ("who opens the firm pages"); the ``also``
        branches are not consulted."""
        p = get_principal(user)
        return (self.superuser and p.is_superuser) or any(self.ids_by_lookup(p).values())

    def apply(self, qs: _Scoped, user: Any) -> _Scoped:
        p = get_principal(user)
        if self.superuser and p.is_superuser:
            return qs.all()
        branches = self.branches(qs, p, user)
        scoped = filter_union(qs, *branches) if self.union else filter_any(qs, *branches)
        return scoped.distinct() if self.distinct else scoped


@dataclass(frozen=True)
class Gate:
    """Who may open a page or use an action at all, before any row is read: a superuser
    (unless ``superuser=False``) or anybody holding one of ``roles``. Declared beside the
    querysets, read by views with ``holds`` (no query: the bindings of the request)."""

    roles: tuple[str, ...]
    superuser: bool = True

    def holds(self, user: Any) -> bool:
        p = get_principal(user)
        return (self.superuser and p.is_superuser) or p.has(*self.roles)


def owner(lookup: str) -> Scope:
    """The user's own rows (``lookup`` is the user's id: their account, their profile),
    nobody else's, superusers included: for pages about "mine"."""
    return Scope(also=(own(lookup),), superuser=False)


NOBODY = Scope()  # superusers only
EVERYONE = Scope(also=(always(models.Q()),))  # signed in or not (public lists)
# Rows nobody changes through a scoped queryset, superusers included: only the app's
# services write them (ledger entries, balances).
THROUGH_SERVICES_ONLY = Scope(superuser=False)


class ScopedQuerySet(models.QuerySet):
    """Base queryset: each subclass declares ``visible`` (who sees which rows) and, where
    changing differs from seeing, ``editable``; further verbs (``reviewable_by`` …) call
    ``scoped`` with a Scope of their own. The default is the safe one: superusers see
    everything, everybody else nothing."""

    visible: ClassVar[Scope] = NOBODY
    editable: ClassVar[Scope | None] = None  # None: as ``visible``

    def scoped(self, scope: Scope, user: Any) -> Self:
        return scope.apply(self, user)

    def visible_to(self, user: Any) -> Self:
        return self.visible.apply(self, user)

    def editable_by(self, user: Any) -> Self:
        if self.editable is None:  # as seen (through visible_to, which may be a method)
            return self.visible_to(user)
        return self.editable.apply(self, user)


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


def filter_union(qs: _QS, *branches: models.Q | models.QuerySet | None) -> _QS:
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


def filter_any(qs: _QS, *conditions: models.Q | models.QuerySet | None) -> _QS:
    """Rows matching any condition (a user may hold several roles); none if no role. A
    queryset among the conditions is one of the model's keys."""
    combined = q_or(
        *(models.Q(pk__in=c) if isinstance(c, models.QuerySet) else c for c in conditions)
    )
    return qs.none() if combined is None else qs.filter(combined)
