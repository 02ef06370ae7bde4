"""Scope of the points app (the only place it is decided).

- resident: their own account, entries and coupons; published offers they qualify for;
- firm admin / lawyer: their firm's offers and coupons (firm admins edit offers);
- judicial office and community staff: rules and offers of their district (read);
- bureau admin: everything of their district (rules and offer review: edit).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from accounts.roles import Role
from core.scope import Principal, ScopedQuerySet, filter_any, get_principal, q_in


def _firms(p: Principal) -> set[int]:
    return p.ids(Role.FIRM_ADMIN) | p.parent_ids(Role.LAWYER)


def _staff_districts(p: Principal) -> set[int]:
    return {
        b.district_id
        for b in p.bindings
        if b.role in (Role.STREET_STAFF, Role.COMMUNITY_STAFF) and b.district_id is not None
    }


def _own(lookup: str, p: Principal) -> Q | None:
    return Q(**{lookup: p.user_id}) if p.user_id else None


class PolicyQuerySet(ScopedQuerySet):
    """Rules and expiry settings: read by everyone of the district, edited by the bureau."""

    def visible_to(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", p.district_ids))

    def editable_by(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("district_id", p.ids(Role.BUREAU_ADMIN)))


class RuleQuerySet(PolicyQuerySet):
    def active(self) -> RuleQuerySet:
        return self.filter(is_active=True)


class AccountQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, _own("user_id", p), q_in("district_id", p.ids(Role.BUREAU_ADMIN)))

    def editable_by(self, user: Any) -> ScopedQuerySet:
        return self.none()  # balances change only through the ledger services


class EntryQuerySet(ScopedQuerySet):
    """Ledger entries: append-only, so bulk update and delete are refused."""

    def visible_to(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            _own("account__user_id", p),
            q_in("account__district_id", p.ids(Role.BUREAU_ADMIN)),
        )

    def editable_by(self, user: Any) -> ScopedQuerySet:
        return self.none()

    def update(self, **kwargs: Any) -> int:
        raise ValueError("ledger entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("ledger entries are append-only")


class OfferQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            q_in("firm__district_id", p.ids(Role.BUREAU_ADMIN) | _staff_districts(p)),
            q_in("firm_id", _firms(p)),
            self.qualifying_q(user),
        )

    def editable_by(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("firm_id", p.ids(Role.FIRM_ADMIN)))

    def reviewable_by(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(self, q_in("firm__district_id", p.ids(Role.BUREAU_ADMIN)))

    def current(self, on: date | None = None) -> OfferQuerySet:
        """Published and within their validity on the day (today by default)."""
        on = on or timezone.localdate()
        return self.filter(status="published", valid_from__lte=on, valid_until__gte=on)

    def qualifying_q(self, user: Any) -> Q | None:
        """Published offers open to the user as a resident: district-wide offers of
        firms in their district, or paired-community offers of their community's
        currently paired firm."""
        from pairing.models import Pairing
        from regions.models import ResidentProfile

        if not getattr(user, "is_authenticated", False):
            return None
        profile = (
            ResidentProfile.objects.filter(user=user, community__isnull=False)
            .values("community_id", "community__street__district_id")
            .first()
        )
        if profile is None:
            return None
        paired_firms = Pairing.objects.active().filter(community_id=profile["community_id"])
        return Q(status="published") & (
            Q(scope="district", firm__district_id=profile["community__street__district_id"])
            | Q(scope="paired", firm_id__in=paired_firms.values("firm_id"))
        )

    def available_to(self, user: Any, on: date | None = None) -> OfferQuerySet:
        """The offers a resident may redeem points for today."""
        return filter_any(self.current(on), self.qualifying_q(user))  # type: ignore[return-value]


class CouponQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> ScopedQuerySet:
        p = get_principal(user)
        if p.is_superuser:
            return self.all()
        return filter_any(
            self,
            _own("account__user_id", p),
            q_in("firm_id", _firms(p)),
            q_in("firm__district_id", p.ids(Role.BUREAU_ADMIN)),
        )

    def owned_by(self, user: Any) -> CouponQuerySet:
        return self.filter(account__user_id=user.pk) if user.is_authenticated else self.none()

    def verifiable_by(self, user: Any) -> ScopedQuerySet:
        """Coupons the user may verify: those of the firms they work for."""
        p = get_principal(user)
        return filter_any(self, q_in("firm_id", _firms(p)))
