"""Pages of cloud mediation.

Parties and mediators (mobile-first): my cases, apply online, the case page (the
timeline, the message room, sessions, the agreement and its confirmation by SMS
code, the transitions the user may do now), the agreement PDF.
Staff: file for a resident, turn a question into a case, the register, statistics.
Every page starts from ``visible_to``; a case outside scope answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from consultations.models import Question
from core.audit import record_view
from core.forms import page_filter, run_service
from core.masking import mask_id_number, mask_phone
from core.paging import CURSOR_PARAM, keyset_page
from core.views import in_scope, public_rows, scoped_get_or_404
from mediation import services, stats
from mediation.choices import Channel, Guidance
from mediation.filters import CaseFilter, OrganizationFilter
from mediation.forms import (
    AcceptForm,
    AgreementForm,
    ApplicationForm,
    AssignForm,
    ConfirmForm,
    DeclineForm,
    FailForm,
    FilingForm,
    FollowUpForm,
    FromQuestionForm,
    MessageForm,
    RecordSessionForm,
    ScheduleForm,
    SendCodeForm,
    StatsForm,
)
from mediation.models import (
    Case,
    CaseFile,
    MediationLawyer,
    Mediator,
    Organization,
)
from mediation.pdf import agreement_pdf
from mediation.querysets import CASE_WORKERS, FILING, MEDIATORS, RESIDENTS, oversees_cases
from mediation.timeline import timeline
from regions.models import Community, District, ResidentProfile

PAGE_SIZE = 20
# What the case's mediators see in full (each time logged as a view of personal data).
PERSONAL_FIELDS = ["当事人手机号", "当事人身份证号码"]
SUGGEST_ATTRS = {
    "hx-get": "",  # set per page (reverse of mediation:suggest)
    "hx-trigger": "change from:#id_community, change from:#id_category",
    "hx-include": "#id_community, #id_category",
    "hx-target": "this",
    "hx-swap": "innerHTML",
}


def _page(request: HttpRequest, qs: QuerySet) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# --- lists ---------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The cases the user sees: a party's own, a mediator's organization's, the
    street's or the district's; filtered by state, overdue, assigned to me."""
    qs = (
        in_scope(Case, request.user)
        .select_related("organization", "community__street")
        .order_by("-applied_at", "-id")
    )
    working = CASE_WORKERS.holds(request.user)
    mediator = MEDIATORS.holds(request.user)
    fields = ["status", "category", "overdue", "number"] if working else ["status"]
    if mediator:
        fields.insert(3, "mine")
    filterset = page_filter(CaseFilter, request, qs, fields)
    return render(
        request,
        "mediation/case_list.html",
        {
            "filter": filterset,
            # Cases grow by the day: "更多" by application time, nothing counted.
            "page_obj": keyset_page(
                filterset.qs, request.GET.get(CURSOR_PARAM), order=("-applied_at", "-id")
            ),
            "now": timezone.now(),
            "is_mediator": mediator,
            # Those who work on cases are offered to apply for one only as residents.
            "offer_apply": not working or RESIDENTS.holds(request.user),
            "can_file": bool(_filing_communities(request.user).exists()),
        },
    )


# --- applications --------------------------------------------------------------------------


def _suggest_widget(form: ApplicationForm) -> None:
    attrs = dict(SUGGEST_ATTRS, **{"hx-get": reverse("mediation:suggest")})
    form.fields["organization"].widget.attrs.update(attrs)


def _home_community(user: Any) -> Community | None:
    profile = in_scope(ResidentProfile, user, "owned_by").select_related("community").first()
    return profile.community if profile else None


