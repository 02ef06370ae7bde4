"""Visit records: who may record and confirm them, households, photos, locking."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from regions import services as region_services
from visits import services
from visits.choices import ServiceDayStatus, VisitKind, VisitStatus
from visits.coverage import community_coverage
from visits.models import Household, ServiceDay, Visit, VisitPhoto
from visits.tests.conftest import image_file
from visits.tests.factories import record, visit_input

TODAY = date(2026, 11, 20)


def test_lawyer_of_another_firm_cannot_record_for_the_community(paired):
    w = paired
    data = visit_input(w, community=w.community_a1, lawyers=[w.lawyer_other])
    with pytest.raises(ValidationError) as exc:
        services.record_visit(actor=w.lawyer_g, data=data, today=TODAY)
    assert "不是贵所当前结对的社区" in exc.value.message_dict["community"][0]
    assert not Visit.objects.exists()


def test_lawyer_records_and_submits_for_a_paired_community(paired):
    w = paired
    visit = services.record_visit(actor=w.lawyer_f, data=visit_input(w), today=TODAY)
    assert visit.firm == w.firm_f
    assert visit.status == VisitStatus.SUBMITTED
    assert list(visit.lawyers.all()) == [w.lawyer_l]
    assert sorted(str(h) for h in visit.households.all()) == ["3幢2单元301室", "5幢1单元102室"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"date": date(2026, 11, 21)}, "date"),  # in the future
        ({"date": date(2024, 12, 31)}, "date"),  # before the pairing
        ({"lawyers": []}, "lawyers"),
        ({"addresses": ""}, "addresses"),  # door-to-door without households
        ({"addresses": "不知道"}, "addresses"),
        ({"kind": "picnic"}, "kind"),
        ({"disputes_found": 2, "dispute_notes": ""}, "dispute_notes"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(paired, values, field):
    w = paired
    with pytest.raises(ValidationError) as exc:
        services.record_visit(actor=w.lawyer_f, data=visit_input(w, **values), today=TODAY)
    assert field in exc.value.message_dict
    assert not Visit.objects.exists() and not Household.objects.exists()


def test_lawyers_present_must_be_of_the_paired_firm(paired):
    w = paired
    data = visit_input(w, lawyers=[w.lawyer_l, w.lawyer_other])
    with pytest.raises(ValidationError) as exc:
        services.record_visit(actor=w.lawyer_f, data=data, today=TODAY)
    assert "本所在职律师" in exc.value.message_dict["lawyers"][0]


def test_household_visited_twice_counts_once(paired):
    w = paired
    record(w, addresses="3幢2单元301室", date=date(2026, 3, 1))
    record(w, addresses="３栋２单元３０１\n3号楼2单元302", date=date(2026, 4, 1))
    assert Household.objects.count() == 2
    row = community_coverage(
        w.community_a1.__class__.objects.filter(pk=w.community_a1.pk), 2026, today=TODAY
    )[0]
    assert row.visited == 2
    assert row.households == 1000 and row.rate == 0.2


def test_only_confirmed_visits_count(paired):
    w = paired
    record(w, confirm=False, addresses="1-1-101")
    communities = w.community_a1.__class__.objects.filter(pk=w.community_a1.pk)
    assert community_coverage(communities, 2026, today=TODAY)[0].visited == 0
    services.confirm_visit(actor=w.community_staff_a1, visit=Visit.objects.get())
    assert community_coverage(communities, 2026, today=TODAY)[0].visited == 1
    # A visit of the year before is not this year's coverage.
    assert community_coverage(communities, 2025, today=TODAY)[0].visited == 0


def test_community_staff_of_another_community_cannot_confirm(paired):
    w = paired
    other_staff = region_services.grant_region_role(
        actor=None, user=w.lawyer_g, role="community_staff", place=w.community_b1
    ).user
    visit = record(w, confirm=False)
    for actor in (other_staff, w.street_staff_a, w.lawyer_f, w.firm_admin_f, w.bureau_admin):
        with pytest.raises(PermissionDenied):
            services.confirm_visit(actor=actor, visit=visit)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED


def test_dispute_correct_and_resubmit(paired):
    w = paired
    visit = record(w, confirm=False)
    with pytest.raises(ValidationError):
        services.dispute_visit(actor=w.community_staff_a1, visit=visit, reason="  ")
    services.dispute_visit(actor=w.community_staff_a1, visit=visit, reason="301 室当天无人在家")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DISPUTED and visit.dispute_reason
    with pytest.raises(ValidationError):  # a disputed record is not confirmed as it is
        services.confirm_visit(actor=w.community_staff_a1, visit=visit)
    services.update_visit(
        actor=w.lawyer_f, visit=visit, data=visit_input(w, addresses="3-2-302"), today=TODAY
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED and visit.dispute_reason == ""
    assert [str(h) for h in visit.households.all()] == ["3幢2单元302室"]
    services.confirm_visit(actor=w.community_staff_a1, visit=visit)
    with pytest.raises(ValidationError):  # confirmed records are final
        services.update_visit(actor=w.lawyer_f, visit=visit, data=visit_input(w), today=TODAY)


def test_lawyer_of_another_firm_cannot_edit(paired):
    w = paired
    visit = record(w, confirm=False)
    with pytest.raises(PermissionDenied):
        services.update_visit(actor=w.lawyer_g, visit=visit, data=visit_input(w), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.submit_visit(actor=w.community_staff_a1, visit=visit)


def test_firm_admin_records_for_the_firm(paired):
    w = paired
    visit = services.record_visit(actor=w.firm_admin_f, data=visit_input(w), today=TODAY)
    assert visit.firm == w.firm_f and visit.recorded_by == w.firm_admin_f


def test_draft_then_submit(paired):
    w = paired
    visit = services.record_visit(actor=w.lawyer_f, data=visit_input(w), submit=False, today=TODAY)
    assert visit.status == VisitStatus.DRAFT
    with pytest.raises(ValidationError):  # community staff confirm submitted records only
        services.confirm_visit(actor=w.community_staff_a1, visit=visit)
    services.submit_visit(actor=w.lawyer_f, visit=visit)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED and visit.submitted_at


def test_photos_are_checked_by_content_size_and_count(paired, settings):
    w = paired
    data = visit_input(w, photos=[image_file("a.jpg"), image_file("b.png", "PNG")])
    visit = services.record_visit(actor=w.lawyer_f, data=data, today=TODAY)
    assert VisitPhoto.objects.filter(visit=visit).count() == 2

    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    gif = image_file("c.gif", "GIF")
    for bad, words in ((fake, "不是有效的图片"), (gif, "只支持 JPG 或 PNG")):
        with pytest.raises(ValidationError) as exc:
            services.update_visit(
                actor=w.lawyer_f, visit=visit, data=visit_input(w, photos=[bad]), today=TODAY
            )
        assert words in exc.value.message_dict["photos"][0]

    big = image_file("big.jpg")
    big.size = services.MAX_PHOTO_BYTES + 1
    with pytest.raises(ValidationError) as exc:
        services.update_visit(
            actor=w.lawyer_f, visit=visit, data=visit_input(w, photos=[big]), today=TODAY
        )
    assert "超过 5 MB" in exc.value.message_dict["photos"][0]

    many = [image_file(f"{i}.jpg") for i in range(8)]
    with pytest.raises(ValidationError) as exc:
        services.update_visit(
            actor=w.lawyer_f, visit=visit, data=visit_input(w, photos=many), today=TODAY
        )
    assert "最多 9 张" in exc.value.message_dict["photos"][0]
    assert VisitPhoto.objects.filter(visit=visit).count() == 2


def test_confirmed_party_day_visit_marks_the_service_day_held(paired):
    w = paired
    day = ServiceDay.objects.create(
        community=w.community_a1, month=date(2026, 3, 1), date=date(2026, 3, 15)
    )
    record(w, kind=VisitKind.PARTY_DAY, date=date(2026, 3, 15), addresses="")
    day.refresh_from_db()
    assert day.status == ServiceDayStatus.HELD
