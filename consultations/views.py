"""Pages of online consultation: asking (also on a resident's behalf), the thread,
the lawyers' queue and conflict check, the directory and paid services, the
knowledge base, duty shifts, and the bureau's board and roster.

Every page starts from ``visible_to``; rows outside the user's scope answer 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from consultations import board as board_figures
from consultations import knowledge, quotes, roster, services
from consultations.choices import (
    LIVE_ASSIGNMENT,
    AssignmentStatus,
    QuestionStatus,
    ServiceStatus,
    ShiftStatus,
    SwapStatus,
)
from consultations.forms import (
    AskForm,
    AssistForm,
    CloseForm,
    DecisionForm,
    DeclineForm,
    DirectoryForm,
    HandoverForm,
    QuoteForm,
    ReplyForm,
    SearchForm,
    ServiceRequestForm,
    SwapForm,
    UnavailableForm,
    parse_month,
)
from consultations.models import (
    DutyShift,
    DutySwapRequest,
    KnowledgeEntry,
    Notice,
    Question,
    QuestionAttachment,
    ServiceRequest,
)
from consultations.querysets import (
    ASSISTED_FILING,
    CONTACT_READERS,
    HANDOVER_TARGETS,
    OWN_LAWYER,
    QUESTION_STAFF,
    QUEUE_HOLDERS,
    can_read_text,
)
from core.excel import xlsx_response
from core.forms import run_service
from core.paging import CURSOR_PARAM, KeysetPage, keyset_page, offset_page
from core.scope import get_principal
from core.views import in_scope, public_rows, scoped_get_or_404
from firms.models import Lawyer
from pairing.models import Pairing
from points import services as points_services
from points.choices import Action as PointsAction
from regions import services as region_services
from regions.models import Community, District

PAGE_SIZE = 20
SUGGESTIONS = 5


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _newest_first(request: HttpRequest, qs: QuerySet[Question]) -> KeysetPage:
    """Question lists grow by the day: "更多" by posting time, nothing counted (core.paging)."""
    return keyset_page(qs, request.GET.get(CURSOR_PARAM), order=("-posted_at", "-id"))


def _mark_access(user: Any, rows: Any) -> None:
    for q in rows:
        q.readable = can_read_text(user, q)


# What a list row shows (consultations/includes/question_row.html, {% deadline %}) and
# what can_read_text decides by: the text, the parties and the reminders stay unread.
LIST_ROW_FIELDS = (
    "case_number",
    "title",
    "is_public",
    "status",
    "posted_at",
    "reply_deadline",
    "first_replied_at",
    "deadline_met",
    "asker_id",
    "filed_by_id",
    "district_id",
    "category__name",
    "community__name",
)


def _list_rows(qs: QuerySet[Question], user: Any) -> QuerySet[Question]:
    return (
        qs.with_access(user)  # type: ignore[attr-defined]
        .select_related("category", "community")
        .only(*LIST_ROW_FIELDS)
        .order_by("-posted_at", "-id")
    )


# --- residents: ask, my questions, the thread --------------------------------------------


def _draft(form: AskForm) -> services.Draft:
    data = form.cleaned_data
    return services.Draft(
        community=data["community"],
        category=data["category"],
        text=data["text"],
        is_public=data["is_public"],
        parties=data["parties"],
        chosen_lawyer=data.get("chosen_lawyer"),
        attachments=data["attachments"],
    )


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "resident_profile", None)
    lawyer_id = request.GET.get("lawyer", "")
    initial = {
        "community": profile.community_id if profile else None,
        "chosen_lawyer": lawyer_id if lawyer_id.isdigit() else None,
    }
    form = AskForm(request.POST or None, request.FILES or None, initial=initial)
    chosen = None
    if lawyer_id.isdigit():
        chosen = public_rows(Lawyer).select_related("firm").filter(pk=lawyer_id).first()
    if request.method == "POST" and form.is_valid():
        result: dict[str, Any] = {}

        def write() -> None:
            result["q"], result["created"] = services.post_question(
                actor=request.user,  # type: ignore[arg-type]
                draft=_draft(form),
            )

        if run_service(form, write):
            if result["created"]:
                messages.success(
                    request, _("咨询已提交，编号 %(no)s") % {"no": result["q"].case_number}
                )
            else:
                messages.info(request, _("相同的问题刚刚已提交过，无需重复提交"))
            return redirect("consultations:question_detail", result["q"].pk)
    return render(request, "consultations/ask.html", {"form": form, "chosen": chosen})


@login_required
def assist(request: HttpRequest) -> HttpResponse:
    """Assisted filing by community (or 司法所) staff, for a resident who cannot."""
    communities = in_scope(Community, request.user, ASSISTED_FILING).filter(is_active=True)
    if not communities.exists():
        raise Http404
    form = AssistForm(request.POST or None, request.FILES or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        result: dict[str, Any] = {}

        def write() -> None:
            result["q"], result["created"] = services.file_for_resident(
                actor=request.user,  # type: ignore[arg-type]
                draft=_draft(form),
                resident_name=form.cleaned_data["resident_name"],
                resident_phone=form.cleaned_data["resident_phone"],
            )

        if run_service(form, write):
            messages.success(
                request,
                _("已代居民提交咨询，编号 %(no)s；律师答复后请回访居民")
                % {"no": result["q"].case_number},
            )
            return redirect("consultations:question_detail", result["q"].pk)
    return render(request, "consultations/assist.html", {"form": form})


def suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the knowledge entries most like the draft being typed."""
    text = request.GET.get("text", "")[:500]
    district = SearchForm(district=_home_district(request.user)).chosen_district
    entries = knowledge.search(in_scope(KnowledgeEntry, request.user).in_district(district), text)[
        :SUGGESTIONS
    ]
    return render(request, "consultations/includes/suggestions.html", {"entries": entries})