@login_required
def apply_view(request: HttpRequest) -> HttpResponse:
    """Apply online (线上调/掌上调): the resident is the applicant."""
    user: Any = request.user
    home = _home_community(user)
    initial = {
        "community": home.pk if home else None,
        "applicant_name": user.name,
        "applicant_phone": user.phone,
    }
    bound = request.method == "POST"
    # Any community of the province, picked district by district (the home one first);
    # the organizations and mediating lawyers of the district picked.
    form = ApplicationForm(
        request.POST if bound else None, request.FILES if bound else None, initial=initial
    )
    _suggest_widget(form)
    created: list[Case] = []
    if bound and form.is_valid():
        app = form.application()
        if run_service(form, lambda: created.append(services.apply(actor=user, application=app))):
            messages.success(
                request,
                _("调解申请已提交，编号 %(no)s。受理后会短信通知您。")
                % {"no": created[0].case_number},
            )
            return redirect("mediation:case_detail", created[0].pk)
    return render(request, "mediation/apply.html", {"form": form, "filing": False})


def _filing_communities(user: Any) -> QuerySet[Community]:
    return FILING.apply(public_rows(Community), user)


@login_required
def file_view(request: HttpRequest) -> HttpResponse:
    """Assisted filing for a resident (窗口受理, 网格员代为申请)."""
    communities = _filing_communities(request.user)
    districts = set(communities.values_list("street__district_id", flat=True).distinct())
    if not districts:
        raise Http404
    bound = request.method == "POST"
    form = FilingForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        communities=communities,
        district_ids=districts,
        initial={"channel": Channel.DESK},
    )
    _suggest_widget(form)
    created: list[Case] = []
    if bound and form.is_valid():
        app = form.application()
        channel = form.cleaned_data["channel"]
        if run_service(
            form,
            lambda: created.append(
                services.file_for_party(actor=request.user, application=app, channel=channel)
            ),
        ):
            messages.success(
                request,
                _("已代为提交调解申请，编号 %(no)s，已短信告知申请人。")
                % {"no": created[0].case_number},
            )
            return redirect("mediation:case_detail", created[0].pk)
    return render(request, "mediation/apply.html", {"form": form, "filing": True})


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The organization options for a community and category, suggested ones first
    (htmx swaps them into the application form's select)."""
    community = (
        public_rows(Community)
        .select_related("street")
        .filter(pk=request.GET.get("community") or 0)
        .first()
        if (request.GET.get("community") or "").isdigit()
        else None
    )
    category = request.GET.get("category", "")
    suggested = services.suggest_organizations(community, category) if community else []
    others = (
        public_rows(Organization)
        .filter(district_id=community.street.district_id)
        .exclude(pk__in=[o.pk for o in suggested])
        .by_level()
        if community
        else []
    )
    return render(
        request,
        "mediation/includes/org_options.html",
        {"suggested": suggested, "others": others},
    )


@login_required
def from_question(request: HttpRequest, question_pk: int) -> HttpResponse:
    """Turn a question into a mediation case that keeps its number."""
    question = get_object_or_404(
        in_scope(Question, request.user).select_related("category"), pk=question_pk
    )
    existing = in_scope(Case, request.user).filter(question=question).first()
    if existing is not None:
        return redirect("mediation:case_detail", existing.pk)
    initial = {
        "category": services.category_from_question(question),
        "respondent_name": question.parties[:100],
    }
    form = FromQuestionForm(request.POST or None, initial=initial)
    created: list[Case] = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_service(
            form,
            lambda: created.append(
                services.case_from_question(
                    actor=request.user,
                    question=question,
                    respondent_name=d["respondent_name"],
                    respondent_phone=d["respondent_phone"],
                    category=d["category"],
                    claims=d.get("claims", ""),
                )
            ),
        ):
            messages.success(request, _("已转为调解申请，案件编号不变。"))
            return redirect("mediation:case_detail", created[0].pk)
    return render(request, "mediation/from_question.html", {"form": form, "question": question})


# --- the case page ---------------------------------------------------------------------------


def _case(request: HttpRequest, pk: int) -> Case:
    # Only what every case page shows: each joined table costs the planner and the ORM
    # (the question's thread is read by the timeline; a requested lawyer only by staff).
    return get_object_or_404(
        in_scope(Case, request.user).select_related(
            "organization", "community__street", "lawyer__firm"
        ),
        pk=pk,
    )


def _assign_form(case: Case, user: Any, data: Any = None) -> AssignForm:
    # The staff overseeing the case (its district's bureau, its street's 司法所) choose
    # among all of the district's organizations; the others keep the case's own.
    staff = in_scope(Case, user, "overseen_by").filter(pk=case.pk).exists()
    if staff and case.community is not None:
        orgs = services.suggest_organizations(case.community, case.category)
        rest = (
            public_rows(Organization)
            .filter(district_id=case.district_id)
            .exclude(pk__in=[o.pk for o in orgs])
        )
        orgs += list(rest.by_level())
    elif staff:
        orgs = list(public_rows(Organization).filter(district_id=case.district_id))
    else:
        orgs = [case.organization] if case.organization else []
    registered = services.suggest_lawyers(case)
    # The organization the applicant chose comes first, if it can still take the case.
    requested = next((o for o in orgs if o.pk == case.requested_organization_id), None)
    first = case.organization or requested or (orgs[0] if orgs else None)
    picked = str((data or {}).get("organization", ""))
    chosen = next((o for o in orgs if str(o.pk) == picked), first)
    initial: dict[str, Any] = {"organization": first.pk if first else None}
    if first is not None:
        initial["mediators"] = [m.pk for m in services.suggest_mediators(first, case.category)[:1]]
    initial["lawyer"] = case.lawyer_id or case.requested_lawyer_id
    return AssignForm(
        data,
        organizations=orgs,
        registered=registered,
        chosen=chosen,
        mediators_url=reverse("mediation:assign_mediators", args=[case.pk]),
        initial=initial,
    )


@login_required
@require_GET
def assign_mediators(request: HttpRequest, pk: int) -> HttpResponse:
    """The mediators of the organization chosen in the assign form (htmx)."""
    case = _case(request, pk)
    if "assign" not in services.allowed_actions(request.user, case):
        raise Http404
    form = _assign_form(case, request.user, request.GET)
    return HttpResponse(str(form["mediators"]))


FORMS: dict[str, Callable[[Case, Any, Any], Any]] = {
    "accept": lambda case, user, data: AcceptForm(data),
    "decline": lambda case, user, data: DeclineForm(data),
    "assign": lambda case, user, data: _assign_form(case, user, data),
    "schedule": lambda case, user, data: ScheduleForm(data),
    "record_session": lambda case, user, data: RecordSessionForm(data, case=case),
    "draft_agreement": lambda case, user, data: AgreementForm(
        data,
        initial={"terms": a.terms, "performance": a.performance}
        if (a := getattr(case, "agreement", None))
        else None,
    ),
    "send_code": lambda case, user, data: SendCodeForm(
        data,
        parties=case.parties.filter(confirmations__confirmed_at__isnull=True)
        if services.case_mediator(user, case)
        else services.my_parties(user, case).filter(confirmations__confirmed_at__isnull=True),
    ),
    "confirm": lambda case, user, data: ConfirmForm(data),
    "fail": lambda case, user, data: FailForm(data),
    "follow_up": lambda case, user, data: FollowUpForm(data),
    "message": lambda case, user, data: MessageForm(*data) if data else MessageForm(),
}


def _parties(case: Case, unmasked: bool) -> list[dict[str, Any]]:
    return [
        {
            "party": party,
            "phone": party.phone if unmasked else mask_phone(party.phone),
            "id_number": party.id_number if unmasked else mask_id_number(party.id_number),
        }
        for party in case.parties.all()
    ]


def _detail(
    request: HttpRequest, case: Case, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    services.prefetch_people(case)
    actions = services.allowed_actions(user, case)
    forms = {action: FORMS[action](case, user, None) for action in actions if action in FORMS}
    forms.update(bound or {})
    agreement = getattr(case, "agreement", None)
    if agreement is not None:
        prefetch_related_objects([agreement], "confirmations__party")
    unmasked = services.sees_personal_data(user, case)
    if unmasked:
        record_view(case, fields=PERSONAL_FIELDS, district_id=case.district_id)
    my_parties = services.my_party_rows(user, case)
    context = {
        "case": case,
        "actions": actions,
        "forms": forms,
        "parties": _parties(case, unmasked),
        "unmasked": unmasked,
        "my_party_ids": [p.pk for p in my_parties],
        "mediators": list(case.mediators.all()),
        "evidence": case.files.filter(message__isnull=True),
        "sessions": case.sessions.prefetch_related("attendees"),
        "room": case.messages.prefetch_related("files"),
        "agreement": agreement,
        "confirmations": list(agreement.confirmations.all()) if agreement else [],
        "timeline": timeline(user, case),
        "now": timezone.now(),
        "guidance_labels": _guidance_labels(case),
    }
    return render(request, "mediation/case_detail.html", context, status=status)


def _guidance_labels(case: Case) -> str:
    labels = dict(Guidance.choices)
    return "、".join(str(labels.get(g, g)) for g in case.guidance)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _case(request, pk))


def _run(case: Case, user: Any, action: str, form: Any) -> Any:
    """Call the action's service with the form's data."""
    d = form.cleaned_data if form is not None else {}
    if action == "accept":
        return services.accept(actor=user, case=case, note=d.get("note", ""))
    if action == "decline":
        return services.decline(actor=user, case=case, reason=d["reason"])
    if action == "assign":
        return services.assign(
            actor=user,
            case=case,
            organization=d["organization"],
            mediators=list(d["mediators"]),
            lawyer=d.get("lawyer"),
        )
    if action == "start":
        return services.start(actor=user, case=case)
    if action == "schedule":
        return services.schedule_session(
            actor=user, case=case, kind=d["kind"], starts_at=d["starts_at"], place=d["place"]
        )
    if action == "record_session":
        return services.record_session(
            actor=user, session=d["session"], record=d["record"], attendees=list(d["attendees"])
        )
    if action == "draft_agreement":
        return services.draft_agreement(
            actor=user, case=case, terms=d["terms"], performance=d.get("performance", "")
        )
    if action == "send_code":
        return services.send_confirmation_code(actor=user, party=d["party"])
    if action == "confirm":
        return services.confirm_agreement(actor=user, case=case, code=d["code"])
    if action == "fail":
        return services.record_failure(
            actor=user, case=case, reason=d["reason"], guidance=d["guidance"], note=d["note"]
        )
    if action == "follow_up":
        return services.follow_up(actor=user, case=case, note=d["note"], satisfied=d["satisfied"])
    if action == "archive":
        return services.archive(actor=user, case=case)
    if action == "message":
        return services.post_message(actor=user, case=case, text=d["text"], files=d["attachments"])
    raise Http404


DONE = {
    "accept": gettext_lazy("已受理"),
    "decline": gettext_lazy("已不予受理"),
    "assign": gettext_lazy("已分派"),
    "start": gettext_lazy("已开始调解"),
    "schedule": gettext_lazy("已安排调解，并短信通知当事人"),
    "record_session": gettext_lazy("已记录本次调解"),
    "draft_agreement": gettext_lazy("调解协议书已拟定，已通知当事人确认"),
    "send_code": gettext_lazy("验证码已发送"),
    "confirm": gettext_lazy("您已确认调解协议书"),
    "fail": gettext_lazy("已记录调解未成功及引导情况"),
    "follow_up": gettext_lazy("已记录回访"),
    "archive": gettext_lazy("已归档"),
    "message": "",
}
ANCHORS = {"message": "room", "send_code": "agreement", "confirm": "agreement"}


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One transition (or a message) on the case. Bad input re-renders the case page
    with the form's errors; an action the user may not do answers 403."""
    if action not in services.RULES:
        raise Http404
    case = _case(request, pk)
    data: Any = (request.POST, request.FILES) if action == "message" else request.POST
    form = FORMS[action](case, request.user, data) if action in FORMS else None
    if form is None or form.is_valid():
        if form is None:
            try:
                _run(case, request.user, action, None)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
                return redirect("mediation:case_detail", case.pk)
        elif not run_service(form, lambda: _run(case, request.user, action, form)):
            return _detail(request, _case(request, pk), {action: form}, status=400)
        if DONE[action]:
            messages.success(request, str(DONE[action]))
        url = reverse("mediation:case_detail", args=[case.pk])
        return redirect(f"{url}#{ANCHORS.get(action, 'top')}")
    return _detail(request, case, {action: form}, status=400)


@login_required
def agreement_file(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if getattr(case, "agreement", None) is None:
        raise Http404
    unmasked = services.sees_personal_data(request.user, case)
    if unmasked:
        record_view(case, fields=PERSONAL_FIELDS, district_id=case.district_id)
    content = agreement_pdf(case, unmasked=unmasked)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.case_number}.pdf"'
    return response


@login_required
def case_file(request: HttpRequest, pk: int) -> FileResponse:
    item = scoped_get_or_404(CaseFile, request.user, pk)
    return FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name,
        content_type=item.content_type,
    )


