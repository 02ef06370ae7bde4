"""Every state change of the visits app: plans, visit records, service days, monthly
reports, notices and meetings. Typed functions in transactions; views, the API, the
admin and the jobs call them. Bad input raises ValidationError (Chinese) and writes
nothing; an actor outside the row's scope gets PermissionDenied (pages answer 404)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from accounts.roles import Role
from core.scope import get_principal
from core.services import delete_rows, save_instance
from firms.models import LawFirm, Lawyer
from firms.querysets import firm_ids
from pairing.models import Pairing
from points.services import earn
from regions.models import Community, District, Street
from regions.services import settings_for
from visits.addresses import Address, parse_addresses
from visits.choices import NoticeKind, ReportStatus, ServiceDayStatus, VisitKind, VisitStatus
from visits.models import (
    DistrictGoal,
    Household,
    HouseholdReach,
    Meeting,
    MeetingAttachment,
    MonthlyReport,
    Notice,
    PlanMonth,
    ServiceDay,
    ServiceDayCheckin,
    ServiceDaySignup,
    Visit,
    VisitHousehold,
    VisitMonth,
    VisitPhoto,
    VisitPlan,
)

SERVICE_DAY_MONTHS_AHEAD = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 9
PHOTO_FORMATS = frozenset({"JPEG", "PNG"})
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    "pdf": b"%PDF",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG",
}


# --- dates -----------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def report_due_date(month: date, due_day: int) -> date:
    """The report of ``month`` is due on the district's day of the month after."""
    return add_months(month, 1).replace(day=min(max(due_day, 1), 28))


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# --- who acts ----------------------------------------------------------------------


def actor_firm_ids(actor: Any) -> set[int]:
    """Firms the actor records visits for: a lawyer's firm, a firm admin's firms."""
    return firm_ids(get_principal(actor))


def paired_communities(actor: Any) -> Any:
    """Communities currently paired with the actor's firms (where they may record)."""
    firms = actor_firm_ids(actor)
    if get_principal(actor).is_superuser:
        return Community.objects.filter(pairings__in=Pairing.objects.active())
    return Community.objects.filter(
        pk__in=Pairing.objects.active().filter(firm_id__in=firms).values("community_id")
    )


def _pairing_for(actor: Any, community: Community) -> Pairing | None:
    pairing = Pairing.objects.active().filter(community=community).first()
    if pairing is None:
        return None
    if get_principal(actor).is_superuser or pairing.firm_id in actor_firm_ids(actor):
        return pairing
    return None


def _require(qs: Any, obj: Any) -> None:
    if not qs.filter(pk=obj.pk).exists():
        raise PermissionDenied


# --- district goal and plans ---------------------------------------------------------


@transaction.atomic
def set_district_goal(
    *, actor: Any, district: District, year: int, values: dict[str, Any]
) -> DistrictGoal:
    _require(District.objects.editable_by(actor), district)
    goal = DistrictGoal.objects.filter(district=district, year=year).first()
    goal = goal or DistrictGoal(district=district, year=year)
    for name, value in values.items():
        setattr(goal, name, value)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def file_plan(
    *,
    actor: Any,
    firm: LawFirm,
    community: Community,
    year: int,
    months: Sequence[tuple[int, int]],
    reason: str = "",
) -> VisitPlan:
    """File (or revise) the firm's plan for a paired community: 12 (visits, households)
    targets. A revision keeps the plan it replaces, no longer current."""
    p = get_principal(actor)
    if not (p.is_superuser or firm.pk in p.ids(Role.FIRM_ADMIN)):
        raise PermissionDenied
    if not Pairing.objects.filter(firm=firm, community=community).exists():
        raise ValidationError({"community": _("该社区不是本所结对的社区")})
    if len(months) != 12 or any(v < 0 or h < 0 for v, h in months):
        raise ValidationError(_("请填写 1–12 月每月的走访次数和户数（不小于 0 的整数）"))
    households = sum(h for _v, h in months)
    if community.households and households > community.households:
        raise ValidationError(
            _("计划走访户数合计 %(n)s 户，超过了社区总户数 %(total)s 户")
            % {"n": households, "total": community.households}
        )
    current = (
        VisitPlan.objects.select_for_update()
        .filter(firm=firm, community=community, year=year, is_current=True)
        .first()
    )
    reason = reason.strip()
    if current is not None and not reason:
        raise ValidationError({"reason": _("修订计划时请填写修订说明")})
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current", "updated_at"])
    plan = VisitPlan(
        firm=firm,
        community=community,
        year=year,
        revision=current.revision + 1 if current else 1,
        reason=reason,
        filed_by=actor if getattr(actor, "pk", None) else None,
        visits_total=sum(v for v, _h in months),
        households_total=households,
    )
    plan.full_clean()
    plan.save()
    PlanMonth.objects.bulk_create(
        PlanMonth(plan=plan, month=i, visits=v, households=h)
        for i, (v, h) in enumerate(months, start=1)
    )
    return plan


