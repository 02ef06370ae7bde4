"""A second district beside the demo one, for the route probes (#17): its own streets,
communities, firms and lawyers, pairing, studio members, mediation organizations and
mediators, a bureau admin and a resident. Every row here is outside the scope of every
persona of the demo district, the demo bureau included. ``attach_files`` gives the demo
district's first question, visit, case and meeting a file each (the demo has none), so
that the routes serving files by id are probed too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from accounts.models import User
from accounts.roles import Role
from core.testing import (
    make_community,
    make_district,
    make_firm,
    make_lawyer,
    make_street,
    make_user,
)
from firms.models import FirmAdmin
from mediation.choices import OrgKind, OrgLevel
from mediation.models import Mediator, Organization
from pairing.models import Pairing
from regions import services as region_services
from regions.models import District, StudioMember


@dataclass(frozen=True)
class SecondDistrict:
    district: District
    bureau_admin: User
    rows: dict[str, Any]


def build_second_district(name: str = "其他区", code: str = "330105") -> SecondDistrict:
    district = make_district(name, code)
    street = make_street(district, "其他街道")
    community = make_community(street, "其他社区")
    firm = make_firm(district, "其他区律师事务所")
    lawyer = make_lawyer(firm, "外区律师", user=make_user("外区律师"))
    FirmAdmin.objects.create(firm=firm, user=make_user("外区律所主任"))
    pairing = Pairing.objects.create(community=community, firm=firm, start_date=date(2026, 1, 1))
    member = StudioMember.objects.create(
        community=community, position=StudioMember.Position.LAWYER, name="外区工作室成员"
    )
    org = Organization.objects.create(
        district=district,
        name="其他社区人民调解委员会",
        kind=OrgKind.PEOPLE,
        level=OrgLevel.COMMUNITY,
        street=street,
        community=community,
    )
    mediator_user = make_user("外区调解员")
    mediator = Mediator.objects.create(
        organization=org, name="外区调解员", phone=mediator_user.phone, user=mediator_user
    )
    resident = make_user("外区居民")
    region_services.set_home_community(user=resident, community=community)
    bureau = make_user("外区管理员")
    region_services.grant_region_role(
        actor=None, user=bureau, role=Role.BUREAU_ADMIN, place=district
    )
    rows = {
        "street": street,
        "community": community,
        "firm": firm,
        "lawyer": lawyer,
        "pairing": pairing,
        "member": member,
        "organization": org,
        "mediator": mediator,
    }
    return SecondDistrict(district, bureau, rows)


def attach_files() -> dict[str, Any]:
    """A file on the demo district's first question, visit, case and meeting (the
    files are served by id, through their parent's scope)."""
    import uuid

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from consultations.models import Question, QuestionAttachment
    from mediation.models import Case, CaseFile
    from visits.models import Meeting, MeetingAttachment, Visit, VisitPhoto

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
        b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01"
        b"\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    found: dict[str, Any] = {}

    def upload(name: str) -> dict[str, Any]:
        """A stored file with the fields kept beside it (name, size, type)."""
        return {
            "file": ContentFile(png, name=name),
            "original_name": name,
            "size": len(png),
            "content_type": "image/png",
        }

    question = Question.objects.order_by("pk").first()
    if question is not None:
        found["attachment"] = QuestionAttachment.objects.create(
            question=question, **upload("photo.png")
        )
    visit = Visit.objects.order_by("pk").first()
    if visit is not None:
        found["photo"] = VisitPhoto.objects.create(
            visit=visit, token=uuid.uuid4().hex, image=ContentFile(png, name="photo.png")
        )
    case = Case.objects.order_by("pk").first()
    if case is not None:
        found["case_file"] = CaseFile.objects.create(
            case=case,
            uploaded_by=case.applied_by or _any_user(),
            created_at=timezone.now(),
            **upload("evidence.png"),
        )
    meeting = Meeting.objects.order_by("pk").first()
    if meeting is not None:
        found["meeting_file"] = MeetingAttachment.objects.create(
            meeting=meeting,
            token=uuid.uuid4().hex,
            name="minutes.png",
            file=ContentFile(png, name="minutes.png"),
        )
    return found


def _any_user() -> User:
    return User.objects.order_by("pk").first()  # type: ignore[return-value]
