"""The pairing rules: each wrong input gets its Chinese message and changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import OperationLog
from core.testing import make_firm, make_lawyer
from firms.models import GuidanceGroupMember
from pairing import services
from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.tests.conftest import START
from regions.services import settings_for


def message(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def counts() -> tuple[int, int, int, int]:
    return (
        Pairing.objects.count(),
        Pairing.objects.filter(end_date__isnull=True).count(),
        Liaison.objects.filter(end_date__isnull=True).count(),
        HonoraryPost.objects.filter(end_date__isnull=True).count(),
    )


@pytest.fixture
def unchanged():
    """Assert that the block changed no pairing, liaison or post."""

    class Check:
        def __enter__(self):
            self.before = counts()

        def __exit__(self, *exc):
            assert counts() == self.before

    return Check()


# --- pair_community ------------------------------------------------------------------


def test_pair_community_by_the_bureau(world):
    pairing = services.pair_community(
        actor=world.bureau_admin, community=world.community_a2, firm=world.firm_g, start_date=START
    )
    assert pairing.is_active and pairing.firm == world.firm_g
    log = OperationLog.objects.get(model="pairing.Pairing", object_id=str(pairing.pk))
    assert log.district_id == world.district.pk


def test_pairing_another_firm_hands_the_community_over(world, paired):
    new = services.pair_community(
        actor=world.bureau_admin,
        community=world.community_a1,
        firm=world.firm_g,
        start_date=date(2025, 1, 1),
    )
    old = Pairing.objects.get(pk=paired.a1.pk)
    assert old.end_date == date(2024, 12, 31)
    assert "浙江清波律师事务所" in old.end_reason
    # the old firm's liaisons and the community's deputy end with it; the office
    # deputy of the street stays
    assert Liaison.objects.get(pk=paired.liaison_a1.pk).end_date == date(2024, 12, 31)
    assert HonoraryPost.objects.get(pk=paired.deputy_a1.pk).end_date == date(2024, 12, 31)
    assert HonoraryPost.objects.get(pk=paired.office_a.pk).end_date is None
    assert list(Pairing.objects.filter(community=world.community_a1).active()) == [new]
    # history is kept
    assert Pairing.objects.filter(community=world.community_a1).count() == 2


@pytest.mark.parametrize(
    "case,expected",
    [
        ("same_firm", "该社区当前已与该律所结对"),
        ("not_after_current", "新结对的开始日期应晚于该日期"),
        ("other_district", "律所与社区不在同一个区"),
        ("inactive_firm", "该律所已停用，不能结对"),
        ("future", "开始日期不能晚于今天"),
        ("no_date", "请填写开始日期"),
    ],
)
def test_pair_community_refuses(world, paired, unchanged, case, expected):
    firm = {
        "same_firm": world.firm_f,
        "other_district": world.other_firm,
        "inactive_firm": make_firm(world.district, "停业律师事务所"),
    }.get(case, world.firm_g)
    if case == "inactive_firm":
        firm.is_active = False
        firm.save()
    start = {
        "not_after_current": START,
        "future": date.today() + timedelta(days=2),
        "no_date": None,
    }.get(case, date(2025, 1, 1))
    with unchanged, pytest.raises(ValidationError) as exc:
        services.pair_community(
            actor=world.bureau_admin,
            community=world.community_a1,
            firm=firm,
            start_date=start,  # type: ignore[arg-type]  # None on purpose
        )
    assert expected in message(exc)
    assert Pairing.objects.get(pk=paired.a1.pk).end_date is None


def test_pair_inactive_community_is_refused(world, unchanged):
    world.community_a2.is_active = False
    world.community_a2.save()
    with unchanged, pytest.raises(ValidationError) as exc:
        services.pair_community(
            actor=None, community=world.community_a2, firm=world.firm_f, start_date=START
        )
    assert "该社区已停用" in message(exc)


@pytest.mark.parametrize(
    "persona", ["street_staff_a", "community_staff_a1", "firm_admin_f", "lawyer_f", "outsider"]
)
def test_only_the_bureau_pairs(world, unchanged, persona):
    with unchanged, pytest.raises(PermissionDenied):
        services.pair_community(
            actor=getattr(world, persona),
            community=world.community_a2,
            firm=world.firm_f,
            start_date=START,
        )


# --- end_pairing ---------------------------------------------------------------------


def test_end_pairing_ends_liaisons_and_the_community_deputy(world, paired):
    services.end_pairing(
        actor=world.bureau_admin, pairing=paired.a1, end_date=date(2025, 6, 30), reason="律所申请"
    )
    a1 = Pairing.objects.get(pk=paired.a1.pk)
    assert (a1.end_date, a1.end_reason) == (date(2025, 6, 30), "律所申请")
    assert not Liaison.objects.filter(pairing=a1).active().exists()
    assert HonoraryPost.objects.get(pk=paired.deputy_a1.pk).end_date == date(2025, 6, 30)
    assert HonoraryPost.objects.get(pk=paired.office_a.pk).end_date is None
    assert Pairing.objects.get(pk=paired.b1.pk).end_date is None


@pytest.mark.parametrize(
    "end,reason,expected",
    [
        (date(2025, 6, 30), "  ", "请填写结束原因"),
        (date(2025, 6, 30), "因" * 201, "结束原因不能超过 200 个字"),
        (date(2024, 2, 1), "调整", "结束日期不能早于 2024-03-01"),
        (date.today() + timedelta(days=1), "调整", "结束日期不能晚于今天"),
    ],
)
def test_end_pairing_refuses(world, paired, unchanged, end, reason, expected):
    with unchanged, pytest.raises(ValidationError) as exc:
        services.end_pairing(
            actor=world.bureau_admin, pairing=paired.a1, end_date=end, reason=reason
        )
    assert expected in message(exc)


def test_end_pairing_not_before_a_later_liaison(world, paired, unchanged):
    services.end_liaison(actor=None, liaison=paired.liaison_a1, end_date=date(2024, 6, 1))
    services.appoint_liaison(
        actor=None, pairing=paired.a1, lawyer=paired.party_f, start_date=date(2025, 2, 1)
    )
    with unchanged, pytest.raises(ValidationError) as exc:
        services.end_pairing(
            actor=world.bureau_admin, pairing=paired.a1, end_date=date(2025, 1, 1), reason="调整"
        )
    assert "结束日期不能早于 2025-02-01" in message(exc)


def test_an_ended_pairing_cannot_end_again(world, paired):
    services.end_pairing(actor=None, pairing=paired.a1, end_date=date(2025, 1, 1), reason="调整")
    with pytest.raises(ValidationError) as exc:
        services.end_pairing(actor=None, pairing=paired.a1, end_date=date(2025, 2, 1), reason="x")
    assert "该结对已于 2025-01-01 结束" in message(exc)
    assert Pairing.objects.get(pk=paired.a1.pk).end_date == date(2025, 1, 1)


@pytest.mark.parametrize("persona", ["street_staff_a", "firm_admin_f", "outsider"])
def test_only_the_bureau_ends_pairings(world, paired, unchanged, persona):
    with unchanged, pytest.raises(PermissionDenied):
        services.end_pairing(
            actor=getattr(world, persona),
            pairing=paired.a1,
            end_date=date(2025, 1, 1),
            reason="调整",
        )


# --- liaisons ------------------------------------------------------------------------


def test_second_liaison_takes_the_free_slot(world, paired):
    second = services.appoint_liaison(
        actor=world.bureau_admin, pairing=paired.a1, lawyer=paired.party_f, start_date=START
    )
    assert second.slot == 2
    services.end_liaison(actor=world.bureau_admin, liaison=paired.liaison_a1, end_date=START)
    third = services.appoint_liaison(
        actor=world.bureau_admin, pairing=paired.a1, lawyer=paired.director_f, start_date=START
    )
    assert third.slot == 1
    assert Liaison.objects.filter(pairing=paired.a1).count() == 3  # history kept


def test_liaison_from_another_firm_is_refused(world, paired, unchanged):
    with unchanged, pytest.raises(ValidationError) as exc:
        services.appoint_liaison(
            actor=world.bureau_admin, pairing=paired.a1, lawyer=world.lawyer_other, start_date=START
        )
    assert "联络员必须是结对律所（浙江尚法律师事务所）的律师" in message(exc)


def test_no_more_than_two_liaisons(world, paired, unchanged):
    services.appoint_liaison(actor=None, pairing=paired.a1, lawyer=paired.party_f, start_date=START)
    with unchanged, pytest.raises(ValidationError) as exc:
        services.appoint_liaison(
            actor=world.bureau_admin, pairing=paired.a1, lawyer=paired.director_f, start_date=START
        )
    assert "本社区已有 2 名联络员（本区上限 2 名），请先免去 1 名" in message(exc)


def test_the_district_may_allow_only_one_liaison(world, paired, unchanged):
    district_settings = settings_for(world.district)
    district_settings.max_liaisons_per_community = 1
    district_settings.save()
    with unchanged, pytest.raises(ValidationError) as exc:
        services.appoint_liaison(
            actor=world.bureau_admin, pairing=paired.a1, lawyer=paired.party_f, start_date=START
        )
    assert "上限 1 名" in message(exc)


def test_a_limit_lowered_below_the_current_liaisons_says_how_many_to_end(world, paired):
    services.appoint_liaison(actor=None, pairing=paired.a1, lawyer=paired.party_f, start_date=START)
    district_settings = settings_for(world.district)
    district_settings.max_liaisons_per_community = 1
    district_settings.save()
    before = Liaison.objects.filter(pairing=paired.a1).active().count()
    with pytest.raises(ValidationError) as exc:
        services.appoint_liaison(
            actor=world.bureau_admin, pairing=paired.a1, lawyer=paired.director_f, start_date=START
        )
    assert "本社区已有 2 名联络员（本区上限 1 名），请先免去 2 名" in message(exc)
    assert Liaison.objects.filter(pairing=paired.a1).active().count() == before == 2


def test_a_higher_district_setting_still_allows_two(world, paired):
    district_settings = settings_for(world.district)
    district_settings.max_liaisons_per_community = 5
    district_settings.save()
    services.appoint_liaison(actor=None, pairing=paired.a1, lawyer=paired.party_f, start_date=START)
    with pytest.raises(ValidationError):
        services.appoint_liaison(
            actor=None, pairing=paired.a1, lawyer=paired.director_f, start_date=START
        )
    assert Liaison.objects.filter(pairing=paired.a1).active().count() == 2


@pytest.mark.parametrize(
    "case,expected",
    [
        ("twice", "该律师已是本社区的联络员"),
        ("inactive", "该律师已不在职，不能担任联络员"),
        ("before_pairing", "任命日期不能早于结对开始日期（2024-03-01）"),
        ("ended_pairing", "该结对已结束，不能再任命联络员"),
    ],
)
def test_appoint_liaison_refuses(world, paired, case, expected):
    lawyer = world.lawyer_l if case == "twice" else paired.party_f
    start = date(2024, 1, 1) if case == "before_pairing" else START
    if case == "inactive":
        lawyer.is_active = False
        lawyer.save()
    pairing = paired.a1
    if case == "ended_pairing":
        pairing = paired.b1
        services.end_pairing(actor=None, pairing=pairing, end_date=START, reason="调整")
        lawyer = make_lawyer(world.firm_g)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.appoint_liaison(
            actor=world.bureau_admin, pairing=pairing, lawyer=lawyer, start_date=start
        )
    assert expected in message(exc)
    assert counts() == before


@pytest.mark.parametrize("persona", ["street_staff_a", "firm_admin_f", "lawyer_f", "outsider"])
def test_only_the_bureau_appoints_liaisons(world, paired, unchanged, persona):
    with unchanged, pytest.raises(PermissionDenied):
        services.appoint_liaison(
            actor=getattr(world, persona),
            pairing=paired.a1,
            lawyer=paired.party_f,
            start_date=START,
        )


def test_end_liaison(world, paired):
    services.end_liaison(actor=world.bureau_admin, liaison=paired.liaison_a1, end_date=START)
    assert Liaison.objects.get(pk=paired.liaison_a1.pk).end_date == START
    with pytest.raises(ValidationError) as exc:
        services.end_liaison(actor=world.bureau_admin, liaison=paired.liaison_a1, end_date=START)
    assert "该联络员已于 2024-03-01 免职" in message(exc)


def test_end_liaison_refuses_a_date_before_the_appointment(world, paired, unchanged):
    with unchanged, pytest.raises(ValidationError) as exc:
        services.end_liaison(actor=None, liaison=paired.liaison_a1, end_date=date(2024, 2, 1))
    assert "免职日期不能早于任命日期（2024-03-01）" in message(exc)
    with unchanged, pytest.raises(PermissionDenied):
        services.end_liaison(actor=world.outsider, liaison=paired.liaison_a1, end_date=START)


# --- honorary posts ------------------------------------------------------------------


def deputy(world, lawyer, community=None, **extra):
    return services.appoint_honorary_post(
        actor=world.bureau_admin,
        kind=HonoraryPost.Kind.COMMUNITY_DEPUTY,
        community=community or world.community_a1,
        lawyer=lawyer,
        start_date=extra.pop("start_date", START),
        term_end=extra.pop("term_end", date(2027, 1, 1)),
    )


def test_a_party_member_of_the_paired_firm_may_be_community_deputy(world, paired):
    services.end_post(actor=None, post=paired.deputy_a1, end_date=START)
    post = deputy(world, paired.party_f)
    assert (post.community, post.lawyer, post.street) == (world.community_a1, paired.party_f, None)


@pytest.mark.parametrize(
    "case,expected",
    [
        ("plain_lawyer", "名誉法治副主任须为结对律所（浙江尚法律师事务所）的律所主任或党员律师"),
        ("other_firm", "名誉法治副主任须为结对律所（浙江尚法律师事务所）的律所主任或党员律师"),
        ("unpaired", "该社区尚未结对律所，不能任命名誉法治副主任"),
        ("holder", "清波社区已有在任的名誉法治副主任（钱主任），请先免去"),
        ("term", "任期届满日期应晚于任职日期"),
        ("before_pairing", "任职日期不能早于结对开始日期（2024-03-01）"),
    ],
)
def test_community_deputy_refuses(world, paired, unchanged, case, expected):
    if case != "holder":
        services.end_post(actor=None, post=paired.deputy_a1, end_date=START)
    lawyer = {
        "plain_lawyer": world.lawyer_l,
        "other_firm": make_lawyer(world.firm_g, is_director=True, is_party_member=True),
    }.get(case, paired.party_f)
    community = world.community_a2 if case == "unpaired" else world.community_a1
    extra = {
        "term": {"term_end": START},
        "before_pairing": {"start_date": date(2024, 1, 1)},
    }.get(case, {})
    with unchanged, pytest.raises(ValidationError) as exc:
        deputy(world, lawyer, community, **extra)
    assert expected in message(exc)


def office(world, lawyer, street=None, actor="bureau_admin"):
    return services.appoint_honorary_post(
        actor=getattr(world, actor),
        kind=HonoraryPost.Kind.OFFICE_DEPUTY,
        street=street or world.street_b,
        lawyer=lawyer,
        start_date=START,
    )


def test_office_deputy_is_a_director_from_the_guidance_group(world, paired):
    post = office(world, paired.director_f)
    assert (post.street, post.community, post.term_end) == (world.street_b, None, None)


@pytest.mark.parametrize("case", ["not_director", "not_in_group", "left_group", "other_district"])
def test_office_deputy_refuses(world, paired, unchanged, case):
    lawyer = paired.director_f
    if case == "not_director":
        lawyer = paired.party_f
        GuidanceGroupMember.objects.create(district=world.district, lawyer=lawyer)
    elif case == "not_in_group":
        lawyer = make_lawyer(world.firm_g, is_director=True)
    elif case == "left_group":
        GuidanceGroupMember.objects.filter(lawyer=lawyer).update(is_active=False)
    else:
        lawyer = make_lawyer(world.other_firm, is_director=True)
    with unchanged, pytest.raises(ValidationError) as exc:
        office(world, lawyer)
    assert "名誉法治副所长须为本区律师工作指导小组成员中的律所主任" in message(exc)


def test_one_office_deputy_per_street(world, paired, unchanged):
    with unchanged, pytest.raises(ValidationError) as exc:
        office(world, paired.director_f, world.street_a)
    assert "清波街道司法所已有在任的名誉法治副所长（钱主任），请先免去" in message(exc)


@pytest.mark.parametrize(
    "kind,place,expected",
    [
        ("community_deputy", {"street": "street_b"}, "名誉法治副主任须选择社区"),
        ("office_deputy", {"community": "community_a1"}, "名誉法治副所长须选择街道（司法所）"),
        ("chairman", {"street": "street_b"}, "请选择名誉职务"),
    ],
)
def test_post_kind_must_match_the_place(world, paired, unchanged, kind, place, expected):
    places = {name: getattr(world, value) for name, value in place.items()}
    with unchanged, pytest.raises(ValidationError) as exc:
        services.appoint_honorary_post(
            actor=world.bureau_admin,
            kind=kind,
            lawyer=paired.director_f,
            start_date=START,
            **places,
        )
    assert expected in message(exc)


@pytest.mark.parametrize("persona", ["street_staff_a", "community_staff_a1", "outsider"])
def test_only_the_bureau_appoints_posts(world, paired, unchanged, persona):
    with unchanged, pytest.raises(PermissionDenied):
        office(world, paired.director_f, actor=persona)


def test_end_post(world, paired):
    services.end_post(actor=world.bureau_admin, post=paired.office_a, end_date=date(2025, 1, 1))
    assert HonoraryPost.objects.get(pk=paired.office_a.pk).end_date == date(2025, 1, 1)
    with pytest.raises(ValidationError) as exc:
        services.end_post(actor=world.bureau_admin, post=paired.office_a, end_date=date(2025, 1, 2))
    assert "该名誉职务已于 2025-01-01 卸任" in message(exc)


def test_end_post_refuses(world, paired, unchanged):
    with unchanged, pytest.raises(ValidationError) as exc:
        services.end_post(actor=None, post=paired.office_a, end_date=date(2024, 1, 1))
    assert "卸任日期不能早于任职日期（2024-03-01）" in message(exc)
    with unchanged, pytest.raises(PermissionDenied):
        services.end_post(actor=world.street_staff_a, post=paired.office_a, end_date=START)


# --- the service day -----------------------------------------------------------------


@pytest.mark.parametrize(
    "today,day,expected",
    [
        (date(2025, 3, 10), 15, date(2025, 3, 15)),
        (date(2025, 3, 15), 15, date(2025, 3, 15)),
        (date(2025, 3, 16), 15, date(2025, 4, 15)),
        (date(2025, 12, 20), 15, date(2026, 1, 15)),
        (date(2025, 1, 31), 28, date(2025, 2, 28)),
    ],
)
def test_next_service_date(world, today, day, expected):
    district_settings = settings_for(world.district)
    district_settings.service_day_of_month = day
    district_settings.save()
    assert services.next_service_date(world.community_a1, today=today) == expected