# --- statistics and the register -------------------------------------------------------------


def stats_cases(user: Any) -> QuerySet[Case]:
    """The cases the statistics count: the bureau's district, the 司法所's street."""
    if not oversees_cases(user):
        raise Http404
    return in_scope(Case, user, "overseen_by")


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    cases = stats_cases(request.user)
    form = StatsForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data.get("date_from"):
            cases = cases.filter(applied_at__date__gte=form.cleaned_data["date_from"])
        if form.cleaned_data.get("date_to"):
            cases = cases.filter(applied_at__date__lte=form.cleaned_data["date_to"])
    return render(
        request,
        "mediation/statistics.html",
        {"form": form, **stats.statistics(cases, now=timezone.now())},
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The register (云调解数据库): organizations by level and kind, with the number
    of mediators and registered lawyers."""
    qs = (
        in_scope(Organization, request.user)
        .select_related("street", "community")
        .annotate(
            mediator_count=Count("mediators", filter=Q(mediators__is_active=True), distinct=True),
            lawyer_count=Count("lawyers", filter=Q(lawyers__is_active=True), distinct=True),
        )
        .by_level()
    )
    filterset = page_filter(
        OrganizationFilter, request, qs, ["kind", "level", "category", "search"]
    )
    return render(
        request,
        "mediation/register.html",
        {
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "can_import": in_scope(District, request.user, "editable_by").exists(),
        },
    )


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(
        in_scope(Organization, request.user).select_related("street", "community"), pk=pk
    )
    editable = in_scope(Organization, request.user, "editable_by").filter(pk=org.pk).exists()
    return render(
        request,
        "mediation/organization_detail.html",
        {
            "org": org,
            "editable": editable,
            "mediators": in_scope(Mediator, request.user)
            .filter(organization=org)
            .order_by("-is_active", "name"),
            "lawyers": in_scope(MediationLawyer, request.user)
            .filter(organization=org, is_active=True)
            .select_related("lawyer__firm"),
        },
    )


urlpatterns = [
    path("", case_list, name="case_list"),
    path("apply/", apply_view, name="apply"),
    path("file/", file_view, name="file"),
    path("suggest/", suggest, name="suggest"),
    path("from-question/<int:question_pk>/", from_question, name="from_question"),
    path("cases/<int:pk>/", case_detail, name="case_detail"),
    path("cases/<int:pk>/agreement.pdf", agreement_file, name="agreement_pdf"),
    path("cases/<int:pk>/assign-mediators/", assign_mediators, name="assign_mediators"),
    path("cases/<int:pk>/<slug:action>/", case_action, name="case_action"),
    path("files/<int:pk>/", case_file, name="file_download"),
    path("stats/", statistics, name="statistics"),
    path("register/", register, name="register"),
    path("register/<int:pk>/", organization_detail, name="organization_detail"),
]
