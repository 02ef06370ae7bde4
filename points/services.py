"""Every change to points: earning, redeeming, refunds, expiry, adjustments, offers and
coupons. Typed functions in transactions; views, API, admin, jobs and commands call them.

Ledger writes go through ``_write_once``: inside one transaction it locks the account
row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` serialises
writers), checks the idempotency key again under the lock, and ``_append`` refuses a
negative balance, inserts the entry and updates the cached balance. A retried write
with the same key returns the original entry and changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core import audit
from core.scope import get_principal
from core.services import delete_rows, save_instance
from points.choices import Action, CouponStatus, EntryKind, OfferStatus
from points.models import (
    DEFAULT_EXPIRY_YEARS,
    Coupon,
    EarningRule,
    LedgerEntry,
    LedgerMonth,
    Offer,
    PointsAccount,
    PointsPolicy,
)
from regions.models import ResidentProfile


class PointsError(ValidationError):
    """A refused points operation; the message is Chinese and nothing was changed."""


# ---------------------------------------------------------------------------
# Accounts and the ledger core


def resident_district_id(user: Any) -> int | None:
    """The district of the user's home community (their resident profile), if any."""
    return (
        ResidentProfile.objects.filter(user_id=user.pk, community__isnull=False)
        .values_list("community__street__district_id", flat=True)
        .first()
    )


def get_account(user: Any) -> PointsAccount | None:
    """The user's account, opened on first use in their home district (None without one)."""
    account = PointsAccount.objects.filter(user_id=user.pk).first()
    if account is not None:
        return account
    district_id = resident_district_id(user)
    if district_id is None:
        return None
    account, _created = PointsAccount.objects.get_or_create(
        user_id=user.pk, defaults={"district_id": district_id}
    )
    return account


def _existing(key: str) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(idempotency_key=key).first()


def _lock(account_id: int) -> PointsAccount:
    return PointsAccount.objects.select_for_update().get(pk=account_id)


def _append(
    account: PointsAccount, *, kind: str, amount: int, key: str, **fields: Any
) -> LedgerEntry:
    """Write one entry on a locked account and move its balance; must run inside a
    transaction holding the account's row lock (see ``_lock``)."""
    new_balance = account.balance + amount
    if new_balance < 0:
        raise PointsError(
            _("积分不足：当前余额 %(balance)s 分，需要 %(need)s 分")
            % {"balance": account.balance, "need": -amount}
        )
    entry = LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=new_balance,
        idempotency_key=key,
        **fields,
    )
    account.balance = new_balance
    account.save(update_fields=["balance"])
    _count(entry, account)
    return entry


_COUNT = """
INSERT INTO {t} (district_id, street_id, firm_id, month, kind, amount, entries)
VALUES (%s, %s, %s, %s, %s, %s, 1)
ON CONFLICT (district_id, month, kind, street_id, firm_id)
DO UPDATE SET amount = {t}.amount + EXCLUDED.amount, entries = {t}.entries + 1
"""


def _count(entry: LedgerEntry, account: PointsAccount) -> None:
    """Add the entry to its LedgerMonth row, in one statement (PostgreSQL, SQLite
    3.24+): writers of other accounts may add to the same row at the same time."""
    street = (
        ResidentProfile.objects.filter(user_id=account.user_id)
        .values_list("community__street_id", flat=True)
        .first()
    )
    firm = entry.coupon.firm_id if entry.coupon is not None else 0  # the coupon passed in
    month = timezone.localdate(entry.occurred_at).replace(day=1)
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNT.format(t=connection.ops.quote_name(LedgerMonth._meta.db_table)),
            [
                account.district_id,
                street or 0,
                firm,
                connection.ops.adapt_datefield_value(month),
                entry.kind,
                entry.amount,
            ],
        )