@login_required
def my_questions(request: HttpRequest) -> HttpResponse:
    qs = _list_rows(in_scope(Question, request.user).filter(asker=request.user), request.user)
    page = _newest_first(request, qs)
    _mark_access(request.user, page)
    return render(request, "consultations/my_questions.html", {"page_obj": page})


# Of the rows joined to the question, what its page shows: the asker's name, who filed
# it (name or masked phone), the mediation case made from it (linked), the category
# and the community (measured: 1.45 -> 1.07 ms a page with every column joined).
JOINED_FIELDS = (
    "category__name",
    "community__name",
    "asker__name",
    "filed_by__name",
    "filed_by__phone",
    "mediation_case__id",
)


def _question(request: HttpRequest, pk: int) -> Question:
    qs = in_scope(Question, request.user).with_access(request.user)
    # (the page links the mediation case made from the question, if any: joined, not read
    # by a query of its own)
    related = ("category", "community", "asker", "filed_by", "mediation_case")
    own = [f.name for f in Question._meta.concrete_fields]
    return get_object_or_404(qs.select_related(*related).only(*own, *JOINED_FIELDS), pk=pk)


@login_required
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    q = _question(request, pk)
    readable = can_read_text(user, q)
    mine = getattr(q, "my_status", None)
    own = user.pk in (q.asker_id, q.filed_by_id)
    assignments = list(q.assignments.select_related("lawyer__firm", "handed_to").order_by("id"))
    # The active lawyers of the user's firm not yet assigned the question.
    colleagues = in_scope(Lawyer, user, HANDOVER_TARGETS).filter(is_active=True)
    if mine == AssignmentStatus.ACTIVE:
        colleagues = colleagues.exclude(pk__in=[a.lawyer_id for a in assignments])
    else:
        colleagues = colleagues.none()
    # Only a lawyer not yet assigned an open question may take it (and only on duty).
    can_take = (
        mine is None
        and q.status != QuestionStatus.CLOSED
        and roster.on_duty_today(user).filter(district_id=q.district_id).exists()
    )
    context = {
        "q": q,
        "readable": readable,
        "own": own,
        "my_status": mine,
        "assignments": assignments,
        "replies": q.replies.select_related("lawyer").order_by("posted_at", "id")
        if readable
        else [],
        "attachments": q.attachments.all() if readable else [],
        "reply_form": ReplyForm()
        if q.status != QuestionStatus.CLOSED and (own or mine == AssignmentStatus.ACTIVE)
        else None,
        "close_form": CloseForm() if own and q.status != QuestionStatus.CLOSED else None,
        "decline_form": DeclineForm() if mine == AssignmentStatus.PENDING else None,
        "handover_form": HandoverForm(colleagues=colleagues)
        if mine == AssignmentStatus.ACTIVE and q.status != QuestionStatus.CLOSED
        else None,
        "can_take": can_take,
        "show_contact": own or CONTACT_READERS.holds(user),
    }
    return render(request, "consultations/question_detail.html", context)


