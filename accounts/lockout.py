"""Sign-in lockout (GB/T 22239-2019 8.1.4.1 b): LOGIN_LOCKOUT_FAILURES failed sign-ins
within LOGIN_LOCKOUT_WINDOW_SECONDS lock the phone (per account) and, counted apart,
LOGIN_LOCKOUT_IP_FAILURES lock the client address, for LOGIN_LOCKOUT_SECONDS. The
address's threshold is ten times the account's: a community office or a law firm signs
in many people from one address, and one person's mistyped password must not lock them
all out. When WARN_TRIES_LEFT tries or fewer are left before the account locks (from
the third failure on, with the default five), the person is told how many.

A successful sign-in clears its phone's count only: an address that tried many
accounts stays counted. accounts.services writes the login-log entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import LoginLock

Scope = LoginLock.Scope
# The sign-in page warns of the coming lock when this many tries or fewer are left.
WARN_TRIES_LEFT = 2


@dataclass(frozen=True)
class Lock:
    scope: str
    until: datetime

    @property
    def message(self) -> str:
        when = timezone.localtime(self.until).strftime("%H:%M")
        if self.scope == Scope.PHONE:
            return f"登录失败次数过多，账号已锁定，请于 {when} 后再试"
        return f"该网络地址登录失败次数过多，已暂停登录，请于 {when} 后再试"

    def seconds_left(self, now: datetime | None = None) -> int:
        return max(1, int((self.until - (now or timezone.now())).total_seconds()))


def _keys(phone: str, ip: str | None) -> list[tuple[str, str, int]]:
    keys: list[tuple[str, str, int]] = []
    if phone:
        keys.append((Scope.PHONE, phone, settings.LOGIN_LOCKOUT_FAILURES))
    if ip:
        keys.append((Scope.IP, ip, settings.LOGIN_LOCKOUT_IP_FAILURES))
    return keys


def current_lock(*, phone: str, ip: str | None, now: datetime | None = None) -> Lock | None:
    """The lock that stops this sign-in now (the account's first), if any."""
    now = now or timezone.now()
    condition = Q()
    for scope, key, _limit in _keys(phone, ip):
        condition |= Q(scope=scope, key=key)
    if not condition:
        return None
    rows = LoginLock.objects.filter(condition, locked_until__gt=now)
    locks = sorted((Lock(r.scope, r.locked_until) for r in rows if r.locked_until), key=_order)
    return locks[0] if locks else None


def _order(lock: Lock) -> int:
    return 0 if lock.scope == Scope.PHONE else 1


@dataclass(frozen=True)
class Failure:
    """One failed sign-in counted: the locks it set (account first), and how many more
    failures the account may have before it locks (None: no warning yet)."""

    locks: list[Lock]
    tries_left: int | None = None

    def warning(self) -> str:
        if self.locks or self.tries_left is None:
            return ""
        minutes = settings.LOGIN_LOCKOUT_SECONDS // 60
        return f"再错 {self.tries_left} 次，账号将锁定 {minutes} 分钟"


def register_failure(*, phone: str, ip: str | None, now: datetime | None = None) -> Failure:
    """Count one failed sign-in: the locks it set, and the account's tries left."""
    now = now or timezone.now()
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW_SECONDS)
    locks = []
    tries_left: int | None = None
    for scope, key, limit in _keys(phone, ip):
        with transaction.atomic():
            row, _ = LoginLock.objects.select_for_update().get_or_create(
                scope=scope, key=key[:64], defaults={"window_start": now}
            )
            if row.locked_until and row.locked_until > now:
                continue  # already locked: refused before counting
            if row.locked_until or row.window_start <= now - window:
                row.failures, row.window_start, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= limit:
                row.failures = 0
                row.locked_until = now + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
                locks.append(Lock(scope, row.locked_until))
            elif scope == Scope.PHONE and limit - row.failures <= WARN_TRIES_LEFT:
                tries_left = limit - row.failures
            row.save()
    return Failure(sorted(locks, key=_order), tries_left)


def register_success(*, phone: str) -> None:
    LoginLock.objects.filter(scope=Scope.PHONE, key=phone).delete()