def rebuild_ledger_months(*, district_id: int | None = None) -> int:
    """Rebuild the LedgerMonth rows (of one district) from the ledger: one grouped
    query (the streets are the residents' streets now). For loaded data and as a
    check; returns the rows written."""
    old = LedgerMonth.objects.all()
    entries = LedgerEntry.objects.all()
    if district_id is not None:
        old = old.filter(district_id=district_id)
        entries = entries.filter(account__district_id=district_id)
    with transaction.atomic():
        delete_rows(old)
        groups = (
            entries.annotate(
                m=TruncMonth("occurred_at"),
                street=Coalesce("account__user__resident_profile__community__street_id", 0),
                firm=Coalesce("coupon__firm_id", 0),
            )
            .values("account__district_id", "street", "firm", "m", "kind")
            .annotate(total=Sum("amount"), n=Count("pk"))
            .order_by()
        )
        rows = LedgerMonth.objects.bulk_create(
            (
                LedgerMonth(
                    district_id=g["account__district_id"],
                    street_id=g["street"],
                    firm_id=g["firm"],
                    month=g["m"].date() if isinstance(g["m"], datetime) else g["m"],
                    kind=g["kind"],
                    amount=g["total"],
                    entries=g["n"],
                )
                for g in groups.iterator(chunk_size=5000)
            ),
            batch_size=5000,
        )
    return len(rows)


def _write_once(
    account_id: int, key: str, build: Callable[[PointsAccount], dict[str, Any] | None]
) -> LedgerEntry | None:
    """Lock the account, and unless ``key`` is already written, append the entry that
    ``build(locked_account)`` describes (kind, amount, fields; None writes nothing)."""
    found = _existing(key)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            locked = _lock(account_id)
            found = _existing(key)  # written by a writer we waited for
            if found is not None:
                return found
            spec = build(locked)
            return None if spec is None else _append(locked, key=key, **spec)
    except IntegrityError:
        # The same key was inserted concurrently on another account: the first one won.
        found = _existing(key)
        if found is None:
            raise
        return found


def post_entry(
    *, account: PointsAccount, kind: str, amount: int, key: str, **fields: Any
) -> LedgerEntry:
    """Append one entry under the account's row lock, once per ``key``.

    Retrying with a key already written returns the entry written first, whatever
    the other arguments; a key used for another account is refused.
    """
    entry = _write_once(account.pk, key, lambda _a: {"kind": kind, "amount": amount, **fields})
    assert entry is not None  # noqa: S101  (build never returns None here)
    if entry.account_id != account.pk:
        raise PointsError(_("幂等键已被其他账户使用"))
    return entry


# ---------------------------------------------------------------------------
# Earning


def source_key(action: str, source: models.Model) -> str:
    return f"earn:{action}:{source._meta.label_lower}:{source.pk}"


def earned_points(*, user: Any, action: str, source: models.Model) -> int:
    """The points ``user`` earned for ``action`` caused by ``source`` (0 if none): what a
    page says after the act ("获得 5 积分")."""
    entries = LedgerEntry.objects.filter(
        idempotency_key=source_key(action, source), account__user_id=user.pk
    )
    return entries.values_list("amount", flat=True).first() or 0


def _period_starts(now: datetime) -> tuple[datetime, datetime, datetime]:
    """Start of the local day, month and year containing ``now`` (Asia/Shanghai)."""
    today = timezone.localtime(now).date()
    tz = timezone.get_current_timezone()

    def start(d: Any) -> datetime:
        return timezone.make_aware(datetime.combine(d, time.min), tz)

    return start(today), start(today.replace(day=1)), start(today.replace(month=1, day=1))


def _capped_amount(account: PointsAccount, rule: EarningRule, now: datetime) -> int:
    """The points this earning may still grant under the rule's caps (0 if none)."""
    caps = [rule.daily_cap, rule.monthly_cap, rule.yearly_cap]
    if all(c is None for c in caps):
        return rule.points
    day, month, year = _period_starts(now)
    earned = LedgerEntry.objects.filter(
        account=account, kind=EntryKind.EARN, action=rule.action, occurred_at__lte=now
    ).aggregate(
        day=Sum("amount", filter=models.Q(occurred_at__gte=day), default=0),
        month=Sum("amount", filter=models.Q(occurred_at__gte=month), default=0),
        year=Sum("amount", filter=models.Q(occurred_at__gte=year), default=0),
    )
    room = rule.points
    for cap, used in zip(caps, (earned["day"], earned["month"], earned["year"]), strict=True):
        if cap is not None:
            room = min(room, cap - used)
    return max(room, 0)