def _act(
    request: HttpRequest, pk: int, action: Any, success: str | Callable[[Question], str]
) -> HttpResponse:
    q = _question(request, pk)
    try:
        action(q)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, success(q) if callable(success) else success)
    return redirect("consultations:question_detail", q.pk)


def _closed(request: HttpRequest) -> Callable[[Question], str]:
    """The thanks after closing, with the points the rating earned, if any."""

    def message(q: Question) -> str:
        points = points_services.earned_points(
            user=request.user, action=PointsAction.ANSWER_RATING, source=q
        )
        if points:
            return _("咨询已结束，感谢您的评价！评价解答获得 %(n)s 积分") % {"n": points}
        return str(_("咨询已结束，感谢您的评价"))

    return message


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReplyForm(request.POST)
    text = form.data.get("text", "")
    return _act(
        request,
        pk,
        lambda q: services.post_reply(actor=request.user, question=q, text=text),  # type: ignore[arg-type]
        _("回复已发送"),
    )


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请为律师的解答打分（1–5 分）"))
        return redirect("consultations:question_detail", pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda q: services.close_question(
            actor=request.user,  # type: ignore[arg-type]
            question=q,
            rating=data["rating"],
            comment=data["comment"],
        ),
        _closed(request),
    )


@login_required
@require_POST
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """The conflict check: confirm (then read) or decline (the question passes on)."""
    user: Any = request.user
    if request.POST.get("decision") == "confirm":
        return _act(
            request,
            pk,
            lambda q: services.confirm_no_conflict(actor=user, question=q),
            _("已确认无利益冲突，现在可以查看咨询内容"),
        )
    note = request.POST.get("note", "")
    response = _act(
        request,
        pk,
        lambda q: services.decline_for_conflict(actor=user, question=q, note=note),
        _("已回避，咨询已转给其他律师"),
    )
    if in_scope(Question, user).filter(pk=pk).exists():
        return response
    return redirect("consultations:queue")


