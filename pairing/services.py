"""Every change to pairings, liaisons and honorary posts.

Rules (杭上司〔2020〕19号): a community has one exclusive firm at a time; 1–2 liaison
lawyers of that firm; its 名誉法治副主任 is the paired firm's director or one of its
party-member lawyers; a street's 名誉法治副所长 is a firm director from the district's
guidance group. Rows are ended, never deleted, so the history stays.

Pairing a community that already has a firm hands it over: the current pairing (with
its liaisons and the community's 名誉法治副主任) ends the day before the new one starts.

``actor=None`` is the system (demo data, commands); any other actor must be the
bureau of the district. Bad input raises ValidationError with a Chinese message and
changes nothing.
"""

from __future__ import annotations

import datetime
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from firms.models import GuidanceGroupMember, LawFirm, Lawyer
from pairing.models import SLOTS, HonoraryPost, Liaison, Pairing
from pairing.querysets import bureau_district_ids
from regions.models import Community, Street
from regions.services import settings_for


def _require_bureau(actor: Any, district_id: int) -> None:
    if actor is None:
        return
    allowed = bureau_district_ids(actor)
    if allowed is not None and district_id not in allowed:
        raise PermissionDenied


def _require_editable(actor: Any, obj: Pairing | Liaison | HonoraryPost) -> None:
    if actor is None:
        return
    manager: Any = type(obj).objects
    if not manager.editable_by(actor).filter(pk=obj.pk).exists():
        raise PermissionDenied


def _check_day(value: Any, field: str, label: str, today: date) -> date:
    if not isinstance(value, date) or isinstance(value, datetime.datetime):
        raise ValidationError({field: _("请填写%(label)s") % {"label": label}})
    if value > today:
        raise ValidationError({field: _("%(label)s不能晚于今天") % {"label": label}})
    return value


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _locked(pairing: Pairing) -> Pairing:
    """The pairing's current row, locked: concurrent appointments wait for each other."""
    return (
        Pairing.objects.select_for_update().select_related("firm", "community").get(pk=pairing.pk)
    )


def _end(obj: Liaison | HonoraryPost | Pairing, end_date: date, **extra: str) -> None:
    obj.end_date = end_date
    for name, value in extra.items():
        setattr(obj, name, value)
    obj.save(update_fields=["end_date", *extra, "updated_at"])


# --- pairings ------------------------------------------------------------------------


@transaction.atomic
def pair_community(
    *,
    actor: Any,
    community: Community,
    firm: LawFirm,
    start_date: date,
    today: date | None = None,
) -> Pairing:
    """Pair ``community`` with ``firm`` from ``start_date``. A current pairing with
    another firm ends the day before (with its liaisons and 名誉法治副主任)."""
    today = _today(today)
    community = Community.objects.select_for_update().select_related("street").get(pk=community.pk)
    _require_bureau(actor, community.street.district_id)
    start_date = _check_day(start_date, "start_date", _("开始日期"), today)
    if not community.is_active:
        raise ValidationError({"community": _("该社区已停用，不能结对")})
    if firm.district_id != community.street.district_id:
        raise ValidationError({"firm": _("律所与社区不在同一个区")})
    if not firm.is_active:
        raise ValidationError({"firm": _("该律所已停用，不能结对")})
    current = Pairing.objects.filter(community=community, end_date__isnull=True).first()
    if current is not None:
        if current.firm_id == firm.pk:
            raise ValidationError({"firm": _("该社区当前已与该律所结对")})
        if start_date <= current.start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "该社区当前与%(firm)s结对（%(start)s起），新结对的开始日期应晚于该日期"
                    )
                    % {"firm": current.firm, "start": current.start_date}
                }
            )
        end_pairing(
            actor=actor,
            pairing=current,
            end_date=start_date - timedelta(days=1),
            reason=_("改为与%(firm)s结对") % {"firm": firm},
            today=today,
        )
    pairing = Pairing(community=community, firm=firm, start_date=start_date)
    pairing.save()
    return pairing


