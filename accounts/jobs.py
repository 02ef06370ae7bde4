"""Disable privileged accounts left unused (GB/T 22239-2019 8.1.4.2: no idle accounts)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from accounts import policy
from accounts.models import User
from accounts.services import disable_idle_account
from core.jobs import job

UNUSABLE = "!"  # django.contrib.auth.hashers.UNUSABLE_PASSWORD_PREFIX


@job(
    "accounts.disable_idle_staff",
    every_seconds=3600,
    description="停用超过 90 天未使用的工作人员、律师及管理员账号",
)
def disable_idle_staff(now: datetime | None = None) -> int:
    """Disable active privileged accounts not signed in to (nor created or enabled
    again) for ACCOUNT_IDLE_DAYS. Residents are left alone. Only accounts that can
    sign in with a password or enter the back office are looked at: residents sign in
    by SMS and have none, so the job stays cheap however many residents are idle."""
    now = now or timezone.now()
    cutoff = policy.idle_cutoff(now)
    candidates = (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(reactivated_at__gte=cutoff)
        # Residents signed up by SMS have an unusable password ("!..."): skip them.
        .filter(Q(is_staff=True) | Q(is_superuser=True) | ~Q(password__startswith=UNUSABLE))
        .order_by("pk")
    )
    disabled = 0
    for user in list(candidates):
        if policy.is_idle(user, now) and policy.is_privileged(user):
            disabled += disable_idle_account(user, now=now)
    return disabled