@login_required
@require_POST
def handover(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    q = _question(request, pk)
    colleagues = in_scope(Lawyer, user, HANDOVER_TARGETS).filter(is_active=True)
    form = HandoverForm(request.POST, colleagues=colleagues)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("consultations:question_detail", q.pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda q: services.hand_over(
            actor=user, question=q, to_lawyer=data["to_lawyer"], reason=data["reason"]
        ),
        _("已转交给 %(name)s") % {"name": data["to_lawyer"].name},
    )


@login_required
@require_POST
def take(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    return _act(
        request, pk, lambda q: services.take_from_pool(actor=user, question=q), _("已接手该咨询")
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    att = get_object_or_404(
        in_scope(QuestionAttachment, request.user).select_related("question"), pk=pk
    )
    q = in_scope(Question, request.user, "with_access").get(pk=att.question_id)  # type: ignore[attr-defined]
    if not can_read_text(request.user, q):
        raise Http404
    return FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.original_name,
        content_type=att.content_type,
    )


# --- lawyers: the queue ----------------------------------------------------------------------


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The lawyer's live assignments, then (on a duty day) the district's duty pool.
    Both are read from the lawyer's own assignments and districts, not the table."""
    user: Any = request.user
    if not QUEUE_HOLDERS.holds(user):
        raise Http404
    mine = _list_rows(in_scope(Question, user, "assigned_to", LIVE_ASSIGNMENT), user)
    # The most urgent first; "更多" for the rest, nothing counted (core.paging).
    page = keyset_page(
        mine, request.GET.get(CURSOR_PARAM), order=("reply_deadline", "id"), more_label="更多"
    )
    _mark_access(user, page)
    pool: list[Question] = []
    if roster.on_duty_today(user).exists():
        pooled = _list_rows(in_scope(Question, user, "duty_pool_of"), user)
        pool = list(
            pooled.filter(Q(my_status__isnull=True)).order_by("reply_deadline", "id")[:PAGE_SIZE]
        )
        _mark_access(user, pool)
    return render(request, "consultations/queue.html", {"page_obj": page, "pool": pool})


# --- staff: the list of questions in scope -------------------------------------------------


@login_required
def question_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not QUESTION_STAFF.holds(user):
        raise Http404
    qs = _list_rows(in_scope(Question, user), user)
    status = request.GET.get("status", "")
    if status == "overdue":
        qs = qs.filter(services.overdue_q(timezone.now()))
    elif status in QuestionStatus.values:
        qs = qs.filter(status=status)
    page = _newest_first(request, qs)
    _mark_access(user, page)
    return render(
        request,
        "consultations/question_list.html",
        {"page_obj": page, "status": status, "statuses": QuestionStatus.choices},
    )


# --- the directory and paid services -----------------------------------------------------------


def _home_district(user: Any) -> int | None:
    """The district of the user's first role (a resident's home community's)."""
    return next((b.district_id for b in get_principal(user).bindings if b.district_id), None)


def directory(request: HttpRequest) -> HttpResponse:
    """The lawyers of one district (the user's own unless another is chosen)."""
    form = DirectoryForm(request.GET or None, district=_home_district(request.user))
    data = form.data_or_empty()
    qs = (
        public_rows(Lawyer)
        .filter(firm__district_id=data["district"])
        .select_related("firm")
        .prefetch_related("specialties")
        .order_by("firm__name", "name")
    )
    if data.get("specialty"):
        qs = qs.filter(specialties=data["specialty"])
    if data.get("firm"):
        qs = qs.filter(firm=data["firm"])
    if data.get("community"):
        qs = qs.filter(
            firm_id__in=public_rows(Pairing).filter(community=data["community"]).values("firm_id")
        )
    if data.get("min_rating"):
        qs = qs.filter(rating_count__gt=0, rating_total__gte=F("rating_count") * data["min_rating"])
    return render(
        request, "consultations/directory.html", {"form": form, "page_obj": _page(request, qs)}
    )


def lawyer_page(request: HttpRequest, pk: int) -> HttpResponse:
    lawyer = get_object_or_404(
        public_rows(Lawyer).select_related("firm").prefetch_related("specialties"),
        pk=pk,
    )
    communities = (
        public_rows(Community)
        .filter(pk__in=public_rows(Pairing).filter(firm=lawyer.firm_id).values("community_id"))
        .order_by("name")
    )
    return render(
        request, "consultations/lawyer.html", {"lawyer": lawyer, "communities": communities}
    )


@login_required
def service_new(request: HttpRequest, lawyer_pk: int) -> HttpResponse:
    lawyer = get_object_or_404(public_rows(Lawyer).select_related("firm__district"), pk=lawyer_pk)
    form = ServiceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result: dict[str, ServiceRequest] = {}

        def write() -> None:
            result["r"] = quotes.request_service(
                actor=request.user,  # type: ignore[arg-type]
                lawyer=lawyer,
                description=form.cleaned_data["description"],
            )

        if run_service(form, write):
            messages.success(request, _("申请已提交，律师会按公开的收费标准书面报价"))
            return redirect("consultations:service_detail", result["r"].pk)
    return render(request, "consultations/service_new.html", {"form": form, "lawyer": lawyer})


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    qs = (
        in_scope(ServiceRequest, request.user)
        .select_related("lawyer__firm", "resident")
        .order_by("-created_at", "-id")
    )
    return render(request, "consultations/service_list.html", {"page_obj": _page(request, qs)})


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    r = get_object_or_404(
        in_scope(ServiceRequest, user).select_related("lawyer__firm", "resident"), pk=pk
    )
    is_lawyer = r.lawyer_id in get_principal(user).ids(Role.LAWYER)  # the lawyer asked
    quote_form = (
        QuoteForm(request.POST or None)
        if is_lawyer and r.status == ServiceStatus.REQUESTED
        else None
    )
    if request.method == "POST":
        if quote_form is None:
            raise Http404
        if quote_form.is_valid():
            data = quote_form.cleaned_data
            if run_service(
                quote_form,
                lambda: quotes.quote(
                    actor=user, request=r, fee=data["quote_fee"], scope=data["quote_scope"]
                ),
            ):
                messages.success(request, _("报价已发送给居民"))
                return redirect("consultations:service_detail", r.pk)
    context = {
        "r": r,
        "quote_form": quote_form,
        "decision_form": DecisionForm()
        if r.resident_id == user.pk and r.status == ServiceStatus.QUOTED
        else None,
    }
    return render(request, "consultations/service_detail.html", context)


@login_required
@require_POST
def service_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    r = scoped_get_or_404(ServiceRequest, user, pk)
    accept = request.POST.get("decision") == "accept"
    try:
        quotes.decide(actor=user, request=r, accept=accept, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("已接受报价") if accept else _("已谢绝报价"))
    return redirect("consultations:service_detail", r.pk)


# --- the knowledge base and notices ----------------------------------------------------------


def knowledge_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, district=_home_district(request.user))
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    entries = (
        in_scope(KnowledgeEntry, request.user)
        .in_district(form.chosen_district)
        .select_related("category")
        .only("title", "published_at", "category__name")
    )
    # The knowledge base grows with every answered question: nothing is counted. Search
    # results go by relevance, page by page; the whole list newest first, "更多".
    if text:
        page: Any = offset_page(knowledge.search(entries, text), request.GET.get("page"))
    else:
        page = keyset_page(entries, request.GET.get(CURSOR_PARAM), order=("-published_at", "-id"))
    return render(
        request, "consultations/knowledge.html", {"form": form, "page_obj": page, "text": text}
    )


def knowledge_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        in_scope(KnowledgeEntry, request.user).select_related("category"), pk=pk
    )
    return render(request, "consultations/knowledge_entry.html", {"entry": entry})


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        in_scope(Notice, request.user).unread().update(read_at=timezone.now())
        return redirect("consultations:notices")
    qs = in_scope(Notice, request.user).order_by("-created_at", "-id")
    return render(request, "consultations/notices.html", {"page_obj": _page(request, qs)})


