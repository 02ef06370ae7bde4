"""Pages of points and discounts.

Residents (mobile-first): my points, history, offers, my coupons (with QR code).
Firm admins and lawyers: their firm's offers, verify a coupon.
Bureau: rules and expiry settings, totals, offer review, adjustments.
"""

from __future__ import annotations

import secrets
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import run_service
from core.paging import CURSOR_PARAM, keyset_page
from core.views import in_scope, public_rows, scoped_get_or_404
from firms.models import LawFirm
from points import services
from points.choices import CouponStatus, OfferStatus
from points.forms import (
    NO_RESIDENT,
    AdjustForm,
    OfferForm,
    PolicyForm,
    ReviewForm,
    RuleForm,
    VerifyForm,
)
from points.models import Coupon, EarningRule, LedgerEntry, Offer, PointsAccount, PointsPolicy
from points.querysets import OFFERING_FIRMS, STAFFED_FIRMS
from regions.models import District

PAGE_SIZE = 20


def _page(request: HttpRequest, qs: QuerySet) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _expiry_year(policy: PointsPolicy | None) -> int | None:
    """The year at whose end this year's points expire (None: they do not)."""
    years = policy.expiry_years if policy is not None else None
    return timezone.localdate().year + years if years is not None else None


def _message(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


# ---------------------------------------------------------------------------
# Resident


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My points: balance, how to earn, latest entries, counts of my coupons."""
    user: Any = request.user
    account = in_scope(PointsAccount, user, "owned_by").first()
    district_id = account.district_id if account else services.resident_district_id(user)
    rules = public_rows(EarningRule).filter(district_id=district_id)
    entries = account.entries.all()[:5] if account else []
    unused = in_scope(Coupon, user, "owned_by").filter(status=CouponStatus.ISSUED).count()
    return render(
        request,
        "points/home.html",
        {
            "account": account,
            "has_district": district_id is not None,
            "rules": rules,
            "entries": entries,
            "unused_coupons": unused,
            "expiry_year": _expiry_year(services.policy_for(district_id) if district_id else None),
        },
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    entries = in_scope(LedgerEntry, request.user, "owned_by").select_related("coupon")
    # The ledger only grows: "更多" by time, nothing counted (core.paging).
    page = keyset_page(entries, request.GET.get(CURSOR_PARAM), order=("-occurred_at", "-id"))
    return render(request, "points/history.html", {"page_obj": page})


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    """The offers the resident qualifies for today, with the points each needs."""
    offers = (
        in_scope(Offer, request.user, "available_to")
        .select_related("firm")
        .order_by("points_cost", "id")
    )
    account = in_scope(PointsAccount, request.user, "owned_by").first()
    return render(
        request,
        "points/offer_list.html",
        {
            "page_obj": _page(request, offers),
            "balance": account.balance if account else 0,
            "redeem_key": secrets.token_hex(16),  # one per page view: a resubmit is a retry
            "has_district": services.resident_district_id(request.user) is not None,
        },
    )


@login_required
def redeem(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the coupon costs and gives, to confirm; POST: redeem it."""
    offer = scoped_get_or_404(Offer, request.user, pk, "available_to")
    if request.method != "POST":
        account = in_scope(PointsAccount, request.user, "owned_by").first()
        balance = account.balance if account else 0
        return render(
            request,
            "points/redeem_confirm.html",
            {
                "offer": offer,
                "balance": balance,
                "left": balance - offer.points_cost,
                "redeem_key": secrets.token_hex(16),  # one per page view: a resubmit retries
            },
        )
    key = (request.POST.get("key") or "")[:64] or None
    try:
        coupon = services.redeem(user=request.user, offer=offer, key=f"web:{key}" if key else None)
    except ValidationError as exc:
        messages.error(request, _message(exc))
        return redirect("points:offer_list")
    messages.success(request, _("兑换成功，请在付费时向律所出示券码"))
    return redirect("points:coupon_detail", coupon.pk)


@login_required
def coupon_list(request: HttpRequest) -> HttpResponse:
    coupons = in_scope(Coupon, request.user, "owned_by").select_related("offer", "firm")
    status = request.GET.get("status", "")
    if status in CouponStatus.values:
        coupons = coupons.filter(status=status)
    return render(
        request,
        "points/coupon_list.html",
        {
            "page_obj": _page(request, coupons),
            "status": status,
            "statuses": CouponStatus.choices,
            "now": timezone.now(),
        },
    )


def coupon_qr(request: HttpRequest, coupon: Coupon) -> SafeString:
    """The coupon's QR code (inline SVG): the firm's verify page with the code filled in."""
    url = request.build_absolute_uri(reverse("points:verify") + f"?code={coupon.code}")
    svg = segno.make(url, error="m").svg_inline(scale=5, title=f"券码 {coupon.code}")
    return mark_safe(svg)  # noqa: S308  (segno escapes the title and data)


@login_required
def coupon_detail(request: HttpRequest, pk: int) -> HttpResponse:
    coupon = get_object_or_404(
        in_scope(Coupon, request.user, "owned_by").select_related("offer", "firm"), pk=pk
    )
    usable = coupon.status == CouponStatus.ISSUED and coupon.expires_at > timezone.now()
    return render(
        request,
        "points/coupon_detail.html",
        {"coupon": coupon, "usable": usable, "qr": coupon_qr(request, coupon) if usable else ""},
    )


@login_required
@require_POST
def coupon_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    coupon = scoped_get_or_404(Coupon, request.user, pk, "owned_by")
    try:
        entry = services.cancel_coupon(user=request.user, coupon=coupon)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("优惠券已取消，%(n)s 积分已退回") % {"n": entry.amount})
    return redirect("points:coupon_detail", pk)