# --- visit records -------------------------------------------------------------------


@dataclass
class VisitInput:
    """What a lawyer enters for a visit (from the form or the API)."""

    community: Community
    date: date
    kind: str
    lawyers: list[Lawyer]
    addresses: str = ""
    participants: int = 0
    topics: str = ""
    disputes_found: int = 0
    dispute_notes: str = ""
    follow_up: str = ""
    follow_up_notes: str = ""
    photos: list[UploadedFile] = field(default_factory=list)


def check_photo(upload: Any) -> None:
    """A JPEG or PNG of at most 5 MB, judged by its content, not its name."""
    name = getattr(upload, "name", "")
    if (upload.size or 0) > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片“%(name)s”超过 5 MB，请压缩后再上传") % {"name": name})
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("“%(name)s”不是有效的图片文件") % {"name": name}) from exc
    finally:
        upload.seek(0)
    if kind not in PHOTO_FORMATS:
        raise ValidationError(_("“%(name)s”：照片只支持 JPG 或 PNG 格式") % {"name": name})


def month_locked(firm_id: int, street_id: int, day: date) -> bool:
    return MonthlyReport.objects.filter(
        firm_id=firm_id, street_id=street_id, month=month_start(day), status=ReportStatus.CONFIRMED
    ).exists()


def _validate_visit(actor: Any, data: VisitInput, today: date, visit: Visit | None) -> Pairing:
    errors: dict[str, Any] = {}
    pairing = _pairing_for(actor, data.community)
    if pairing is None:
        raise ValidationError(
            {
                "community": _("%(c)s不是贵所当前结对的社区，不能为其记录走访")
                % {"c": data.community}
            }
        )
    if data.date > today:
        errors["date"] = _("走访日期不能晚于今天")
    elif data.date < pairing.start_date:
        errors["date"] = _("走访日期早于结对开始日期（%(d)s）") % {"d": pairing.start_date}
    elif month_locked(pairing.firm_id, data.community.street_id, data.date):
        errors["date"] = _("%(m)s的月报已确认，该月的走访记录已锁定，不能再新增或修改") % {
            "m": f"{data.date:%Y年%m月}"
        }
    if data.kind not in VisitKind.values:
        errors["kind"] = _("请选择活动类型")
    if not data.lawyers:
        errors["lawyers"] = _("请选择参加走访的律师")
    elif any(x.firm_id != pairing.firm_id or not x.is_active for x in data.lawyers):
        errors["lawyers"] = _("参加律师须为本所在职律师")
    try:
        addresses = parse_addresses(data.addresses)
    except ValidationError as exc:
        errors["addresses"] = exc.messages
        addresses = []
    if data.kind == VisitKind.DOOR_TO_DOOR and not addresses and "addresses" not in errors:
        errors["addresses"] = _("入户走访请填写走访住户的门牌（幢、单元、室）")
    if data.disputes_found and not data.dispute_notes.strip():
        errors["dispute_notes"] = _("发现了纠纷，请简要说明纠纷情况")
    existing = visit.photos.count() if visit is not None else 0
    if existing + len(data.photos) > MAX_PHOTOS:
        errors["photos"] = _("每条走访记录最多 %(n)s 张照片") % {"n": MAX_PHOTOS}
    else:
        photo_errors = []
        for upload in data.photos:
            try:
                check_photo(upload)
            except ValidationError as exc:
                photo_errors.extend(exc.messages)
        if photo_errors:
            errors["photos"] = photo_errors
    if errors:
        raise ValidationError(errors)
    data.parsed_addresses = addresses  # type: ignore[attr-defined]
    return pairing


def _households(community: Community, addresses: list[Address]) -> list[Household]:
    if not addresses:
        return []
    Household.objects.bulk_create(
        [
            Household(community=community, building=a.building, unit=a.unit, room=a.room)
            for a in addresses
        ],
        ignore_conflicts=True,
    )
    keys = Q()
    for a in addresses:
        keys |= Q(building=a.building, unit=a.unit, room=a.room)
    return list(Household.objects.filter(keys, community=community))


def _save_photos(visit: Visit, photos: Iterable[UploadedFile]) -> None:
    for upload in photos:
        photo = VisitPhoto(visit=visit, token=secrets.token_hex(16))
        photo.image.save(upload.name or "photo.jpg", upload, save=True)