@transaction.atomic
def earn(
    *, user: Any, action: str, source: models.Model, now: datetime | None = None
) -> LedgerEntry | None:
    """Grant ``user`` the points of their district's rule for ``action``, caused by
    ``source`` (pass the per-person record: the check-in, the attendance, the rating).

    Granted once per (action, source): a second call returns the first entry. Caps
    (per day, month and year, in points, local time) are respected: an earning that
    would cross a cap grants only what is left of it. Returns None when the user has
    no home district, the district has no active rule for the action, a cap is
    reached, or the source already earned points for another user.
    """
    if action not in Action.values:
        raise ValueError(f"unknown points action {action!r}")
    if source.pk is None:
        raise ValueError("the source record must be saved first")
    now = now or timezone.now()
    key = source_key(action, source)
    found = _existing(key)
    if found is not None:  # a retry: the first grant stands
        return found if found.account.user_id == user.pk else None
    district_id = resident_district_id(user)
    rule = (
        EarningRule.objects.filter(district_id=district_id, action=action, is_active=True).first()
        if district_id is not None
        else None
    )
    account = get_account(user) if rule is not None else None
    if rule is None or account is None:
        return None

    def build(locked: PointsAccount) -> dict[str, Any] | None:
        amount = _capped_amount(locked, rule, now)
        if amount <= 0:
            return None
        return {
            "kind": EntryKind.EARN,
            "amount": amount,
            "action": action,
            "source": source,
            "occurred_at": now,
        }

    entry = _write_once(account.pk, key, build)
    return entry if entry is not None and entry.account_id == account.pk else None


# ---------------------------------------------------------------------------
# Adjustments (bureau)


def _is_bureau_of(actor: Any, district_id: int) -> bool:
    p = get_principal(actor)
    return p.is_superuser or district_id in p.ids(Role.BUREAU_ADMIN)


@transaction.atomic
def adjust(
    *, actor: Any, user: Any, amount: int, reason: str, key: str | None = None
) -> LedgerEntry:
    """A manual correction by the bureau of the user's district, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise PointsError(_("请填写调整原因"))
    if not amount:
        raise PointsError(_("调整积分不能为 0"))
    account = get_account(user)
    if account is None:
        raise PointsError(_("该用户没有所在社区，无法开设积分账户"))
    if not _is_bureau_of(actor, account.district_id):
        raise PermissionDenied
    return post_entry(
        account=account,
        kind=EntryKind.ADJUST,
        amount=amount,
        key=f"adjust:{account.pk}:{key or secrets.token_hex(12)}",
        reason=reason[:200],
        actor=actor,
    )


# ---------------------------------------------------------------------------
# Coupons

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 10  # 31**10 ≈ 8 × 10**14 codes, and only the issuing firm can verify one


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalize_code(raw: str) -> str:
    """What a firm types or scans: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def redeem(
    *, user: Any, offer: Offer, key: str | None = None, now: datetime | None = None
) -> Coupon:
    """Spend the offer's points for a single-use coupon.

    ``key`` (the client's Idempotency-Key) makes a retried request return the coupon
    of the first one. Refused (PointsError, nothing changed) when the offer is not
    open to the user today or the balance is short.
    """
    now = now or timezone.now()
    account = get_account(user)
    if account is None:
        raise PointsError(_("请先在个人资料中选择所在社区"))
    entry_key = f"redeem:{account.pk}:{key or secrets.token_hex(12)}"
    found = _existing(entry_key)
    if found is not None and found.coupon_id is not None:
        return found.coupon  # type: ignore[return-value]
    today = timezone.localtime(now).date()
    if not Offer.objects.available_to(user, on=today).filter(pk=offer.pk).exists():
        raise PointsError(_("该优惠当前不可兑换"))

    def build(locked: PointsAccount) -> dict[str, Any]:
        if locked.balance < offer.points_cost:
            raise PointsError(
                _("积分不足：兑换需要 %(need)s 分，当前余额 %(balance)s 分")
                % {"need": offer.points_cost, "balance": locked.balance}
            )
        coupon = Coupon.objects.create(
            offer=offer,
            firm_id=offer.firm_id,
            account=locked,
            code=new_code(),
            points=offer.points_cost,
            issued_at=now,
            expires_at=min(
                now + timedelta(days=offer.coupon_valid_days), _end_of_day(offer.valid_until)
            ),
        )
        return {
            "kind": EntryKind.REDEEM,
            "amount": -offer.points_cost,
            "coupon": coupon,
            "reason": str(offer)[:200],
            "occurred_at": now,
        }

    entry = _write_once(account.pk, entry_key, build)
    assert entry is not None and entry.coupon is not None  # noqa: S101
    return entry.coupon