# --- duty: a lawyer's shifts ----------------------------------------------------------------


def _own_lawyer(user: Any) -> Lawyer:
    lawyer = in_scope(Lawyer, user, OWN_LAWYER).select_related("firm").first()
    if lawyer is None:
        raise Http404
    return lawyer


@login_required
def my_duty(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    lawyer = _own_lawyer(user)
    today = timezone.localdate()
    shifts = in_scope(DutyShift, user).filter(lawyer=lawyer).order_by("-date")
    upcoming = shifts.filter(date__gte=today, status=ShiftStatus.SCHEDULED).order_by("date")
    colleagues = (
        roster.volunteers(lawyer.firm.district_id)
        .exclude(pk=lawyer.pk)
        .select_related("firm")
        .order_by("name")
    )
    swap_form = SwapForm(request.POST or None, shifts=upcoming, lawyers=colleagues)
    unavailable_form = UnavailableForm(request.POST or None, prefix="u")
    if request.method == "POST":
        if "u-date" in request.POST:
            if unavailable_form.is_valid() and run_service(
                unavailable_form,
                lambda: roster.mark_unavailable(
                    actor=user,
                    day=unavailable_form.cleaned_data["date"],
                    reason=unavailable_form.cleaned_data["reason"],
                ),
            ):
                messages.success(request, _("已登记不能值班的日期"))
                return redirect("consultations:duty")
        elif swap_form.is_valid():
            data = swap_form.cleaned_data
            if run_service(
                swap_form,
                lambda: roster.request_swap(
                    actor=user,
                    shift=data["shift"],
                    to_lawyer=data["to_lawyer"],
                    reason=data["reason"],
                ),
            ):
                messages.success(request, _("换班申请已提交，等待区司法局审批"))
                return redirect("consultations:duty")
    context = {
        "lawyer": lawyer,
        "today": today,
        "page_obj": _page(request, shifts),
        # A swap needs a shift of one's own to give: no form when there is none.
        "swap_form": swap_form if upcoming.exists() else None,
        "unavailable_form": unavailable_form,
        "per_day": region_services.settings_for(lawyer.firm.district_id).duty_lawyers_per_day,
        "swaps": in_scope(DutySwapRequest, user).select_related("shift", "to_lawyer", "requester")[
            :10
        ],
    }
    return render(request, "consultations/duty.html", context)


@login_required
@require_POST
def shift_check(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    shift = scoped_get_or_404(DutyShift, user, pk)
    action = roster.check_out if request.POST.get("action") == "out" else roster.check_in
    try:
        action(actor=user, shift=shift)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("已签退") if action is roster.check_out else _("已签到"))
    return redirect("consultations:duty")


# --- the bureau: board and roster ------------------------------------------------------------


def _bureau_district(request: HttpRequest) -> District:
    districts = in_scope(District, request.user, "editable_by").order_by("code")
    raw = request.GET.get("district", "")
    district = districts.filter(pk=raw).first() if raw.isdigit() else districts.first()
    if district is None:
        raise Http404
    return district


@login_required
def board(request: HttpRequest) -> HttpResponse:
    district = _bureau_district(request)
    year, month = parse_month(request.GET.get("month"))
    now = timezone.now()
    start, end = board_figures.month_bounds(year, month)
    district_qs = in_scope(Question, request.user).filter(district=district)
    overdue = (
        district_qs.filter(services.overdue_q(now))
        .select_related("category", "community")
        .order_by("reply_deadline")
    )
    totals = district_qs.filter(posted_at__gte=start, posted_at__lt=end).aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(deadline_met=True)),
        late=Count("pk", filter=Q(deadline_met=False)),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        rating=Avg("rating"),
    )
    page = _page(request, overdue)
    for q in page:
        q.readable = True  # the bureau reads its district's questions
    context = {
        "district": district,
        "month": f"{year:04d}-{month:02d}",
        "page_obj": page,
        "totals": totals,
        "firms": board_figures.firm_rates(district, year, month, now),
        "short_days": roster.short_days(district, year, month),
    }
    return render(request, "consultations/board.html", context)