@transaction.atomic
def end_pairing(
    *, actor: Any, pairing: Pairing, end_date: date, reason: str, today: date | None = None
) -> Pairing:
    """End a pairing, its liaisons and the community's 名誉法治副主任 on ``end_date``."""
    today = _today(today)
    _require_editable(actor, pairing)
    pairing = _locked(pairing)
    end_date = _check_day(end_date, "end_date", _("结束日期"), today)
    reason = (reason or "").strip()
    if pairing.end_date is not None:
        raise ValidationError(_("该结对已于 %(date)s 结束") % {"date": pairing.end_date})
    if not reason:
        raise ValidationError({"end_reason": _("请填写结束原因")})
    if len(reason) > 200:
        raise ValidationError({"end_reason": _("结束原因不能超过 200 个字")})
    liaisons = list(Liaison.objects.filter(pairing=pairing, end_date__isnull=True))
    posts = list(
        HonoraryPost.objects.filter(
            kind=HonoraryPost.Kind.COMMUNITY_DEPUTY,
            community_id=pairing.community_id,
            end_date__isnull=True,
        )
    )
    latest = max([pairing.start_date, *(x.start_date for x in [*liaisons, *posts])])
    if end_date < latest:
        raise ValidationError(
            {
                "end_date": _(
                    "结束日期不能早于 %(date)s（结对、在任联络员或名誉法治副主任的开始日期）"
                )
                % {"date": latest}
            }
        )
    for row in [*liaisons, *posts]:
        _end(row, end_date)
    _end(pairing, end_date, end_reason=reason)
    return pairing


# --- liaisons ------------------------------------------------------------------------


def liaison_limit(pairing: Pairing) -> int:
    """The liaisons the pairing's community may have at once (the district's setting)."""
    district_id = Community.objects.values_list("street__district_id", flat=True).get(
        pk=pairing.community_id
    )
    return settings_for(district_id).liaison_limit


@transaction.atomic
def appoint_liaison(
    *,
    actor: Any,
    pairing: Pairing,
    lawyer: Lawyer,
    start_date: date,
    today: date | None = None,
) -> Liaison:
    """Name an active lawyer of the paired firm liaison of the community, in the free
    slot."""
    today = _today(today)
    _require_editable(actor, pairing)
    pairing = _locked(pairing)
    start_date = _check_day(start_date, "start_date", _("任命日期"), today)
    if pairing.end_date is not None:
        raise ValidationError(_("该结对已结束，不能再任命联络员"))
    if lawyer.firm_id != pairing.firm_id:
        raise ValidationError(
            {"lawyer": _("联络员必须是结对律所（%(firm)s）的律师") % {"firm": pairing.firm}}
        )
    if not lawyer.is_active:
        raise ValidationError({"lawyer": _("该律师已不在职，不能担任联络员")})
    if start_date < pairing.start_date:
        raise ValidationError(
            {
                "start_date": _("任命日期不能早于结对开始日期（%(date)s）")
                % {"date": pairing.start_date}
            }
        )
    active = list(Liaison.objects.filter(pairing=pairing, end_date__isnull=True))
    if any(x.lawyer_id == lawyer.pk for x in active):
        raise ValidationError({"lawyer": _("该律师已是本社区的联络员")})
    limit = liaison_limit(pairing)
    if len(active) >= limit:
        raise ValidationError(
            _("本社区已有 %(count)s 名联络员（本区上限 %(limit)s 名），请先免去 %(extra)s 名")
            % {"count": len(active), "limit": limit, "extra": len(active) - limit + 1}
        )
    slot = min(set(SLOTS) - {x.slot for x in active})
    liaison = Liaison(pairing=pairing, lawyer=lawyer, slot=slot, start_date=start_date)
    liaison.save()
    return liaison


@transaction.atomic
def end_liaison(
    *, actor: Any, liaison: Liaison, end_date: date, today: date | None = None
) -> Liaison:
    today = _today(today)
    _require_editable(actor, liaison)
    liaison = Liaison.objects.select_for_update().get(pk=liaison.pk)
    end_date = _check_day(end_date, "end_date", _("免职日期"), today)
    if liaison.end_date is not None:
        raise ValidationError(_("该联络员已于 %(date)s 免职") % {"date": liaison.end_date})
    if end_date < liaison.start_date:
        raise ValidationError(
            {"end_date": _("免职日期不能早于任命日期（%(date)s）") % {"date": liaison.start_date}}
        )
    _end(liaison, end_date)
    return liaison


# --- honorary posts ------------------------------------------------------------------


def eligible_deputies(pairing: Pairing) -> QuerySet[Lawyer]:
    """Lawyers who may be the community's 名誉法治副主任: the paired firm's active
    director or party-member lawyers."""
    return Lawyer.objects.filter(firm_id=pairing.firm_id, is_active=True).filter(
        Q(is_director=True) | Q(is_party_member=True)
    )


def eligible_office_deputies(district_id: int) -> QuerySet[Lawyer]:
    """Lawyers who may be a 司法所's 名誉法治副所长: active firm directors who are active
    members of the district's guidance group."""
    members = GuidanceGroupMember.objects.filter(district_id=district_id, is_active=True)
    return Lawyer.objects.filter(
        is_active=True,
        is_director=True,
        firm__district_id=district_id,
        pk__in=members.values("lawyer_id"),
    )