def _refusal(coupon: Coupon, now: datetime) -> PointsError:
    if coupon.status == CouponStatus.USED:
        return PointsError(_("该优惠券已于 %(t)s 使用") % {"t": _local(coupon.used_at)})
    if coupon.status == CouponStatus.CANCELLED:
        return PointsError(_("该优惠券已取消"))
    if coupon.status == CouponStatus.EXPIRED or coupon.expires_at <= now:
        return PointsError(_("该优惠券已过期"))
    return PointsError(_("该优惠券当前不可用"))


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@transaction.atomic
def verify_coupon(*, actor: Any, code: str, now: datetime | None = None) -> Coupon:
    """A firm accepts a coupon when the service is paid for: exactly one verifier wins.

    The status change is one conditional UPDATE (issued, not expired, this firm), so
    of two firms or two clerks verifying at once only one changes the row.
    """
    now = now or timezone.now()
    coupon = _verifiable(actor, code)
    won = Coupon.objects.filter(
        pk=coupon.pk,
        firm_id=coupon.firm_id,
        status=CouponStatus.ISSUED,
        expires_at__gt=now,
    ).update(status=CouponStatus.USED, used_at=now, used_by=actor)
    coupon.refresh_from_db()
    if not won:
        raise _refusal(coupon, now)
    return coupon


def _verifiable(actor: Any, code: str) -> Coupon:
    code = normalize_code(code)
    coupon = Coupon.objects.verifiable_by(actor).filter(code=code).first() if code else None
    if coupon is None:
        raise PointsError(_("券码不存在或不是本所的优惠券"))
    return coupon


def check_coupon(*, actor: Any, code: str, now: datetime | None = None) -> Coupon:
    """The coupon a firm is about to verify, shown for a confirmation first: refused as
    verify_coupon would refuse it (unknown, another firm's, used, cancelled, expired);
    nothing is written."""
    now = now or timezone.now()
    coupon = _verifiable(actor, code)
    if coupon.status != CouponStatus.ISSUED or coupon.expires_at <= now:
        raise _refusal(coupon, now)
    return coupon


@transaction.atomic
def cancel_coupon(*, user: Any, coupon: Coupon, now: datetime | None = None) -> LedgerEntry:
    """The owner gives back an unused, unexpired coupon; the points are refunded once."""
    now = now or timezone.now()
    if not Coupon.objects.owned_by(user).filter(pk=coupon.pk).exists():
        raise PermissionDenied
    key = f"refund:coupon:{coupon.pk}"
    found = _existing(key)
    if found is not None:
        return found
    won = Coupon.objects.filter(
        pk=coupon.pk, status=CouponStatus.ISSUED, expires_at__gt=now
    ).update(status=CouponStatus.CANCELLED, cancelled_at=now)
    coupon.refresh_from_db()
    if not won:
        raise _refusal(coupon, now)
    return post_entry(
        account=coupon.account,
        kind=EntryKind.REFUND,
        amount=coupon.points,
        key=key,
        coupon=coupon,
        reason=_("取消优惠券 %(code)s") % {"code": coupon.code},
        occurred_at=now,
    )


def expire_coupons(*, now: datetime | None = None) -> int:
    """Mark unused coupons past their date as expired (points are not refunded)."""
    now = now or timezone.now()
    return Coupon.objects.filter(status=CouponStatus.ISSUED, expires_at__lte=now).update(
        status=CouponStatus.EXPIRED
    )


# ---------------------------------------------------------------------------
# Expiry of points


def expiry_cutoff(policy_years: int | None, today: date) -> datetime | None:
    """Points earned before this instant have expired (None: they never do).

    With N years, points earned in year Y expire at the end of year Y + N: on any day
    of year T the cutoff is 1 January of year T − N (local time).
    """
    if policy_years is None:
        return None
    return timezone.make_aware(datetime(today.year - policy_years, 1, 1))


def _expiring(accounts: models.QuerySet, cutoff: datetime) -> models.QuerySet:
    """Annotate ``expiring``: what remains unspent of the credits before ``cutoff``.

    FIFO accounting: spending consumes the oldest credits first, so the credits
    earned before the cutoff (earnings and positive adjustments) are consumed by all
    debits (redemptions, earlier expiries, negative adjustments) before any later
    credit is. A refund undoes the redemption it refunds (it is netted against the
    debits rather than counted as a new credit), so cancelling a coupon gives back
    points of the same age. What remains of the old credits is
        old credits − (debits − refunds), floored at 0,
    which never exceeds the balance (balance = old + newer credits + refunds − debits).
    """
    old_credit = models.Q(entries__occurred_at__lt=cutoff) & (
        models.Q(entries__kind=EntryKind.EARN)
        | models.Q(entries__kind=EntryKind.ADJUST, entries__amount__gt=0)
    )
    return accounts.annotate(
        expiring=Sum("entries__amount", filter=old_credit, default=0)
        + Sum("entries__amount", filter=models.Q(entries__amount__lt=0), default=0)
        + Sum("entries__amount", filter=models.Q(entries__kind=EntryKind.REFUND), default=0)
    )


