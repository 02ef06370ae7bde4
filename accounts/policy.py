"""Who the security rules apply to (GB/T 22239-2019 8.1.4.1): privileged accounts get
the stronger password rules, an expiring password and the idle-account job; staff,
mediator and admin accounts must pass a second factor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.roles import TWO_FACTOR_ROLES, Role
from core.scope import RoleBinding, get_principal


def is_privileged(user: Any) -> bool:
    """Any role but resident, or a back-office account. A user not saved yet counts as
    privileged: accounts created by hand (admin) are staff accounts."""
    if user is None or getattr(user, "pk", None) is None:
        return True
    if user.is_superuser or user.is_staff:
        return True
    return any(role != Role.RESIDENT for role in get_principal(user).roles)


def requires_two_factor(user: Any) -> bool:
    if not settings.TWO_FACTOR_REQUIRED:
        return False
    if user.is_superuser or user.is_staff or user.is_security_auditor:
        return True
    return get_principal(user).has(*TWO_FACTOR_ROLES)


def password_expired(user: Any, now: datetime | None = None) -> bool:
    """A privileged user's password older than PASSWORD_MAX_AGE_DAYS."""
    if not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    age = (now or timezone.now()) - changed
    if age <= timedelta(days=settings.PASSWORD_MAX_AGE_DAYS):
        return False
    return is_privileged(user)


def idle_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.ACCOUNT_IDLE_DAYS)


def is_idle(user: Any, now: datetime | None = None) -> bool:
    """Not signed in to (nor created or enabled again) for ACCOUNT_IDLE_DAYS."""
    return bool(user.last_used_at < idle_cutoff(now))


def auditor_bindings(user: Any) -> Iterator[RoleBinding]:
    """Scope provider: a security auditor's one binding (to their own account)."""
    if getattr(user, "is_security_auditor", False):
        yield RoleBinding(Role.SECURITY_AUDITOR, user.pk, str(Role.SECURITY_AUDITOR.label))