def _apply(visit: Visit, data: VisitInput, firm_id: int) -> None:
    visit.firm_id = firm_id
    visit.community = data.community
    visit.date = data.date
    visit.kind = data.kind
    visit.participants = data.participants or 0
    visit.topics = data.topics.strip()
    visit.disputes_found = data.disputes_found or 0
    visit.dispute_notes = data.dispute_notes.strip()
    visit.follow_up = data.follow_up or ""
    visit.follow_up_notes = data.follow_up_notes.strip()


def _link(visit: Visit, data: VisitInput) -> None:
    visit.lawyers.set(data.lawyers)
    households = _households(data.community, data.parsed_addresses)  # type: ignore[attr-defined]
    visit.household_links.all().delete()
    VisitHousehold.objects.bulk_create(VisitHousehold(visit=visit, household=h) for h in households)
    _save_photos(visit, data.photos)


@transaction.atomic
def record_visit(
    *, actor: Any, data: VisitInput, submit: bool = True, today: date | None = None
) -> Visit:
    """A lawyer (or firm admin) records a visit to a community currently paired with
    their firm; ``submit`` sends it to the community staff to confirm."""
    pairing = _validate_visit(actor, data, _today(today), None)
    visit = Visit(recorded_by=actor, status=VisitStatus.DRAFT)
    _apply(visit, data, pairing.firm_id)
    if submit:
        visit.status = VisitStatus.SUBMITTED
        visit.submitted_at = timezone.now()
    visit.full_clean(exclude=["lawyers", "households"])
    visit.save()
    _link(visit, data)
    return visit


def _editable(actor: Any, visit: Visit) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require(Visit.objects.editable_by(actor), visit)
    if visit.locked:
        raise ValidationError(_("该月月报已确认，走访记录已锁定，不能修改"))
    if visit.status == VisitStatus.CONFIRMED:
        raise ValidationError(_("社区已确认的走访记录不能修改"))
    return visit


@transaction.atomic
def update_visit(
    *, actor: Any, visit: Visit, data: VisitInput, submit: bool = True, today: date | None = None
) -> Visit:
    """Correct a draft, submitted or disputed record; ``submit`` (re)sends it to the
    community staff, clearing their earlier objection."""
    visit = _editable(actor, visit)
    pairing = _validate_visit(actor, data, _today(today), visit)
    _apply(visit, data, pairing.firm_id)
    if submit:
        visit.status = VisitStatus.SUBMITTED
        visit.submitted_at = timezone.now()
        visit.dispute_reason = ""
    visit.full_clean(exclude=["lawyers", "households"])
    visit.save()
    _link(visit, data)
    return visit


@transaction.atomic
def submit_visit(*, actor: Any, visit: Visit) -> Visit:
    visit = _editable(actor, visit)
    if visit.status == VisitStatus.SUBMITTED:
        raise ValidationError(_("该记录已提交，正等待社区确认"))
    visit.status = VisitStatus.SUBMITTED
    visit.submitted_at = timezone.now()
    visit.dispute_reason = ""
    visit.save(update_fields=["status", "submitted_at", "dispute_reason", "updated_at"])
    return visit


@transaction.atomic
def delete_photo(*, actor: Any, photo: VisitPhoto) -> None:
    _editable(actor, photo.visit)
    photo.image.delete(save=False)
    photo.delete()


def _reviewable(actor: Any, visit: Visit) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    _require(Visit.objects.confirmable_by(actor), visit)
    if visit.locked:
        raise ValidationError(_("该月月报已确认，走访记录已锁定"))
    if visit.status != VisitStatus.SUBMITTED:
        raise ValidationError(_("只有待确认的走访记录才能确认或提出异议"))
    return visit


@transaction.atomic
def confirm_visit(*, actor: Any, visit: Visit, now: datetime | None = None) -> Visit:
    """Community staff confirm a submitted record; only confirmed records count. A
    confirmed service-day visit marks that day as held."""
    visit = _reviewable(actor, visit)
    visit.status = VisitStatus.CONFIRMED
    visit.reviewed_by = actor
    visit.reviewed_at = now or timezone.now()
    visit.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    refresh_reach(
        firm_id=visit.firm_id,
        year=visit.date.year,
        household_ids=visit.household_links.values_list("household_id", flat=True),
        months=[(visit.community_id, month_start(visit.date))],
    )
    if visit.kind == VisitKind.PARTY_DAY:
        ServiceDay.objects.filter(
            community_id=visit.community_id, date=visit.date, status=ServiceDayStatus.SCHEDULED
        ).update(status=ServiceDayStatus.HELD)
    return visit