def expire_points(*, now: datetime | None = None) -> int:
    """Write an expiry entry for every account holding points past its district's
    cutoff. Idempotent (one key per account and cutoff; a second run finds nothing
    left to expire) and one aggregate query per district when there is nothing to do.
    Returns the number of entries written."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    written = 0
    policies = dict(PointsPolicy.objects.values_list("district_id", "expiry_years"))
    districts = PointsAccount.objects.order_by().values_list("district_id", flat=True).distinct()
    for district_id in districts:
        cutoff = expiry_cutoff(policies.get(district_id, DEFAULT_EXPIRY_YEARS), today)
        if cutoff is None:
            continue
        candidates = _expiring(PointsAccount.objects.filter(district_id=district_id), cutoff)
        for account_id in candidates.filter(expiring__gt=0).values_list("pk", flat=True):
            if _expire_account(account_id, cutoff, now) is not None:
                written += 1
    return written


def _expire_account(account_id: int, cutoff: datetime, now: datetime) -> LedgerEntry | None:
    key = f"expire:{account_id}:{timezone.localtime(cutoff).date().isoformat()}"
    label = _("%(year)s年及以前获得的积分到期") % {"year": timezone.localtime(cutoff).year - 1}

    def build(locked: PointsAccount) -> dict[str, Any] | None:
        amount = _expiring(PointsAccount.objects.filter(pk=locked.pk), cutoff)[0].expiring
        amount = min(amount, locked.balance)
        if amount <= 0:
            return None
        return {"kind": EntryKind.EXPIRE, "amount": -amount, "reason": label, "occurred_at": now}

    with transaction.atomic():
        return _write_once(account_id, key, build)


# ---------------------------------------------------------------------------
# Rules, settings and offers


@transaction.atomic
def save_rule(*, actor: Any, rule: EarningRule) -> EarningRule:
    if not _is_bureau_of(actor, rule.district_id):
        raise PermissionDenied
    return save_instance(actor=actor, instance=rule)


@transaction.atomic
def save_policy(*, actor: Any, policy: PointsPolicy) -> PointsPolicy:
    if not _is_bureau_of(actor, policy.district_id):
        raise PermissionDenied
    return save_instance(actor=actor, instance=policy)


def policy_for(district_id: int) -> PointsPolicy:
    """The district's settings row (unsaved defaults when it has none)."""
    return PointsPolicy.objects.filter(district_id=district_id).first() or PointsPolicy(
        district_id=district_id
    )


EDITABLE_OFFER = (OfferStatus.DRAFT, OfferStatus.REJECTED, OfferStatus.WITHDRAWN)


@transaction.atomic
def save_offer(*, actor: Any, offer: Offer) -> Offer:
    """A firm admin creates or edits an offer; published or pending offers are
    withdrawn before they are changed."""
    if offer.firm_id not in get_principal(actor).ids(Role.FIRM_ADMIN):
        raise PermissionDenied
    if offer.pk is not None:
        current = Offer.objects.filter(pk=offer.pk).values_list("status", flat=True).first()
        if current not in EDITABLE_OFFER:
            raise PointsError(_("已提交或已发布的优惠不能修改，请先撤回或下架"))
    return save_instance(actor=actor, instance=offer)


def _move(offer: Offer, *, source: tuple[str, ...], **changes: Any) -> Offer:
    """A status change as a conditional update, so two clicks change it once."""
    moved = Offer.objects.filter(pk=offer.pk, status__in=source).update(
        updated_at=timezone.now(), **changes
    )
    if not moved:
        offer.refresh_from_db()
        raise PointsError(
            _("该优惠当前状态为“%(s)s”，不能执行此操作") % {"s": offer.get_status_display()}
        )
    offer.refresh_from_db()
    audit.record(
        "update",
        model=Offer._meta.label_lower,
        object_id=offer.pk,
        object_repr=str(offer),
        changes={k: str(getattr(v, "pk", v)) for k, v in changes.items()},
        district_id=offer.firm.district_id,
    )
    return offer