# ---------------------------------------------------------------------------
# Firm


def _works_for_a_firm(user: Any) -> bool:
    """Whether the user works for a firm (firm admin, lawyer): who opens the firm pages."""
    return STAFFED_FIRMS.holds(user)


@login_required
def firm_offers(request: HttpRequest) -> HttpResponse:
    if not _works_for_a_firm(request.user):
        raise Http404
    offers = (
        in_scope(Offer, request.user, "offered_by")
        .select_related("firm")
        .annotate(
            issued=Count("coupons"),
            used=Count("coupons", filter=Q(coupons__status=CouponStatus.USED)),
        )
        .order_by("-id")
    )
    editable = set(in_scope(Offer, request.user, "editable_by").values_list("firm_id", flat=True))
    return render(
        request,
        "points/firm_offers.html",
        {
            "page_obj": _page(request, offers),
            "can_add": OFFERING_FIRMS.holds(request.user),
            "editable_firms": editable,
            "editable_statuses": services.EDITABLE_OFFER,
        },
    )


def _offer_form_page(request: HttpRequest, form: OfferForm, title: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, lambda: services.save_offer(actor=request.user, offer=form.instance)
        )
        if saved:
            messages.success(request, _("优惠已保存，提交审核后居民才能看到"))
            return redirect("points:firm_offers")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("points:firm_offers")},
    )


@login_required
def offer_add(request: HttpRequest) -> HttpResponse:
    firms = in_scope(LawFirm, request.user, OFFERING_FIRMS)
    if not firms.exists():
        raise Http404
    today = timezone.localdate()
    initial = {"valid_from": today, "valid_until": today.replace(month=12, day=31)}
    form = OfferForm(request.POST or None, firms=firms, initial=initial)
    return _offer_form_page(request, form, _("发布积分优惠"))


@login_required
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    offer = scoped_get_or_404(Offer, request.user, pk, "editable_by")
    if offer.status not in services.EDITABLE_OFFER:
        messages.error(request, _("已提交或已发布的优惠不能修改，请先撤回或下架"))
        return redirect("points:firm_offers")
    form = OfferForm(
        request.POST or None,
        instance=offer,
        firms=in_scope(LawFirm, request.user).filter(pk=offer.firm_id),
    )
    return _offer_form_page(request, form, _("编辑优惠：%(t)s") % {"t": offer.title})


def _offer_step(request: HttpRequest, pk: int, step: Any, done: str, back: str) -> HttpResponse:
    offer = scoped_get_or_404(Offer, request.user, pk)
    try:
        step(offer)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def offer_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _offer_step(
        request,
        pk,
        lambda o: services.submit_offer(actor=request.user, offer=o),
        _("优惠已提交"),
        "points:firm_offers",
    )


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    back = "points:firm_offers" if request.POST.get("from") != "bureau" else "points:bureau_offers"
    return _offer_step(
        request,
        pk,
        lambda o: services.withdraw_offer(actor=request.user, offer=o),
        _("优惠已下架，已兑换的优惠券仍可使用"),
        back,
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """A firm verifies a coupon when the service is paid for (code typed or scanned)."""
    if not _works_for_a_firm(request.user):
        raise Http404
    result = pending = None
    form = VerifyForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            # First the coupon is shown to confirm; only 确认核销 uses it up.
            if request.POST.get("confirm"):
                result = services.verify_coupon(actor=request.user, code=code)
            else:
                pending = services.check_coupon(actor=request.user, code=code)
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            if result is not None:
                messages.success(request, _("核销成功"))
                form = VerifyForm()
    recent = (
        in_scope(Coupon, request.user, "verifiable_by")
        .filter(status=CouponStatus.USED)
        .select_related("offer", "used_by", "account__user")
        .order_by("-used_at")[:10]
    )
    return render(
        request,
        "points/verify.html",
        {"form": form, "result": result, "pending": pending, "recent": recent},
    )


# ---------------------------------------------------------------------------
# Bureau


def _bureau_district(request: HttpRequest) -> District:
    districts = in_scope(District, request.user, "editable_by").order_by("pk")
    wanted = request.GET.get("district", "")
    district = (districts.filter(pk=wanted) if wanted.isdigit() else districts).first()
    if district is None:
        raise Http404
    return district


@login_required
def bureau(request: HttpRequest) -> HttpResponse:
    district = _bureau_district(request)
    policy = services.policy_for(district.pk)
    return render(
        request,
        "points/bureau.html",
        {
            "district": district,
            "rules": district.points_rules.all(),
            "policy": policy,
            "expiry_year": _expiry_year(policy),
            "totals": services.district_totals(district.pk),
            "pending": in_scope(Offer, request.user, "reviewable_by")
            .filter(firm__district=district, status=OfferStatus.PENDING)
            .count(),
        },
    )


def _bureau_form(request: HttpRequest, form: Any, write: Any, title: str, done: str) -> Any:
    if request.method == "POST" and form.is_valid() and run_service(form, write):
        messages.success(request, done)
        return redirect("points:bureau")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": title, "cancel_url": reverse("points:bureau")},
    )


