"""The case's state machine: every transition from every state, by the right and the
wrong users; applications, the agreement's confirmation, sessions and trips."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.roles import Role
from accounts.sms import LocmemSmsBackend
from core.testing import make_user
from mediation import services
from mediation.choices import (
    CaseStatus,
    Channel,
    DisputeCategory,
    EventKind,
    Guidance,
    Outcome,
    PartyRole,
    SessionKind,
)
from mediation.models import Case, CaseEvent, Party
from mediation.tests.conftest import (
    ID_NUMBER,
    T0,
    advance,
    application,
    applied,
    code_sent,
)
from regions.services import grant_region_role

ALL_STATES = list(CaseStatus.values)
ASSIGNED_STATES = {
    CaseStatus.ASSIGNED,
    CaseStatus.MEDIATING,
    CaseStatus.AGREED,
    CaseStatus.FAILED,
    CaseStatus.FOLLOWED_UP,
    CaseStatus.ARCHIVED,
}
LATER = T0 + timedelta(hours=1)


def case_in(world: Any, setup: Any, state: str) -> Case:
    case = applied(world, setup)
    if state == CaseStatus.DECLINED:
        return services.decline(actor=world.street_staff_a, case=case, reason="已诉至法院", now=T0)
    return advance(world, setup, case, state)


def do(action: str, world: Any, setup: Any, case: Case) -> Any:
    """Run ``action`` on ``case`` as the user who plays the needed part."""
    m1 = setup.m1.user
    calls = {
        "accept": lambda: services.accept(actor=world.street_staff_a, case=case, now=LATER),
        "decline": lambda: services.decline(
            actor=world.street_staff_a, case=case, reason="不属于调解范围", now=LATER
        ),
        "assign": lambda: services.assign(
            actor=world.street_staff_a,
            case=case,
            organization=setup.org,
            mediators=[setup.m1, setup.m2],
            now=LATER,
        ),
        "start": lambda: services.start(actor=m1, case=case, now=LATER),
        "schedule": lambda: services.schedule_session(
            actor=m1, case=case, kind=SessionKind.ONLINE, starts_at=LATER + timedelta(days=1)
        ),
        "draft_agreement": lambda: services.draft_agreement(
            actor=m1, case=case, terms="双方同意由被申请人赔偿 2000 元。", now=LATER
        ),
        "fail": lambda: services.record_failure(
            actor=m1, case=case, reason="双方分歧过大", guidance=[Guidance.ARBITRATION], now=LATER
        ),
        "follow_up": lambda: services.follow_up(actor=m1, case=case, note="协议已履行", now=LATER),
        "archive": lambda: services.archive(actor=m1, case=case, now=LATER),
        "message": lambda: services.post_message(
            actor=world.resident, case=case, text="您好，我明天下午有空。", now=LATER
        ),
    }
    return calls[action]()


ACTIONS = [
    "accept",
    "decline",
    "assign",
    "start",
    "schedule",
    "draft_agreement",
    "fail",
    "follow_up",
    "archive",
    "message",
]
# The state each allowed action leads to (None: the state does not change).
LEADS_TO = {
    "accept": CaseStatus.ACCEPTED,
    "decline": CaseStatus.DECLINED,
    "start": CaseStatus.MEDIATING,
    "fail": CaseStatus.FAILED,
    "follow_up": CaseStatus.FOLLOWED_UP,
    "archive": CaseStatus.ARCHIVED,
}


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_from_every_state(world, setup, sms_outbox, action, state):
    case = case_in(world, setup, state)
    statuses, part = services.RULES[action]
    events = CaseEvent.objects.filter(case=case).count()
    if state in statuses:
        do(action, world, setup, case)
        case.refresh_from_db()
        expected = LEADS_TO.get(action) or (
            CaseStatus.ASSIGNED if action == "assign" and state != CaseStatus.MEDIATING else state
        )
        assert case.status == expected
        if action != "message":
            assert CaseEvent.objects.filter(case=case).count() > events
        return
    # Refused: a clear reason when the actor plays the part, else no right at all.
    holds_part = part != services.RUN or state in ASSIGNED_STATES
    expected_error = ValidationError if holds_part else PermissionDenied
    with pytest.raises(expected_error) as info:
        do(action, world, setup, case)
    if expected_error is ValidationError:
        assert "不能" in " ".join(info.value.messages)  # type: ignore[attr-defined]
    case.refresh_from_db()
    assert case.status == state
    assert CaseEvent.objects.filter(case=case).count() == events


@pytest.mark.parametrize(
    ("who", "action", "state"),
    [
        ("resident", "accept", CaseStatus.APPLIED),
        ("community_staff_a1", "accept", CaseStatus.APPLIED),
        ("lawyer_f", "accept", CaseStatus.APPLIED),
        ("outsider", "decline", CaseStatus.APPLIED),
        ("street_b", "accept", CaseStatus.APPLIED),
        ("s1", "assign", CaseStatus.ACCEPTED),
        ("x", "assign", CaseStatus.ACCEPTED),
        ("m2", "start", CaseStatus.ASSIGNED),  # same organization, not assigned
        ("community_staff_a1", "start", CaseStatus.ASSIGNED),
        ("lawyer_f", "fail", CaseStatus.MEDIATING),
        ("resident", "draft_agreement", CaseStatus.MEDIATING),
        ("street_staff_a", "follow_up", CaseStatus.AGREED),
        ("bureau_admin", "archive", CaseStatus.FOLLOWED_UP),
        ("outsider", "message", CaseStatus.MEDIATING),
        ("other_party", "message", CaseStatus.MEDIATING),
        ("x", "message", CaseStatus.MEDIATING),
    ],
)
def test_wrong_users_are_refused(world, setup, sms_outbox, who, action, state):
    case = case_in(world, setup, state)
    other_party = make_user("别案当事人")
    services.apply(
        actor=other_party,
        application=application(
            world,
            setup,
            parties=[
                services.PartyDraft(PartyRole.APPLICANT, "别案当事人", other_party.phone),
                services.PartyDraft(PartyRole.RESPONDENT, "别人", "13700001111"),
            ],
        ),
        now=T0,
    )
    street_b_staff = make_user("湖滨司法所")
    grant_region_role(actor=None, user=street_b_staff, role=Role.STREET_STAFF, place=world.street_b)
    users = {
        **world.personas(),
        "street_b": street_b_staff,
        "s1": setup.s1.user,
        "x": setup.x.user,
        "m2": setup.m2.user,
        "other_party": other_party,
    }
    actor = users[who]
    calls = {
        "accept": lambda: services.accept(actor=actor, case=case),
        "decline": lambda: services.decline(actor=actor, case=case, reason="不属于调解范围"),
        "assign": lambda: services.assign(
            actor=actor, case=case, organization=setup.org, mediators=[setup.m1]
        ),
        "start": lambda: services.start(actor=actor, case=case),
        "fail": lambda: services.record_failure(
            actor=actor, case=case, reason="分歧过大", guidance=[Guidance.LITIGATION]
        ),
        "draft_agreement": lambda: services.draft_agreement(
            actor=actor, case=case, terms="由被申请人赔偿 1000 元了结。"
        ),
        "follow_up": lambda: services.follow_up(actor=actor, case=case, note="已履行完毕"),
        "archive": lambda: services.archive(actor=actor, case=case),
        "message": lambda: services.post_message(actor=actor, case=case, text="你好"),
    }
    with pytest.raises(PermissionDenied):
        calls[action]()
    case.refresh_from_db()
    assert case.status == state


def test_mediator_of_the_chosen_organization_accepts_and_assigns_within_it(world, setup):
    case = applied(world, setup, organization=setup.org)
    m2 = setup.m2.user
    services.accept(actor=m2, case=case, now=T0)
    with pytest.raises(ValidationError) as info:
        services.assign(actor=m2, case=case, organization=setup.street_org, mediators=[setup.s1])
    assert "organization" in info.value.message_dict
    services.assign(actor=m2, case=case, organization=setup.org, mediators=[setup.m2], now=T0)
    assert case.status == CaseStatus.ASSIGNED
    assert list(case.mediators.all()) == [setup.m2]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mediators": []}, "mediators"),
        ({"mediators": ["s1"]}, "mediators"),  # of another organization
        ({"mediators": ["m3"]}, "mediators"),  # no account: cannot work online
        ({"organization": "other_org", "mediators": ["x"]}, "organization"),
        ({"lawyer": "lawyer_other"}, "lawyer"),  # not in the mediation register
    ],
)
def test_assign_checks_its_choices(world, setup, kwargs, field):
    case = advance(world, setup, applied(world, setup), CaseStatus.ACCEPTED)
    values: dict[str, Any] = {"organization": setup.org, "mediators": [setup.m1], "lawyer": None}
    for name, value in kwargs.items():
        if name == "mediators":
            values[name] = [getattr(setup, v) for v in value]
        elif name == "organization":
            values[name] = getattr(setup, value)
        else:
            values[name] = getattr(world, value)
    with pytest.raises(ValidationError) as info:
        services.assign(actor=world.bureau_admin, case=case, **values)
    assert field in info.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.organization_id is None


# --- applications ---------------------------------------------------------------------------


def test_online_application_gets_a_number_and_links_the_resident(world, setup):
    case = applied(world, setup, amount=Decimal("5000"))
    assert case.case_number.startswith("TJ-330102-20260902-")
    assert case.channel == Channel.ONLINE
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    assert applicant.user == world.resident
    assert case.street == world.street_a and case.district == world.district
    assert case.events.get().kind == EventKind.APPLIED


def test_id_number_is_kept_only_with_consent(world, setup):
    parties = [
        services.PartyDraft(PartyRole.APPLICANT, "王居民", world.resident.phone, ID_NUMBER, True),
        services.PartyDraft(PartyRole.RESPONDENT, "李四", setup.respondent.phone),
    ]
    case = applied(world, setup, parties=parties)
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    assert applicant.id_number == ID_NUMBER and applicant.id_consent_at == T0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"facts": "太短"}, "facts", "至少"),
        ({"category": "nonsense"}, "category", "纠纷类别"),
        ({"amount": Decimal("-1")}, "amount", "金额"),
        ({"applicant_id": (ID_NUMBER, False)}, "parties", "同意"),
        ({"applicant_id": ("110105194912310021", True)}, "parties", "校验位"),
        ({"respondent_phone": "12345"}, "parties", "第 2 位当事人"),
        ({"respondent_phone": ""}, "parties", "手机号"),
        ({"no_respondent": True}, "parties", "被申请人"),
        ({"organization": "other_org"}, "organization", "调解组织"),
        ({"evidence": "bad"}, "evidence", "类型"),
    ],
)
def test_bad_applications_change_nothing(world, setup, change, field, message):
    app = application(world, setup)
    if "applicant_id" in change:
        app.parties[0].id_number, app.parties[0].id_consent = change["applicant_id"]
    elif "respondent_phone" in change:
        app.parties[1].phone = change["respondent_phone"]
    elif "no_respondent" in change:
        app.parties = app.parties[:1]
    elif "organization" in change:
        app.organization = setup.other_org
    elif "evidence" in change:
        app.evidence = [SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="x")]
    else:
        for name, value in change.items():
            setattr(app, name, value)
    with pytest.raises(ValidationError) as info:
        services.apply(actor=world.resident, application=app, now=T0)
    assert message in " ".join(info.value.message_dict[field])
    assert not Case.objects.exists() and not Party.objects.exists()


def test_evidence_is_stored_with_the_case(world, setup):
    pdf = SimpleUploadedFile("照片.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    case = applied(world, setup, evidence=[pdf])
    stored = case.files.get()
    assert stored.original_name == "照片.pdf" and stored.message is None


def test_too_many_applications_in_an_hour_are_refused(world, setup):
    for minute in range(services.APPLICATIONS_PER_HOUR):
        applied(world, setup, now=T0 + timedelta(minutes=minute))
    with pytest.raises(ValidationError):
        applied(world, setup, now=T0 + timedelta(minutes=30))


def test_desk_filing_counts_the_applicants_trip_and_texts_them(
    world, setup, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.file_for_party(
            actor=world.community_staff_a1,
            application=application(world, setup),
            channel=Channel.DESK,
            now=T0,
        )
    assert case.trips == 1
    assert case.parties.get(role=PartyRole.APPLICANT).trips == 1
    assert case.applied_by == world.community_staff_a1
    assert any(phone == world.resident.phone and case.case_number in m for phone, m in sms_outbox)


def test_filing_for_a_community_out_of_scope_is_refused(world, setup):
    app = application(world, setup, community=world.community_b1)
    with pytest.raises(PermissionDenied):
        services.file_for_party(actor=world.community_staff_a1, application=app, now=T0)
    with pytest.raises(PermissionDenied):
        services.file_for_party(actor=world.resident, application=app, now=T0)


def test_a_mediator_filing_at_the_desk_files_to_their_organization(world, setup):
    case = services.file_for_party(
        actor=setup.m1.user, application=application(world, setup), now=T0
    )
    assert case.organization == setup.org
    services.accept(actor=setup.m2.user, case=case, now=T0)  # their org's case


# --- suggestions ------------------------------------------------------------------------------


def test_suggestions_put_the_category_and_the_nearest_first(world, setup):
    orgs = services.suggest_organizations(world.community_a1, DisputeCategory.PROPERTY)
    assert orgs[0] == setup.property_org
    assert orgs.index(setup.org) < orgs.index(setup.street_org)
    assert setup.other_org not in orgs
    neighbor = services.suggest_organizations(world.community_a1, DisputeCategory.NEIGHBOR)
    assert setup.property_org not in neighbor
    assert services.suggest_mediators(setup.org, DisputeCategory.NEIGHBOR)[0] == setup.m1
    case = applied(world, setup, lawyer=world.lawyer_l)
    assert services.suggest_lawyers(case)[0].lawyer == world.lawyer_l


# --- the deadline with a frozen clock --------------------------------------------------


def test_deadline_runs_from_acceptance_and_jobs_remind_and_flag_once(
    world, setup, sms_outbox, django_capture_on_commit_callbacks
):
    case = advance(world, setup, applied(world, setup), CaseStatus.ASSIGNED)
    assert case.accepted_at == T0
    assert case.due_at == T0 + timedelta(days=30)
    assert services.send_deadline_reminders(now=T0 + timedelta(days=24)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_deadline_reminders(now=T0 + timedelta(days=25)) == 1
    assert services.send_deadline_reminders(now=T0 + timedelta(days=26)) == 0
    assert any(p == setup.m1.phone and "还有 5 天" in m for p, m in sms_outbox)
    assert services.flag_overdue(now=T0 + timedelta(days=30) - timedelta(seconds=1)) == 0
    assert not Case.objects.overdue(T0 + timedelta(days=29)).exists()
    assert services.flag_overdue(now=T0 + timedelta(days=30)) == 1
    assert services.flag_overdue(now=T0 + timedelta(days=31)) == 0
    assert list(Case.objects.overdue(T0 + timedelta(days=31))) == [case]
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.REMINDER) == 1 and kinds.count(EventKind.OVERDUE) == 1


def test_jobs_run_with_the_clock(world, setup, monkeypatch):
    from django.utils import timezone

    from mediation import jobs

    advance(world, setup, applied(world, setup), CaseStatus.ACCEPTED)
    monkeypatch.setattr(timezone, "now", lambda: T0 + timedelta(days=40))
    assert jobs.remind() == 0  # past the deadline: no reminder any more
    assert jobs.overdue() == 1
    assert jobs.overdue() == 0


def test_deadline_follows_the_district_setting(world, setup):
    from regions.services import settings_for

    district_settings = settings_for(world.district)
    district_settings.mediation_deadline_days = 10
    district_settings.save(update_fields=["mediation_deadline_days"])
    case = advance(world, setup, applied(world, setup), CaseStatus.ACCEPTED)
    assert case.due_at == T0 + timedelta(days=10)
    assert case.reminder_due_at == T0 + timedelta(days=7)


def test_closing_records_duration_and_whether_the_deadline_was_met(world, setup):
    on_time = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.record_failure(
        actor=setup.m1.user,
        case=on_time,
        reason="双方分歧过大",
        guidance=[Guidance.LEGAL_AID],
        now=T0 + timedelta(days=12),
    )
    assert on_time.duration_days == 12 and on_time.deadline_met is True
    late = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.record_failure(
        actor=setup.m1.user,
        case=late,
        reason="双方分歧过大",
        guidance=[Guidance.LITIGATION],
        now=T0 + timedelta(days=31),
    )
    assert late.deadline_met is False and late.outcome == Outcome.FAILURE
    assert late.guidance == [Guidance.LITIGATION]


def test_failure_needs_a_reason_and_guidance(world, setup):
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    with pytest.raises(ValidationError) as info:
        services.record_failure(actor=setup.m1.user, case=case, reason="", guidance=["bogus"])
    assert {"reason", "guidance"} <= set(info.value.message_dict)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING


# --- the agreement and its confirmation ---------------------------------------------


def test_each_party_confirms_with_a_one_time_code(world, setup, sms_outbox):
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.draft_agreement(
        actor=setup.m1.user, case=case, terms="被申请人赔偿 3000 元，十日内付清。", now=T0
    )
    me = case.parties.get(user=world.resident)
    services.send_confirmation_code(actor=world.resident, party=me, now=T0)
    code = code_sent(sms_outbox, world.resident.phone)
    assert me.confirmations.get().code_hash != code  # only the hash is kept
    with pytest.raises(ValidationError, match="不正确"):
        services.confirm_agreement(actor=world.resident, case=case, code="000000", now=T0)
    assert me.confirmations.get().attempts == 1
    with pytest.raises(ValidationError, match="失效"):
        services.confirm_agreement(
            actor=world.resident, case=case, code=code, now=T0 + timedelta(minutes=30)
        )
    services.confirm_agreement(actor=world.resident, case=case, code=code, now=T0)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING  # the respondent has not confirmed yet
    with pytest.raises(ValidationError):  # the code worked once
        services.confirm_agreement(actor=world.resident, case=case, code=code, now=T0)
    other = case.parties.get(role=PartyRole.RESPONDENT)
    # The mediator sends it to the respondent, who confirms three days later.
    services.send_confirmation_code(actor=setup.m1.user, party=other, now=T0 + timedelta(days=3))
    services.confirm_agreement(
        actor=setup.respondent,
        case=case,
        code=code_sent(sms_outbox, setup.respondent.phone),
        now=T0 + timedelta(days=3),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.AGREED and case.outcome == Outcome.SUCCESS
    assert case.closed_at == T0 + timedelta(days=3) and case.duration_days == 3
    assert case.agreement.confirmed_at == case.closed_at
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.PARTY_CONFIRMED) == 2 and EventKind.AGREED in kinds


def test_codes_lock_after_too_many_wrong_tries_and_resend_is_throttled(
    world, setup, sms_outbox, settings
):
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.draft_agreement(actor=setup.m1.user, case=case, terms="双方和解，互不追究。", now=T0)
    me = case.parties.get(user=world.resident)
    services.send_confirmation_code(actor=world.resident, party=me, now=T0)
    with pytest.raises(ValidationError, match="秒后"):
        services.send_confirmation_code(actor=world.resident, party=me, now=T0)
    code = code_sent(sms_outbox, world.resident.phone)
    for _ in range(settings.SMS_CODE_MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            services.confirm_agreement(actor=world.resident, case=case, code="999999", now=T0)
    with pytest.raises(ValidationError, match="次数过多"):
        services.confirm_agreement(actor=world.resident, case=case, code=code, now=T0)


def test_only_a_party_confirms_and_asks_for_their_own_code(world, setup, sms_outbox):
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.draft_agreement(actor=setup.m1.user, case=case, terms="双方和解，互不追究。", now=T0)
    respondent = case.parties.get(role=PartyRole.RESPONDENT)
    with pytest.raises(PermissionDenied):  # a party cannot ask for the other's code
        services.send_confirmation_code(actor=world.resident, party=respondent, now=T0)
    with pytest.raises(PermissionDenied):
        services.send_confirmation_code(actor=world.lawyer_f, party=respondent, now=T0)
    with pytest.raises(PermissionDenied):
        services.confirm_agreement(actor=setup.m1.user, case=case, code="123456", now=T0)
    with pytest.raises(PermissionDenied):
        services.confirm_agreement(actor=world.outsider, case=case, code="123456", now=T0)


def test_a_redraft_is_a_new_version_confirmed_again(world, setup, sms_outbox):
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    services.draft_agreement(actor=setup.m1.user, case=case, terms="第一稿：赔偿 3000 元。", now=T0)
    me = case.parties.get(user=world.resident)
    services.send_confirmation_code(actor=world.resident, party=me, now=T0)
    services.confirm_agreement(
        actor=world.resident, case=case, code=code_sent(sms_outbox, world.resident.phone), now=T0
    )
    agreement = services.draft_agreement(
        actor=setup.m1.user, case=case, terms="第二稿：赔偿 2500 元。", now=LATER
    )
    assert agreement.version == 2
    assert not agreement.confirmations.filter(confirmed_at__isnull=False).exists()
    assert agreement.confirmations.count() == 2
    with pytest.raises(ValidationError):
        services.draft_agreement(actor=setup.m1.user, case=case, terms="短", now=LATER)


# --- sessions and trips ---------------------------------------------------------------


def test_in_person_sessions_count_the_trips_of_those_present(world, setup, sms_outbox):
    case = advance(world, setup, applied(world, setup), CaseStatus.MEDIATING)
    m1 = setup.m1.user
    with pytest.raises(ValidationError) as info:
        services.schedule_session(
            actor=m1, case=case, kind=SessionKind.IN_PERSON, starts_at=LATER, place=""
        )
    assert "place" in info.value.message_dict
    session = services.schedule_session(
        actor=m1, case=case, kind=SessionKind.IN_PERSON, starts_at=LATER, place="清波社区调解室"
    )
    applicant = case.parties.get(role=PartyRole.APPLICANT)
    other_case = applied(world, setup)
    with pytest.raises(ValidationError):  # a party of another case
        services.record_session(
            actor=m1,
            session=session,
            record="双方到场协商",
            attendees=[other_case.parties.get(role=PartyRole.APPLICANT)],
        )
    services.record_session(
        actor=m1, session=session, record="双方到场，初步达成意向", attendees=[applicant]
    )
    applicant.refresh_from_db()
    case.refresh_from_db()
    assert applicant.trips == 1 and case.trips == 1
    with pytest.raises(ValidationError):
        services.record_session(actor=m1, session=session, record="再次记录", attendees=[])
    online = services.schedule_session(
        actor=m1, case=case, kind=SessionKind.ONLINE, starts_at=LATER
    )
    services.record_session(actor=m1, session=online, record="线上沟通", attendees=[applicant])
    applicant.refresh_from_db()
    assert applicant.trips == 1  # online: no trip


def test_messages_with_files_in_the_room(world, setup):
    case = advance(world, setup, applied(world, setup), CaseStatus.ASSIGNED)
    photo = SimpleUploadedFile("漏水.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    message = services.post_message(actor=world.resident, case=case, text="", files=[photo])
    assert message.author_label == "申请人 王居民"
    assert message.files.get().original_name == "漏水.png"
    lawyer_message = services.post_message(actor=world.lawyer_f, case=case, text="我来解释法律规定")
    assert lawyer_message.author_label.startswith("律师")
    with pytest.raises(ValidationError):
        services.post_message(actor=world.resident, case=case, text="  ")


def test_the_respondent_signing_in_with_their_phone_is_a_party(world, setup):
    case = advance(world, setup, applied(world, setup), CaseStatus.ASSIGNED)
    respondent = case.parties.get(role=PartyRole.RESPONDENT)
    assert respondent.user == setup.respondent  # an account with that phone existed
    newcomer_phone = "13900009999"
    Party.objects.filter(pk=respondent.pk).update(phone=newcomer_phone, user=None)
    newcomer = User.objects.create_user(newcomer_phone, name="新注册")
    assert Case.objects.visible_to(newcomer).filter(pk=case.pk).exists()
    services.post_message(actor=newcomer, case=case, text="我是被申请人，收到。")


def test_sms_goes_out_only_after_commit(world, setup, sms_outbox):
    case = applied(world, setup)
    services.accept(actor=world.street_staff_a, case=case, now=T0)
    assert LocmemSmsBackend.outbox == []  # the test transaction never commits