@transaction.atomic
def submit_offer(*, actor: Any, offer: Offer) -> Offer:
    """Send an offer to the bureau for review (published at once where the district
    does not review offers)."""
    if not Offer.objects.editable_by(actor).filter(pk=offer.pk).exists():
        raise PermissionDenied
    if offer.valid_until < timezone.localdate():
        raise PointsError(_("优惠已过截止日期，请修改日期后再提交"))
    needs_review = policy_for(offer.firm.district_id).offers_need_review
    status = OfferStatus.PENDING if needs_review else OfferStatus.PUBLISHED
    return _move(offer, source=EDITABLE_OFFER, status=status)


@transaction.atomic
def review_offer(*, actor: Any, offer: Offer, approve: bool, note: str = "") -> Offer:
    if not Offer.objects.reviewable_by(actor).filter(pk=offer.pk).exists():
        raise PermissionDenied
    note = (note or "").strip()
    if not approve and not note:
        raise PointsError(_("退回时请填写审核意见"))
    return _move(
        offer,
        source=(OfferStatus.PENDING,),
        status=OfferStatus.PUBLISHED if approve else OfferStatus.REJECTED,
        review_note=note[:200],
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )


@transaction.atomic
def withdraw_offer(*, actor: Any, offer: Offer) -> Offer:
    """The firm or the bureau takes an offer down; coupons already issued stay valid."""
    allowed = (
        Offer.objects.editable_by(actor).filter(pk=offer.pk).exists()
        or Offer.objects.reviewable_by(actor).filter(pk=offer.pk).exists()
    )
    if not allowed:
        raise PermissionDenied
    return _move(
        offer, source=(OfferStatus.PENDING, OfferStatus.PUBLISHED), status=OfferStatus.WITHDRAWN
    )


# ---------------------------------------------------------------------------
# Ledger check


@dataclass(frozen=True)
class Mismatch:
    account_id: int
    user: str
    balance: int
    total: int
    last_balance_after: int | None


def ledger_mismatches() -> tuple[int, list[Mismatch]]:
    """(accounts checked, accounts whose balance differs from the sum of their entries,
    is negative, or differs from the running balance of their last entry)."""
    last = LedgerEntry.objects.filter(account=models.OuterRef("pk")).order_by("-id")
    accounts = PointsAccount.objects.select_related("user").annotate(
        total=Sum("entries__amount", default=0),
        last_after=models.Subquery(last.values("balance_after")[:1]),
    )
    checked, problems = 0, []
    for a in accounts.order_by("pk").iterator(chunk_size=2000):
        checked += 1
        last_after = a.last_after if a.last_after is not None else 0
        if a.balance != a.total or a.balance < 0 or last_after != a.total:
            problems.append(Mismatch(a.pk, str(a.user), a.balance, a.total, a.last_after))
    return checked, problems


def district_totals(district_id: int) -> dict[str, int]:
    """Points issued (earned and added by hand), redeemed (net of refunds), expired,
    deducted by hand, and the balance held; coupon counts by status."""
    totals = LedgerEntry.objects.filter(account__district_id=district_id).aggregate(
        earned=Sum("amount", filter=Q(kind=EntryKind.EARN), default=0),
        added=Sum("amount", filter=Q(kind=EntryKind.ADJUST, amount__gt=0), default=0),
        redeemed=Sum("amount", filter=Q(kind=EntryKind.REDEEM), default=0),
        refunded=Sum("amount", filter=Q(kind=EntryKind.REFUND), default=0),
        expired=Sum("amount", filter=Q(kind=EntryKind.EXPIRE), default=0),
        deducted=Sum("amount", filter=Q(kind=EntryKind.ADJUST, amount__lt=0), default=0),
    )
    coupons = Coupon.objects.filter(firm__district_id=district_id).aggregate(
        **{s: Count("pk", filter=Q(status=s)) for s in CouponStatus.values}
    )
    held = PointsAccount.objects.filter(district_id=district_id).aggregate(
        n=Count("pk"), held=Sum("balance", default=0)
    )
    return {
        "issued": totals["earned"] + totals["added"],
        "earned": totals["earned"],
        "added": totals["added"],
        "redeemed": -(totals["redeemed"] + totals["refunded"]),
        "expired": -totals["expired"],
        "deducted": -totals["deducted"],
        "held": held["held"],
        "accounts": held["n"],
        **{f"coupons_{k}": v for k, v in coupons.items()},
    }
