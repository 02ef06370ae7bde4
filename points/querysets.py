"""Scope of the points app (the only place it is decided).

- resident: their own account, entries and coupons; published offers they qualify for;
- firm admin / lawyer: their firm's offers and coupons (firm admins edit offers);
- judicial office and community staff: rules and offers of their district (read);
- bureau admin: everything of their district (rules and offer review: edit).

Firm pages: the firms a user works for (firm admin, lawyer) open the firm's offers and
coupon verification; a firm admin's firms are those they publish offers for.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Self, cast

from django.db.models import Q
from django.utils import timezone

from accounts.roles import Role
from core.scope import (
    ANY_ROLE,
    THROUGH_SERVICES_ONLY,
    Gate,
    Principal,
    Scope,
    ScopedQuerySet,
    district,
    filter_any,
    own,
    owner,
    parent,
)
from firms.querysets import firm_people

# The firms a user works for: a firm admin's firms, a lawyer's firm.
FIRM_PEOPLE = firm_people()
# The same firms as rows of firms.LawFirm: whose offers and coupons the user's firm pages
# show. Only the firm's people: a superuser gets none.
STAFFED_FIRMS = Scope({Role.FIRM_ADMIN: "pk", Role.LAWYER: parent("pk")}, superuser=False)
# The firms (firms.LawFirm) the user may publish offers for: a firm admin's.
OFFERING_FIRMS = Scope({Role.FIRM_ADMIN: "pk"}, superuser=False)
# Users (accounts.User) whose points the bureau may adjust: those living in its district
# or holding an account there (the services check the account's district again).
ADJUSTABLE = Scope(
    {
        Role.BUREAU_ADMIN: (
            "resident_profile__community__street__district_id",
            "points_account__district_id",
        )
    }
)


class PolicyQuerySet(ScopedQuerySet):
    """Rules and expiry settings: read by everyone of the district, edited by the bureau."""

    visible = Scope({ANY_ROLE: district("district_id")})
    editable = Scope({Role.BUREAU_ADMIN: "district_id"})


class RuleQuerySet(PolicyQuerySet):
    def active(self) -> RuleQuerySet:
        return self.filter(is_active=True)

    def public(self) -> RuleQuerySet:
        """The rules in force: how residents earn points, shown to everyone."""
        return self.active()


class AccountQuerySet(ScopedQuerySet):
    visible = Scope({Role.BUREAU_ADMIN: "district_id"}, also=(own("user_id"),))
    editable = THROUGH_SERVICES_ONLY  # balances change only through the ledger services
    owned: ClassVar[Scope] = owner("user_id")

    def owned_by(self, user: Any) -> Self:
        """The user's own account (at most one)."""
        return self.scoped(self.owned, user)


class EntryQuerySet(ScopedQuerySet):
    """Ledger entries: append-only, so bulk update and delete are refused."""

    visible = Scope({Role.BUREAU_ADMIN: "account__district_id"}, also=(own("account__user_id"),))
    editable = THROUGH_SERVICES_ONLY
    owned: ClassVar[Scope] = owner("account__user_id")

    def owned_by(self, user: Any) -> Self:
        """The entries of the user's own account."""
        return self.scoped(self.owned, user)

    def update(self, **kwargs: Any) -> int:
        raise ValueError("ledger entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("ledger entries are append-only")


def _qualifying(qs: ScopedQuerySet, p: Principal, user: Any) -> Q | None:
    return cast("OfferQuerySet", qs).qualifying_q(user)


class OfferQuerySet(ScopedQuerySet):
    visible = Scope(
        {
            Role.BUREAU_ADMIN: "firm__district_id",
            Role.STREET_STAFF: district("firm__district_id"),
            Role.COMMUNITY_STAFF: district("firm__district_id"),
            **FIRM_PEOPLE,
        },
        also=(_qualifying,),
    )
    editable = Scope({Role.FIRM_ADMIN: "firm_id"})
    reviewable: ClassVar[Scope] = Scope({Role.BUREAU_ADMIN: "firm__district_id"})
    # The offers of the firms the user works for (their firm's offers page).
    offered: ClassVar[Scope] = Scope(FIRM_PEOPLE, superuser=False)

    def reviewable_by(self, user: Any) -> Self:
        return self.scoped(self.reviewable, user)

    def offered_by(self, user: Any) -> Self:
        return self.scoped(self.offered, user)

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
    visible = Scope(
        {**FIRM_PEOPLE, Role.BUREAU_ADMIN: "firm__district_id"}, also=(own("account__user_id"),)
    )
    # Coupons the user may verify: those of the firms they work for.
    verifiable: ClassVar[Scope] = Scope(FIRM_PEOPLE, superuser=False)

    def owned_by(self, user: Any) -> CouponQuerySet:
        return self.filter(account__user_id=user.pk) if user.is_authenticated else self.none()

    def verifiable_by(self, user: Any) -> Self:
        return self.scoped(self.verifiable, user)


# Who offers coupons (core.scope.Gate): firm admins, superusers only through a firm.
OFFER_MAKERS = Gate((Role.FIRM_ADMIN,), superuser=False)