@transaction.atomic
def dispute_visit(*, actor: Any, visit: Visit, reason: str, now: datetime | None = None) -> Visit:
    """Community staff object to a record, with the reason; the lawyer corrects it and
    submits it again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写异议理由")})
    visit = _reviewable(actor, visit)
    visit.status = VisitStatus.DISPUTED
    visit.dispute_reason = reason[:300]
    visit.reviewed_by = actor
    visit.reviewed_at = now or timezone.now()
    visit.save(
        update_fields=["status", "dispute_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    return visit


# --- the households reached in a year (a roll-up of the confirmed visits) ------------------


def refresh_reach(
    *,
    firm_id: int,
    year: int,
    household_ids: Iterable[int],
    months: Iterable[tuple[int, date]] = (),
) -> None:
    """Bring the roll-ups up to date with the firm's confirmed visits: for these
    households of the year, each one's first confirmed visit (or no row), and the
    firm's VisitMonth rows those first visits move between, with ``months`` (pairs of
    community and first day of a month: the visit's own) recounted as well."""
    ids = list(household_ids)
    touched = set(months)
    if ids:
        stale = HouseholdReach.objects.filter(firm_id=firm_id, year=year, household_id__in=ids)
        touched |= {(c, month_start(d)) for c, d in stale.values_list("community_id", "first_date")}
        delete_rows(stale)
        first = (
            VisitHousehold.objects.filter(
                visit__firm_id=firm_id,
                visit__status=VisitStatus.CONFIRMED,
                visit__date__gte=date(year, 1, 1),
                visit__date__lte=date(year, 12, 31),
                household_id__in=ids,
            )
            .values("household_id", "household__community_id")
            .annotate(first=Min("visit__date"))
            .values_list("household_id", "household__community_id", "first")
        )
        reached = HouseholdReach.objects.bulk_create(
            HouseholdReach(firm_id=firm_id, year=year, household_id=h, community_id=c, first_date=d)
            for h, c, d in first
        )
        touched |= {(r.community_id, month_start(r.first_date)) for r in reached}
    for community_id, month in sorted(touched):
        key: dict[str, Any] = {"firm_id": firm_id, "community_id": community_id, "month": month}
        visits = Visit.objects.filter(
            firm_id=firm_id,
            community_id=community_id,
            status=VisitStatus.CONFIRMED,
            date__gte=month,
            date__lt=add_months(month, 1),
        ).count()
        households = HouseholdReach.objects.filter(
            firm_id=firm_id,
            community_id=community_id,
            first_date__gte=month,
            first_date__lt=add_months(month, 1),
        ).count()
        if visits or households:
            VisitMonth.objects.update_or_create(
                **key, defaults={"visits": visits, "households": households}
            )
        else:  # no row for an empty month, as a rebuild leaves it
            VisitMonth.objects.filter(**key).delete()


_REBUILD = """
INSERT INTO {reach} (firm_id, household_id, community_id, year, first_date)
SELECT v.firm_id, vh.household_id, h.community_id, %s, MIN(v.date)
FROM {link} vh
JOIN {visit} v ON v.id = vh.visit_id
JOIN {household} h ON h.id = vh.household_id
WHERE v.status = %s AND v.date >= %s AND v.date <= %s
  AND v.firm_id IN (SELECT id FROM {firm} WHERE district_id BETWEEN %s AND %s)
GROUP BY v.firm_id, vh.household_id, h.community_id
"""


@transaction.atomic
def rebuild_reach(*, district_id: int | None = None) -> int:
    """Rebuild both roll-ups (HouseholdReach, VisitMonth) from every confirmed visit
    (of one district's firms): one INSERT … SELECT per year; for loaded data and as a
    check. Returns the HouseholdReach rows."""
    firms = (
        LawFirm.objects.all()
        if district_id is None
        else LawFirm.objects.filter(district_id=district_id)
    )
    delete_rows(HouseholdReach.objects.filter(firm__in=firms))
    visits = Visit.objects.filter(status=VisitStatus.CONFIRMED, firm__in=firms)
    days = visits.aggregate(first=Min("date"), last=Max("date"))
    years = range(days["first"].year, days["last"].year + 1) if days["first"] else range(0)
    districts = (1, 2**62) if district_id is None else (district_id, district_id)
    sql = _REBUILD.format(
        reach=HouseholdReach._meta.db_table,
        link=VisitHousehold._meta.db_table,
        visit=Visit._meta.db_table,
        household=Household._meta.db_table,
        firm=LawFirm._meta.db_table,
    )
    with connection.cursor() as cursor:
        for year in years:
            cursor.execute(
                sql,
                [year, VisitStatus.CONFIRMED, date(year, 1, 1), date(year, 12, 31), *districts],
            )
    _rebuild_months(firms)
    return HouseholdReach.objects.filter(firm__in=firms).count()


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _rebuild_months(firms: Any) -> None:
    """The VisitMonth rows of these firms from the visits and HouseholdReach: two
    grouped queries, rows written in batches."""
    delete_rows(VisitMonth.objects.filter(firm__in=firms))
    counts: dict[tuple[int, int, date], list[int]] = {}
    visits = (
        Visit.objects.filter(status=VisitStatus.CONFIRMED, firm__in=firms)
        .annotate(month=TruncMonth("date"))
        .values("firm_id", "community_id", "month")
        .annotate(n=Count("pk"))
        .values_list("firm_id", "community_id", "month", "n")
        .order_by()
    )
    for firm_id, community_id, month, n in visits:
        counts[(firm_id, community_id, _day(month))] = [n, 0]
    reached = (
        HouseholdReach.objects.filter(firm__in=firms)
        .annotate(month=TruncMonth("first_date"))
        .values("firm_id", "community_id", "month")
        .annotate(n=Count("pk"))
        .values_list("firm_id", "community_id", "month", "n")
        .order_by()
    )
    for firm_id, community_id, month, n in reached:
        counts.setdefault((firm_id, community_id, _day(month)), [0, 0])[1] = n
    VisitMonth.objects.bulk_create(
        (
            VisitMonth(firm_id=f, community_id=c, month=m, visits=v, households=h)
            for (f, c, m), (v, h) in counts.items()
        ),
        batch_size=5000,
    )