@transaction.atomic
def appoint_honorary_post(
    *,
    actor: Any,
    kind: str,
    lawyer: Lawyer,
    start_date: date,
    term_end: date | None = None,
    community: Community | None = None,
    street: Street | None = None,
    today: date | None = None,
) -> HonoraryPost:
    """名誉法治副主任 of ``community`` or 名誉法治副所长 of ``street``'s 司法所; one in
    office per place."""
    today = _today(today)
    if kind == HonoraryPost.Kind.COMMUNITY_DEPUTY:
        if community is None or street is not None:
            raise ValidationError({"community": _("名誉法治副主任须选择社区")})
        community = (
            Community.objects.select_for_update().select_related("street").get(pk=community.pk)
        )
        _require_bureau(actor, community.street.district_id)
        place: dict[str, Any] = {"community": community}
    elif kind == HonoraryPost.Kind.OFFICE_DEPUTY:
        if street is None or community is not None:
            raise ValidationError({"street": _("名誉法治副所长须选择街道（司法所）")})
        street = Street.objects.select_for_update().get(pk=street.pk)
        _require_bureau(actor, street.district_id)
        place = {"street": street}
    else:
        raise ValidationError({"kind": _("请选择名誉职务")})
    start_date = _check_day(start_date, "start_date", _("任职日期"), today)
    if term_end is not None and term_end <= start_date:
        raise ValidationError({"term_end": _("任期届满日期应晚于任职日期")})
    if not lawyer.is_active:
        raise ValidationError({"lawyer": _("该律师已不在职，不能担任名誉职务")})
    if community is not None:
        _check_community_deputy(community, lawyer, start_date)
    elif street is not None:
        if not street.is_active:
            raise ValidationError({"street": _("该街道已停用")})
        if not eligible_office_deputies(street.district_id).filter(pk=lawyer.pk).exists():
            raise ValidationError(
                {"lawyer": _("名誉法治副所长须为本区律师工作指导小组成员中的律所主任")}
            )
    holder = HonoraryPost.objects.filter(kind=kind, end_date__isnull=True, **place).first()
    if holder is not None:
        raise ValidationError(
            _("%(place)s已有在任的%(kind)s（%(name)s），请先免去")
            % {
                "place": community or (street.office_name if street else ""),
                "kind": HonoraryPost.Kind(kind).label,
                "name": holder.lawyer,
            }
        )
    post = HonoraryPost(kind=kind, lawyer=lawyer, start_date=start_date, term_end=term_end, **place)
    post.save()
    return post


def _check_community_deputy(community: Community, lawyer: Lawyer, start_date: date) -> None:
    if not community.is_active:
        raise ValidationError({"community": _("该社区已停用")})
    pairing = Pairing.objects.filter(community=community, end_date__isnull=True).first()
    if pairing is None:
        raise ValidationError({"community": _("该社区尚未结对律所，不能任命名誉法治副主任")})
    if not eligible_deputies(pairing).filter(pk=lawyer.pk).exists():
        raise ValidationError(
            {
                "lawyer": _("名誉法治副主任须为结对律所（%(firm)s）的律所主任或党员律师")
                % {"firm": pairing.firm}
            }
        )
    if start_date < pairing.start_date:
        raise ValidationError(
            {
                "start_date": _("任职日期不能早于结对开始日期（%(date)s）")
                % {"date": pairing.start_date}
            }
        )


@transaction.atomic
def end_post(
    *, actor: Any, post: HonoraryPost, end_date: date, today: date | None = None
) -> HonoraryPost:
    today = _today(today)
    _require_editable(actor, post)
    post = HonoraryPost.objects.select_for_update().get(pk=post.pk)
    end_date = _check_day(end_date, "end_date", _("卸任日期"), today)
    if post.end_date is not None:
        raise ValidationError(_("该名誉职务已于 %(date)s 卸任") % {"date": post.end_date})
    if end_date < post.start_date:
        raise ValidationError(
            {"end_date": _("卸任日期不能早于任职日期（%(date)s）") % {"date": post.start_date}}
        )
    _end(post, end_date)
    return post


# --- the monthly service day ---------------------------------------------------------


def next_service_date(community: Community, today: date | None = None) -> date:
    """The next fixed service day (主题党日, the 15th by default) on or after today.
    The district setting is at most 28, so every month has that day."""
    today = _today(today)
    district_id = Street.objects.values_list("district_id", flat=True).get(pk=community.street_id)
    day = settings_for(district_id).service_day_of_month
    if today.day <= day:
        return today.replace(day=day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, day)