@login_required
def roster_page(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    district = _bureau_district(request)
    year, month = parse_month(request.GET.get("month") or request.POST.get("month"))
    if request.method == "POST":
        try:
            result = roster.generate_roster(actor=user, district=district, year=year, month=month)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("已生成 %(n)s 个班次") % {"n": result.created})
            if result.short_days:
                messages.warning(
                    request,
                    _("有 %(n)s 天符合条件的志愿律师不足：%(days)s")
                    % {
                        "n": len(result.short_days),
                        "days": "、".join(f"{d.day}日" for d in result.short_days),
                    },
                )
        return redirect(f"{request.path}?district={district.pk}&month={year:04d}-{month:02d}")
    shifts = (
        in_scope(DutyShift, user)
        .filter(district=district, date__year=year, date__month=month)
        .select_related("lawyer__firm")
        .order_by("date", "lawyer__name")
    )
    days: dict[date, list[DutyShift]] = {d: [] for d in roster.month_days(year, month)}
    for s in shifts:
        days[s.date].append(s)
    swaps = (
        in_scope(DutySwapRequest, user, "editable_by")
        .filter(status=SwapStatus.PENDING, shift__district=district)
        .select_related("shift", "requester", "to_lawyer", "to_shift")
        .order_by("shift__date")
    )
    context = {
        "district": district,
        "month": f"{year:04d}-{month:02d}",
        "days": [(d, f"星期{roster.WEEKDAYS[d.weekday()]}", rows) for d, rows in days.items()],
        "short": set(roster.short_days(district, year, month)),
        "swaps": swaps,
    }
    return render(request, "consultations/roster.html", context)