# --- service days ----------------------------------------------------------------------


def service_date(month: date, day_of_month: int) -> date:
    return month.replace(day=min(max(day_of_month, 1), 28))


def schedule_service_days(*, today: date | None = None) -> int:
    """Make sure every paired community has its service day for this month and the
    next ones (SERVICE_DAY_MONTHS_AHEAD in all), on the district's day of the month.
    Idempotent: one day per community and month (a database rule)."""
    today = _today(today)
    months = [add_months(month_start(today), n) for n in range(SERVICE_DAY_MONTHS_AHEAD)]
    pairings = list(
        Pairing.objects.active()
        .filter(community__is_active=True)
        .values_list("community_id", "firm_id", "community__street__district_id")
    )
    have = set(ServiceDay.objects.filter(month__in=months).values_list("community_id", "month"))
    wanted = [(c, f, d, m) for c, f, d in pairings for m in months if (c, m) not in have]
    if not wanted:
        return 0
    days = {d: settings_for(d).service_day_of_month for d in {w[2] for w in wanted}}
    rows = [
        ServiceDay(
            community_id=c,
            firm_id=f,
            month=m,
            date=service_date(m, days[d]),
            place=_("社区尚法工作室"),
            topic=_("主题党日法律服务"),
        )
        for c, f, d, m in wanted
        if service_date(m, days[d]) >= today
    ]
    ServiceDay.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def next_service_day(community: Community, today: date | None = None) -> ServiceDay | None:
    """The community's next published service day (today's included), if scheduled."""
    return (
        ServiceDay.objects.published()
        .filter(community=community, date__gte=_today(today))
        .order_by("date")
        .first()
    )


@transaction.atomic
def update_service_day(
    *, actor: Any, service_day: ServiceDay, values: dict[str, Any], today: date | None = None
) -> ServiceDay:
    """Staff move the day within its month, or change its time, place or topic."""
    _require(ServiceDay.objects.editable_by(actor), service_day)
    if service_day.date < _today(today) or service_day.status != ServiceDayStatus.SCHEDULED:
        raise ValidationError(_("只能修改尚未举行的服务日"))
    for name, value in values.items():
        setattr(service_day, name, value)
    if month_start(service_day.date) != service_day.month:
        raise ValidationError({"date": _("服务日只能在本月内调整")})
    if service_day.date < _today(today):
        raise ValidationError({"date": _("服务日不能改到过去的日期")})
    if service_day.end_time <= service_day.start_time:
        raise ValidationError({"end_time": _("结束时间应晚于开始时间")})
    return save_instance(actor=actor, instance=service_day, fields=list(values))


@transaction.atomic
def cancel_service_day(
    *, actor: Any, service_day: ServiceDay, today: date | None = None
) -> ServiceDay:
    _require(ServiceDay.objects.editable_by(actor), service_day)
    if service_day.date < _today(today) or service_day.status != ServiceDayStatus.SCHEDULED:
        raise ValidationError(_("只能取消尚未举行的服务日"))
    service_day.status = ServiceDayStatus.CANCELLED
    service_day.save(update_fields=["status", "updated_at"])
    return service_day