@login_required
def rule_add(request: HttpRequest) -> HttpResponse:
    district = _bureau_district(request)
    form = RuleForm(request.POST or None, instance=EarningRule(district=district))
    return _bureau_form(
        request,
        form,
        lambda: services.save_rule(actor=request.user, rule=form.instance),
        _("新增积分规则"),
        _("积分规则已保存"),
    )


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = scoped_get_or_404(EarningRule, request.user, pk, "editable_by")
    form = RuleForm(request.POST or None, instance=rule)
    return _bureau_form(
        request,
        form,
        lambda: services.save_rule(actor=request.user, rule=form.instance),
        _("修改积分规则：%(a)s") % {"a": rule.get_action_display()},
        _("积分规则已保存"),
    )


@login_required
def policy_edit(request: HttpRequest) -> HttpResponse:
    district = _bureau_district(request)
    form = PolicyForm(request.POST or None, instance=services.policy_for(district.pk))
    return _bureau_form(
        request,
        form,
        lambda: services.save_policy(actor=request.user, policy=form.instance),
        _("积分有效期与优惠审核设置"),
        _("设置已保存"),
    )


@login_required
def adjust(request: HttpRequest) -> HttpResponse:
    district = _bureau_district(request)
    form = AdjustForm(request.POST or None, initial={"key": secrets.token_hex(16)})

    def write() -> None:
        user = form.cleaned_data["phone"]
        if services.resident_district_id(user) != district.pk:
            raise ValidationError({"phone": NO_RESIDENT})
        try:
            services.adjust(
                actor=request.user,
                user=user,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                key=f"web:{form.cleaned_data['key']}",
            )
        except PermissionDenied as exc:
            raise ValidationError({"phone": NO_RESIDENT}) from exc

    return _bureau_form(request, form, write, _("调整居民积分"), _("积分已调整"))


@login_required
def bureau_offers(request: HttpRequest) -> HttpResponse:
    district = _bureau_district(request)
    status = request.GET.get("status", OfferStatus.PENDING)
    offers = (
        in_scope(Offer, request.user, "reviewable_by")
        .filter(firm__district=district)
        .select_related("firm", "reviewed_by")
        .order_by("-updated_at", "-id")
    )
    if status in OfferStatus.values:
        offers = offers.filter(status=status)
    return render(
        request,
        "points/bureau_offers.html",
        {
            "page_obj": _page(request, offers),
            "status": status,
            "statuses": OfferStatus.choices,
            "form": ReviewForm(),
        },
    )


@login_required
@require_POST
def offer_review(request: HttpRequest, pk: int) -> HttpResponse:
    offer = scoped_get_or_404(Offer, request.user, pk, "reviewable_by")
    form = ReviewForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    try:
        services.review_offer(actor=request.user, offer=offer, approve=approve, note=note)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("已发布") if approve else _("已退回"))
    return redirect(reverse("points:bureau_offers"))


urlpatterns = [
    path("", home, name="home"),
    path("history/", history, name="history"),
    path("offers/", offer_list, name="offer_list"),
    path("offers/<int:pk>/redeem/", redeem, name="redeem"),
    path("coupons/", coupon_list, name="coupon_list"),
    path("coupons/<int:pk>/", coupon_detail, name="coupon_detail"),
    path("coupons/<int:pk>/cancel/", coupon_cancel, name="coupon_cancel"),
    path("firm/offers/", firm_offers, name="firm_offers"),
    path("firm/offers/new/", offer_add, name="offer_add"),
    path("firm/offers/<int:pk>/edit/", offer_edit, name="offer_edit"),
    path("firm/offers/<int:pk>/submit/", offer_submit, name="offer_submit"),
    path("offers/<int:pk>/withdraw/", offer_withdraw, name="offer_withdraw"),
    path("firm/verify/", verify, name="verify"),
    path("bureau/", bureau, name="bureau"),
    path("bureau/rules/new/", rule_add, name="rule_add"),
    path("bureau/rules/<int:pk>/edit/", rule_edit, name="rule_edit"),
    path("bureau/settings/", policy_edit, name="policy_edit"),
    path("bureau/adjust/", adjust, name="adjust"),
    path("bureau/offers/", bureau_offers, name="bureau_offers"),
    path("bureau/offers/<int:pk>/review/", offer_review, name="offer_review"),
]