@login_required
def roster_export(request: HttpRequest) -> HttpResponse:
    district = _bureau_district(request)
    year, month = parse_month(request.GET.get("month"))
    content = roster.export_roster(actor=request.user, district=district, year=year, month=month)  # type: ignore[arg-type]
    return xlsx_response(content, f"值班表-{district.name}-{year:04d}{month:02d}.xlsx")


@login_required
@require_POST
def swap_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    swap = get_object_or_404(
        in_scope(DutySwapRequest, user, "editable_by").select_related("shift"), pk=pk
    )
    approve = request.POST.get("decision") == "approve"
    try:
        roster.decide_swap(
            actor=user, swap=swap, approve=approve, note=request.POST.get("note", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("已批准换班") if approve else _("已驳回换班申请"))
    month = f"{swap.shift.date:%Y-%m}"
    url = reverse("consultations:roster")
    return redirect(f"{url}?district={swap.shift.district_id}&month={month}")


urlpatterns = [
    path("ask/", ask, name="ask"),
    path("assist/", assist, name="assist"),
    path("suggest/", suggest, name="suggest"),
    path("mine/", my_questions, name="mine"),
    path("questions/", question_list, name="question_list"),
    path("questions/<int:pk>/", question_detail, name="question_detail"),
    path("questions/<int:pk>/reply/", reply, name="reply"),
    path("questions/<int:pk>/close/", close, name="close"),
    path("questions/<int:pk>/conflict/", conflict, name="conflict"),
    path("questions/<int:pk>/handover/", handover, name="handover"),
    path("questions/<int:pk>/take/", take, name="take"),
    path("attachments/<int:pk>/", attachment, name="attachment"),
    path("queue/", queue, name="queue"),
    path("lawyers/", directory, name="directory"),
    path("lawyers/<int:pk>/", lawyer_page, name="lawyer"),
    path("lawyers/<int:lawyer_pk>/service/", service_new, name="service_new"),
    path("services/", service_list, name="service_list"),
    path("services/<int:pk>/", service_detail, name="service_detail"),
    path("services/<int:pk>/decide/", service_decide, name="service_decide"),
    path("knowledge/", knowledge_search, name="knowledge"),
    path("knowledge/<int:pk>/", knowledge_entry, name="knowledge_entry"),
    path("notices/", notices, name="notices"),
    path("duty/", my_duty, name="duty"),
    path("duty/<int:pk>/check/", shift_check, name="shift_check"),
    path("board/", board, name="board"),
    path("roster/", roster_page, name="roster"),
    path("roster/export/", roster_export, name="roster_export"),
    path("swaps/<int:pk>/decide/", swap_decide, name="swap_decide"),
]