@transaction.atomic
def sign_up(*, user: Any, service_day: ServiceDay, today: date | None = None) -> ServiceDaySignup:
    if service_day.status == ServiceDayStatus.CANCELLED:
        raise ValidationError(_("该服务日已取消"))
    if service_day.date < _today(today):
        raise ValidationError(_("该服务日已过，报名已截止"))
    if ServiceDaySignup.objects.filter(service_day=service_day, user=user).exists():
        raise ValidationError(_("您已报名该服务日，无需重复报名"))
    try:
        with transaction.atomic():
            return ServiceDaySignup.objects.create(service_day=service_day, user=user)
    except IntegrityError as exc:
        raise ValidationError(_("您已报名该服务日，无需重复报名")) from exc


@transaction.atomic
def cancel_signup(*, user: Any, service_day: ServiceDay, today: date | None = None) -> None:
    if service_day.date < _today(today):
        raise ValidationError(_("服务日已过，不能取消报名"))
    deleted, _rows = ServiceDaySignup.objects.filter(service_day=service_day, user=user).delete()
    if not deleted:
        raise ValidationError(_("您没有报名该服务日"))


@transaction.atomic
def check_in(*, user: Any, community: Community, now: datetime | None = None) -> ServiceDayCheckin:
    """A resident checks in on the community's service day (by its QR code), once,
    on that day only (local date), and earns the check-in points."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = ServiceDay.objects.published().filter(community=community, date=today).first()
    if day is None:
        upcoming = next_service_day(community, today)
        hint = (
            _("下一次服务日是 %(d)s。") % {"d": f"{upcoming.date.month}月{upcoming.date.day}日"}
            if upcoming
            else ""
        )
        raise ValidationError(
            _("今天不是%(c)s的服务日，不能签到。%(hint)s") % {"c": community.name, "hint": hint}
        )
    if ServiceDayCheckin.objects.filter(service_day=day, user=user).exists():
        raise ValidationError(_("您今天已经签到过了，无需重复签到"))
    try:
        with transaction.atomic():
            checkin = ServiceDayCheckin.objects.create(
                service_day=day, user=user, checked_in_at=now
            )
    except IntegrityError as exc:
        raise ValidationError(_("您今天已经签到过了，无需重复签到")) from exc
    earn(user=user, action="service_day_checkin", source=checkin, now=now)
    ServiceDay.objects.filter(pk=day.pk, status=ServiceDayStatus.SCHEDULED).update(
        status=ServiceDayStatus.HELD
    )
    return checkin


# --- monthly reports -----------------------------------------------------------------------


def confirmed_in_month(month: date) -> Any:
    return Visit.objects.filter(
        status=VisitStatus.CONFIRMED, date__gte=month, date__lt=add_months(month, 1)
    )


def report_totals(month: date, **filters: Any) -> dict[tuple[int, int], dict[str, int]]:
    """Totals per (firm, street) of the month's confirmed visits, in two grouped
    queries (``filters`` narrow them, e.g. firm_id=..., community__street_id=...)."""
    visits = confirmed_in_month(month).filter(**filters)
    totals: dict[tuple[int, int], dict[str, int]] = {}
    for row in visits.values("firm_id", "community__street_id").annotate(
        visits=Count("pk"), participants=Sum("participants"), disputes=Sum("disputes_found")
    ):
        totals[(row["firm_id"], row["community__street_id"])] = {
            "visit_count": row["visits"],
            "participant_count": row["participants"] or 0,
            "dispute_count": row["disputes"] or 0,
            "household_count": 0,
        }
    for row in (
        VisitHousehold.objects.filter(visit__in=visits)
        .values("visit__firm_id", "visit__community__street_id")
        .annotate(n=Count("household_id", distinct=True))
    ):
        key = (row["visit__firm_id"], row["visit__community__street_id"])
        totals[key]["household_count"] = row["n"]
    return totals


EMPTY_TOTALS = {"visit_count": 0, "participant_count": 0, "dispute_count": 0, "household_count": 0}


def reportable(month: date) -> set[tuple[int, int]]:
    """(firm, street) pairs that owe a report for the month: a pairing in force during
    it, or confirmed visits in it."""
    paired = (
        Pairing.objects.filter(start_date__lte=month_end(month))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=month))
        .values_list("firm_id", "community__street_id")
    )
    visited = confirmed_in_month(month).values_list("firm_id", "community__street_id")
    return set(paired) | set(visited)


def compile_reports(*, month: date | None = None, today: date | None = None) -> int:
    """Compile the reports of ``month`` (by default the month before today) that do not
    exist yet; returns how many were created. Idempotent: one report per firm, street
    and month (a database rule)."""
    today = _today(today)
    month = month or add_months(month_start(today), -1)
    have = set(MonthlyReport.objects.filter(month=month).values_list("firm_id", "street_id"))
    missing = reportable(month) - have
    if not missing:
        return 0
    totals = report_totals(month)
    districts = dict(
        LawFirm.objects.filter(pk__in={f for f, _s in missing}).values_list("pk", "district_id")
    )
    due = {
        d: report_due_date(month, settings_for(d).report_due_day) for d in set(districts.values())
    }
    now = timezone.now()
    rows = [
        MonthlyReport(
            firm_id=firm_id,
            street_id=street_id,
            month=month,
            due_date=due[districts[firm_id]],
            compiled_at=now,
            **totals.get((firm_id, street_id), EMPTY_TOTALS),
        )
        for firm_id, street_id in sorted(missing)
    ]
    created = MonthlyReport.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def _refresh(report: MonthlyReport) -> list[str]:
    totals = report_totals(
        report.month, firm_id=report.firm_id, community__street_id=report.street_id
    ).get((report.firm_id, report.street_id), EMPTY_TOTALS)
    for name, value in totals.items():
        setattr(report, name, value)
    report.compiled_at = timezone.now()
    return [*totals, "compiled_at"]


def _locked_report(qs: Any, report: MonthlyReport) -> MonthlyReport:
    _require(qs, report)
    return MonthlyReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def refresh_report(*, actor: Any, report: MonthlyReport) -> MonthlyReport:
    """The firm recompiles a report it has not submitted yet (newly confirmed visits)."""
    report = _locked_report(MonthlyReport.objects.editable_by(actor), report)
    if not report.is_open:
        raise ValidationError(_("月报已提交，不能重新汇总"))
    report.save(update_fields=[*_refresh(report), "updated_at"])
    return report


@transaction.atomic
def submit_report(
    *, actor: Any, report: MonthlyReport, summary: str = "", now: datetime | None = None
) -> MonthlyReport:
    """The firm submits (or resubmits) its report to the street's 司法所. Submitted
    after the due date, it stays flagged late."""
    now = now or timezone.now()
    report = _locked_report(MonthlyReport.objects.editable_by(actor), report)
    if not report.is_open:
        raise ValidationError(_("月报已提交，请等待司法所审核"))
    if timezone.localdate(now) < add_months(report.month, 1):
        raise ValidationError(_("本月尚未结束，月报要到下月 1 日才能提交"))
    fields = _refresh(report)
    report.status = ReportStatus.SUBMITTED
    report.summary = summary.strip() or report.summary
    report.submitted_at = now
    report.submitted_by = actor
    report.is_late = report.is_late or timezone.localdate(now) > report.due_date
    report.save(
        update_fields=[
            *fields,
            "status",
            "summary",
            "submitted_at",
            "submitted_by",
            "is_late",
            "updated_at",
        ]
    )
    Notice.objects.filter(key=f"report-late:{report.pk}", resolved_at__isnull=True).update(
        resolved_at=now
    )
    return report


@transaction.atomic
def confirm_report(
    *, actor: Any, report: MonthlyReport, now: datetime | None = None
) -> MonthlyReport:
    """The 司法所 confirms a submitted report; every visit of that firm, street and
    month is locked from then on."""
    now = now or timezone.now()
    report = _locked_report(MonthlyReport.objects.reviewable_by(actor), report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("只有已提交的月报才能确认"))
    fields = _refresh(report)
    report.status = ReportStatus.CONFIRMED
    report.reviewed_at = now
    report.reviewed_by = actor
    report.save(update_fields=[*fields, "status", "reviewed_at", "reviewed_by", "updated_at"])
    Visit.objects.filter(
        firm_id=report.firm_id,
        community__street_id=report.street_id,
        date__gte=report.month,
        date__lt=add_months(report.month, 1),
    ).update(locked=True)
    return report


@transaction.atomic
def return_report(
    *, actor: Any, report: MonthlyReport, comment: str, now: datetime | None = None
) -> MonthlyReport:
    """The 司法所 returns a submitted report to the firm with its comments."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("退回月报时请填写审核意见")})
    report = _locked_report(MonthlyReport.objects.reviewable_by(actor), report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("只有已提交的月报才能退回"))
    report.status = ReportStatus.RETURNED
    report.review_comment = comment
    report.reviewed_at = now or timezone.now()
    report.reviewed_by = actor
    report.save(
        update_fields=["status", "review_comment", "reviewed_at", "reviewed_by", "updated_at"]
    )
    return report


def flag_late_reports(*, today: date | None = None) -> int:
    """Flag the reports still with their firm after the due date, and tell the firm,
    the 司法所 and the bureau (a Notice each). Claims rows with a conditional update,
    so a second run changes nothing."""
    today = _today(today)
    candidates = list(
        MonthlyReport.objects.filter(
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
            due_date__lt=today,
            is_late=False,
        ).values_list("pk", flat=True)
    )
    flagged = 0
    for pk in candidates:
        with transaction.atomic():
            if not MonthlyReport.objects.filter(pk=pk, is_late=False).update(is_late=True):
                continue  # another run took it
            report = MonthlyReport.objects.select_related("firm", "street").get(pk=pk)
            raise_notice(
                kind=NoticeKind.REPORT_LATE,
                key=f"report-late:{pk}",
                district_id=report.firm.district_id,
                street_id=report.street_id,
                firm_id=report.firm_id,
                message=_("%(firm)s %(month)s报送%(street)s司法所的月报已逾期（截止 %(due)s）")
                % {
                    "firm": report.firm.name,
                    "month": f"{report.month:%Y年%m月}",
                    "street": report.street.name,
                    "due": f"{report.due_date:%m月%d日}",
                },
                link=f"/visits/reports/{pk}/",
            )
            flagged += 1
    return flagged


def raise_notice(**values: Any) -> None:
    """Create a notice unless one with the same ``key`` exists."""
    Notice.objects.bulk_create([Notice(**values)], ignore_conflicts=True)


def flag_behind_plan(*, today: date | None = None) -> int:
    """Tell the firm and the 司法所 about each community whose households visited this
    year are behind its plan to the end of last month (one notice per month)."""
    from visits.coverage import community_coverage

    today = _today(today)
    if today.month == 1:
        return 0  # nothing is due before the first month is over
    communities = Community.objects.filter(
        pk__in=VisitPlan.objects.current().filter(year=today.year).values("community_id")
    )
    rows = community_coverage(communities, today.year, today=today)
    behind = [r for r in rows if r.behind]
    if not behind:
        return 0
    firms = dict(
        VisitPlan.objects.current()
        .filter(year=today.year, community_id__in=[r.id for r in behind])
        .values_list("community_id", "firm_id")
    )
    districts = dict(
        Street.objects.filter(pk__in={r.street_id for r in behind}).values_list("pk", "district_id")
    )
    month = f"{today.year}-{today.month - 1:02d}"
    notices = [
        Notice(
            kind=NoticeKind.BEHIND_PLAN,
            key=f"behind-plan:{r.id}:{month}",
            district_id=districts[r.street_id],
            street_id=r.street_id,
            firm_id=firms.get(r.id),
            community_id=r.id,
            message=_("%(c)s走访进度落后：截至 %(m)s 月底计划走访 %(plan)s 户，实际 %(done)s 户")
            % {"c": r.name, "m": today.month - 1, "plan": r.plan_to_date, "done": r.visited},
            link=f"/visits/coverage/?year={today.year}",
        )
        for r in behind
    ]
    before = Notice.objects.filter(key__in=[n.key for n in notices]).count()
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return Notice.objects.filter(key__in=[n.key for n in notices]).count() - before


@transaction.atomic
def resolve_notice(*, actor: Any, notice: Notice, now: datetime | None = None) -> Notice:
    _require(Notice.objects.visible_to(actor), notice)
    Notice.objects.filter(pk=notice.pk, resolved_at__isnull=True).update(
        resolved_at=now or timezone.now()
    )
    notice.refresh_from_db()
    return notice


# --- meetings --------------------------------------------------------------------------------


def check_attachment(upload: Any) -> str:
    """PDF, Word (.docx), Excel (.xlsx), JPG or PNG of at most 10 MB, by name and by
    content; returns the extension."""
    name = getattr(upload, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("“%(name)s”：附件只支持 PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG")
            % {"name": name}
        )
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("附件“%(name)s”超过 10 MB") % {"name": name})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(ATTACHMENT_TYPES[extension]):
        raise ValidationError(_("“%(name)s”的内容与扩展名不符") % {"name": name})
    return extension


@transaction.atomic
def save_meeting(
    *, actor: Any, meeting: Meeting, attachments: Sequence[UploadedFile] = ()
) -> Meeting:
    """Record or change a meeting of a firm or a street the actor may manage."""
    p = get_principal(actor)
    if meeting.pk is not None:
        _require(Meeting.objects.editable_by(actor), meeting)
    elif not p.is_superuser:
        allowed = (
            (meeting.firm_id is not None and meeting.firm_id in p.ids(Role.FIRM_ADMIN))
            or (meeting.street_id is not None and meeting.street_id in p.ids(Role.STREET_STAFF))
            or meeting.district_id in p.ids(Role.BUREAU_ADMIN)
        )
        if not allowed:
            raise PermissionDenied
    errors = []
    for upload in attachments:
        try:
            check_attachment(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    if meeting.recorded_by_id is None and getattr(actor, "pk", None):
        meeting.recorded_by = actor
    meeting.full_clean()
    meeting.save()
    for upload in attachments:
        item = MeetingAttachment(
            meeting=meeting, token=secrets.token_hex(16), name=(upload.name or "")[:200]
        )
        item.file.save(upload.name or "file", upload, save=True)
    return meeting
