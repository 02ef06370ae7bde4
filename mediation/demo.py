"""Demo data of cloud mediation for a district (called by ``manage.py seed_demo``).

- The register: a district 人民调解委员会, six 行业性专业性 committees (物业, 劳动,
  医疗, 交通, 消费, 金融), two 行政调解 rooms, each street's committee and the first
  two communities' committees of each street; 2–3 mediators each, nine of them with
  demo sign-ins (13800009001–13800009009, the published demo password); about 15
  lawyers of the district registered for mediation.
- About 60 cases in every state, dated back from ``now``: applications waiting,
  declined ones, cases in mediation (three overdue, some with a draft agreement
  half confirmed), agreements confirmed by every party, failures with the guidance
  given, follow-ups and archived cases; one question of the district (if the
  consultations demo made any) turned into a case that keeps its number.

Rows are written directly (not through the services, which would send texts), in
the shape the services leave them. Idempotent: organizations by name, mediators by
organization and phone, users by phone, lawyers once per district; the cases only
when the district has no demo case yet (their facts start with 【演示数据】).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from firms.models import Lawyer
from mediation.choices import (
    CaseStatus,
    Channel,
    DisputeCategory,
    EventKind,
    Guidance,
    MediatorGrade,
    OrgKind,
    OrgLevel,
    Outcome,
    PartyRole,
    SessionKind,
    SessionStatus,
)
from mediation.models import (
    Agreement,
    Case,
    CaseEvent,
    Confirmation,
    MediationLawyer,
    Mediator,
    Organization,
    Party,
    Session,
)
from mediation.validators import id_check_char
from regions.demo import DEMO_PASSWORD, GIVEN_FEMALE, GIVEN_MALE, SURNAMES, DemoDataError
from regions.models import Community, District, RegionRole, ResidentProfile, Street

DEMO = "【演示数据】"
ACCOUNT_PHONES = [f"138000090{i:02d}" for i in range(1, 10)]
DEADLINE_DAYS = 30

DISTRICT_ORGS: list[tuple[str, str, str]] = [
    # name suffix, kind, category
    ("人民调解委员会", OrgKind.PEOPLE, ""),
    ("物业纠纷人民调解委员会", OrgKind.PROFESSIONAL, DisputeCategory.PROPERTY),
    ("劳动争议人民调解委员会", OrgKind.PROFESSIONAL, DisputeCategory.LABOR),
    ("医疗纠纷人民调解委员会", OrgKind.PROFESSIONAL, DisputeCategory.MEDICAL),
    ("道路交通事故人民调解委员会", OrgKind.PROFESSIONAL, DisputeCategory.TRAFFIC),
    ("消费纠纷人民调解委员会", OrgKind.PROFESSIONAL, DisputeCategory.CONSUMER),
    ("金融纠纷人民调解委员会", OrgKind.PROFESSIONAL, DisputeCategory.FINANCE),
    ("市场监督管理局行政调解室", OrgKind.ADMINISTRATIVE, DisputeCategory.CONSUMER),
    ("人力资源和社会保障局劳动争议调解中心", OrgKind.ADMINISTRATIVE, DisputeCategory.LABOR),
]
# State of each demo case, in order (60 in all).
STATES = (
    [CaseStatus.APPLIED] * 6
    + [CaseStatus.DECLINED] * 2
    + [CaseStatus.ACCEPTED] * 5
    + [CaseStatus.ASSIGNED] * 7
    + [CaseStatus.MEDIATING] * 12
    + [CaseStatus.AGREED] * 12
    + [CaseStatus.FAILED] * 6
    + [CaseStatus.FOLLOWED_UP] * 6
    + [CaseStatus.ARCHIVED] * 4
)
# How many days before ``now`` a case in each state was applied for (range).
AGE: dict[str, tuple[int, int]] = {
    CaseStatus.APPLIED: (0, 3),
    CaseStatus.DECLINED: (5, 30),
    CaseStatus.ACCEPTED: (1, 5),
    CaseStatus.ASSIGNED: (3, 10),
    CaseStatus.MEDIATING: (6, 24),
    CaseStatus.AGREED: (20, 90),
    CaseStatus.FAILED: (25, 90),
    CaseStatus.FOLLOWED_UP: (45, 150),
    CaseStatus.ARCHIVED: (80, 200),
}
OVERDUE = 3  # the first cases in mediation are past their deadline
CATEGORY_WEIGHTS = {
    DisputeCategory.NEIGHBOR: 9,
    DisputeCategory.PROPERTY: 8,
    DisputeCategory.FAMILY: 6,
    DisputeCategory.LABOR: 5,
    DisputeCategory.CONSUMER: 4,
    DisputeCategory.TRAFFIC: 3,
    DisputeCategory.LOAN: 3,
    DisputeCategory.TENANCY: 3,
    DisputeCategory.MEDICAL: 2,
    DisputeCategory.FINANCE: 1,
    DisputeCategory.DAMAGE: 2,
}
FACTS: dict[str, str] = {
    DisputeCategory.NEIGHBOR: "楼上住户卫生间漏水，导致我家天花板和墙面受损，多次协商未果。",
    DisputeCategory.PROPERTY: "物业公司以欠缴物业费为由停用我家门禁卡，双方对服务质量有争议。",
    DisputeCategory.FAMILY: "离婚后对方不按约定支付子女抚养费，已拖欠半年。",
    DisputeCategory.LABOR: "公司拖欠三个月工资，离职后一直未结算。",
    DisputeCategory.CONSUMER: "在商场购买的电器出现质量问题，商家拒绝退换。",
    DisputeCategory.TRAFFIC: "非机动车与行人相撞致行人受伤，双方对医疗费用分担有争议。",
    DisputeCategory.LOAN: "朋友借款两万元，约定一年归还，到期后一直推脱。",
    DisputeCategory.TENANCY: "房东提前收回出租房，拒不退还押金。",
    DisputeCategory.MEDICAL: "在诊所拔牙后出现感染，对诊疗过程和费用有异议。",
    DisputeCategory.FINANCE: "银行理财产品亏损，认为销售时未充分告知风险。",
    DisputeCategory.DAMAGE: "邻居装修时损坏了我家的门和外墙，要求赔偿。",
}
TERMS: dict[str, str] = {
    DisputeCategory.NEIGHBOR: "被申请人于十日内修复漏水点，并赔偿申请人修缮费用人民币 3000 元。",
    DisputeCategory.PROPERTY: "申请人于本月底前补缴物业费，物业公司当日恢复门禁卡并整改公共照明。",
    DisputeCategory.FAMILY: "被申请人于本月内一次性支付拖欠的抚养费，此后每月 5 日前按时支付。",
    DisputeCategory.LABOR: "公司于十五日内支付拖欠工资及经济补偿共计人民币 18600 元。",
    DisputeCategory.CONSUMER: "商家为申请人更换同型号新品，并承担往返运费。",
    DisputeCategory.TRAFFIC: "被申请人承担医疗费用的百分之七十，计人民币 4200 元，于七日内付清。",
    DisputeCategory.LOAN: "被申请人分三个月归还借款两万元，每月 20 日前支付。",
    DisputeCategory.TENANCY: "房东于三日内退还押金人民币 5000 元，双方再无其他争议。",
    DisputeCategory.MEDICAL: "诊所退还治疗费用并补偿人民币 2000 元，申请人不再追究。",
    DisputeCategory.FINANCE: "银行补偿申请人部分损失人民币 8000 元，双方就此了结。",
    DisputeCategory.DAMAGE: "被申请人负责修复门和外墙，费用由其承担，于两周内完成。",
}
PROFESSIONAL = {c for _s, _k, c in DISTRICT_ORGS if c}
# The other side of a dispute with a business.
COMPANIES: dict[str, str] = {
    DisputeCategory.PROPERTY: "杭州某物业管理有限公司",
    DisputeCategory.LABOR: "杭州某科技有限公司",
    DisputeCategory.MEDICAL: "杭州某口腔诊所",
    DisputeCategory.CONSUMER: "杭州某电器商行",
    DisputeCategory.FINANCE: "某银行杭州分行",
}


@dataclass
class Register:
    orgs: list[Organization]
    district_org: Organization
    by_category: dict[str, Organization]
    by_street: dict[int, Organization]
    by_community: dict[int, Organization]
    mediators: dict[int, list[Mediator]] = field(default_factory=dict)


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> str:
        chars = GIVEN_MALE if self.rng.random() < 0.5 else GIVEN_FEMALE
        given = "".join(self.rng.choices(chars, k=self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given


def seed(district: District, rng: random.Random, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    created: dict[str, int] = {}
    with transaction.atomic():
        register = _register(district, rng, created)
        registered = _lawyers(district, register, rng, created)
        created["cases"] = _cases(district, register, registered, rng, now)
    return created


# --- the register --------------------------------------------------------------------------


def _register(district: District, rng: random.Random, created: dict[str, int]) -> Register:
    streets = list(Street.objects.filter(district=district, is_active=True).order_by("pk"))
    wanted = [
        Organization(
            district=district,
            name=f"{district.name}{suffix}",
            kind=kind,
            level=OrgLevel.DISTRICT,
            category=category,
            contact_person="",
            phone=f"0571-8700{i:04d}",
            address=f"杭州市{district.name}行政服务中心",
        )
        for i, (suffix, kind, category) in enumerate(DISTRICT_ORGS, start=1)
    ]
    for street in streets:
        wanted.append(
            Organization(
                district=district,
                name=f"{street.name}人民调解委员会",
                kind=OrgKind.PEOPLE,
                level=OrgLevel.STREET,
                street=street,
                phone=street.office_phone,
                address=street.office_address,
            )
        )
        for community in Community.objects.filter(street=street, is_active=True).order_by("pk")[:2]:
            wanted.append(
                Organization(
                    district=district,
                    name=f"{street.name}{community.name}人民调解委员会",
                    kind=OrgKind.PEOPLE,
                    level=OrgLevel.COMMUNITY,
                    street=street,
                    community=community,
                    phone=community.phone,
                    address=community.address,
                )
            )
    names = _Names(rng)
    for org in wanted:
        org.contact_person = names()
    have = set(Organization.objects.filter(district=district).values_list("name", flat=True))
    new = [o for o in wanted if o.name not in have]
    Organization.objects.bulk_create(new)
    created["organizations"] = len(new)
    orgs = list(
        Organization.objects.filter(district=district, name__in=[o.name for o in wanted])
        .select_related("street", "community")
        .order_by("pk")
    )
    by_name = {o.name: o for o in orgs}
    register = Register(
        orgs=orgs,
        district_org=by_name[f"{district.name}{DISTRICT_ORGS[0][0]}"],
        by_category={
            o.category: o
            for o in reversed(orgs)
            if o.level == OrgLevel.DISTRICT and o.category and o.kind == OrgKind.PROFESSIONAL
        },
        by_street={o.street_id: o for o in orgs if o.level == OrgLevel.STREET},
        by_community={o.community_id: o for o in orgs if o.level == OrgLevel.COMMUNITY},
    )
    _mediators(register, streets, rng, created)
    return register


def _account_orgs(register: Register, streets: list[Street]) -> list[Organization]:
    """Where the nine demo mediators work; the first (13800009001, the one a visitor
    tries first) at the busiest, the property committee, so that their workspace has
    cases to show."""
    district_orgs = [o for o in register.orgs if o.level == OrgLevel.DISTRICT]
    street_orgs = [register.by_street[s.pk] for s in streets if s.pk in register.by_street]
    community_orgs = [o for o in register.orgs if o.level == OrgLevel.COMMUNITY]
    picks = [
        register.by_category.get(DisputeCategory.PROPERTY),
        register.district_org,
        register.by_category.get(DisputeCategory.LABOR),
        *street_orgs[:3],
        *community_orgs[:2],
        next((o for o in district_orgs if o.kind == OrgKind.ADMINISTRATIVE), None),
    ]
    fallback = register.district_org
    return [o or fallback for o in picks][: len(ACCOUNT_PHONES)]


def _mediators(
    register: Register, streets: list[Street], rng: random.Random, created: dict[str, int]
) -> None:
    names = _Names(rng)
    grades = list(MediatorGrade.values)
    categories = list(CATEGORY_WEIGHTS)
    wanted: list[Mediator] = []
    for i, org in enumerate(register.orgs):
        for j in range(2 + (i % 2)):
            specialties = [org.category] if org.category else rng.sample(categories, 2)
            wanted.append(
                Mediator(
                    organization=org,
                    name=names(),
                    grade=grades[min(j + (0 if org.level == OrgLevel.DISTRICT else 1), 3)],
                    specialties=sorted(specialties),
                    phone=f"1590009{i:02d}{j:02d}",
                )
            )
    account_orgs = _account_orgs(register, streets)
    for phone, org in zip(ACCOUNT_PHONES, account_orgs, strict=False):
        wanted.append(
            Mediator(
                organization=org,
                name=names(),
                grade=MediatorGrade.FIRST,
                specialties=sorted([org.category] if org.category else rng.sample(categories, 2)),
                phone=phone,
            )
        )
    have = set(
        Mediator.objects.filter(organization__in=register.orgs).values_list(
            "organization_id", "phone"
        )
    )
    new = [m for m in wanted if (m.organization_id, m.phone) not in have]
    Mediator.objects.bulk_create(new)
    created["mediators"] = len(new)
    users = _accounts({m.phone: m.name for m in wanted if m.phone in ACCOUNT_PHONES}, created)
    for mediator in Mediator.objects.filter(phone__in=ACCOUNT_PHONES, user__isnull=True):
        user = users.get(mediator.phone)
        if user is not None and not Mediator.objects.filter(user=user).exists():
            mediator.user = user
            mediator.save(update_fields=["user", "updated_at"])
    for mediator in Mediator.objects.filter(
        organization__in=register.orgs, is_active=True
    ).order_by("user_id", "pk"):
        register.mediators.setdefault(mediator.organization_id, []).append(mediator)
    for rows in register.mediators.values():
        rows.sort(key=lambda m: (m.user_id is None, m.pk))


def _accounts(names: dict[str, str], created: dict[str, int]) -> dict[str, User]:
    existing = User.objects.filter(phone__in=list(names))
    if existing.filter(is_demo=False).exists():
        raise DemoDataError("演示调解员账号的手机号（13800009001–13800009009）已被真实账号使用")
    have = set(existing.values_list("phone", flat=True))
    password = make_password(DEMO_PASSWORD)
    new = [
        User(phone=phone, name=name, password=password, is_demo=True)
        for phone, name in names.items()
        if phone not in have
    ]
    User.objects.bulk_create(new)
    created["users"] = len(new)
    return {u.phone: u for u in User.objects.filter(phone__in=list(names))}


def _lawyers(
    district: District, register: Register, rng: random.Random, created: dict[str, int]
) -> list[MediationLawyer]:
    lawyers = list(
        Lawyer.objects.filter(firm__district=district, is_active=True).order_by("license_no")
    )
    chosen = rng.sample(lawyers, min(15, len(lawyers)))
    have = set(
        MediationLawyer.objects.filter(district=district).values_list("lawyer_id", flat=True)
    )
    if have:
        chosen = []  # the district's list is kept as it is
    categories = list(CATEGORY_WEIGHTS)
    new = [
        MediationLawyer(
            district=district,
            lawyer=lawyer,
            organization=rng.choice(register.orgs) if i % 3 == 0 else None,
            specialties=sorted(rng.sample(categories, 2)),
        )
        for i, lawyer in enumerate(chosen)
        if lawyer.pk not in have
    ]
    MediationLawyer.objects.bulk_create(new)
    created["lawyers"] = len(new)
    return list(
        MediationLawyer.objects.filter(district=district, is_active=True).select_related("lawyer")
    )


# --- the cases ------------------------------------------------------------------------------


def _office_hours(value: datetime) -> datetime:
    """The same day squeezed into 08:00–19:00 (order kept), so demo steps happen by day."""
    local = timezone.localtime(value)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = (local - midnight).total_seconds()
    return midnight + timedelta(hours=8, seconds=seconds * 11 / 24)


def _day(value: datetime) -> str:
    return f"{timezone.localdate(value):%Y%m%d}"


def _when(value: datetime) -> str:
    return f"{timezone.localtime(value):%Y年%m月%d日 %H:%M}"


def _id_number(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
    body = f"330102{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + id_check_char(body)


@dataclass
class _People:
    """Who acts in the demo: residents with sign-ins, staff by place, a fallback."""

    residents: list[tuple[User, Community]]
    street_staff: dict[int, User]
    community_staff: dict[int, User]
    fallback: User


def _people(district: District, register: Register) -> _People:
    residents = [
        (p.user, p.community)
        for p in ResidentProfile.objects.filter(
            community__street__district=district, user__is_demo=True
        )
        .select_related("user", "community__street")
        .order_by("user__phone")
        if p.community is not None
    ]
    roles = RegionRole.objects.filter(is_active=True).select_related("user")
    street_staff = {
        r.street_id: r.user for r in roles.filter(role=Role.STREET_STAFF, street__district=district)
    }
    community_staff = {
        r.community_id: r.user
        for r in roles.filter(role=Role.COMMUNITY_STAFF, community__street__district=district)
    }
    bureau = roles.filter(role=Role.BUREAU_ADMIN, district=district).first()
    fallback = (
        bureau.user
        if bureau
        else next(m.user for rows in register.mediators.values() for m in rows if m.user)
    )
    return _People(residents, street_staff, community_staff, fallback)


class _Builder:
    """Builds one district's demo cases and every row that hangs from them."""

    def __init__(
        self,
        district: District,
        register: Register,
        registered: list[MediationLawyer],
        rng: random.Random,
        now: datetime,
    ) -> None:
        self.district = district
        self.register = register
        self.registered = registered
        self.rng = rng
        self.now = now
        self.names = _Names(rng)
        self.people = _people(district, register)
        self.communities = list(
            Community.objects.filter(street__district=district, is_active=True)
            .select_related("street")
            .order_by("pk")
        )
        homes = {c.pk for _u, c in self.people.residents} | set(register.by_community)
        self.near = [c for c in self.communities if c.pk in homes] or self.communities
        self.events: list[CaseEvent] = []
        self.parties: list[Party] = []
        self.sessions: list[tuple[Session, list[int]]] = []
        self.agreements: list[tuple[Agreement, str]] = []
        self.mediator_links: list[tuple[Case, list[Mediator]]] = []

    def at(self, start: datetime, lo: float, hi: float) -> datetime:
        moment = _office_hours(start + timedelta(hours=self.rng.uniform(lo * 24, hi * 24)))
        return min(max(moment, start), self.now - timedelta(minutes=5))

    def event(self, case: Case, kind: str, at: datetime, actor: str, text: str) -> None:
        self.events.append(
            CaseEvent(case=case, kind=kind, actor_label=actor, text=text, created_at=at)
        )

    def org_for(self, community: Community, category: str) -> Organization:
        if category in PROFESSIONAL and category in self.register.by_category:
            return self.register.by_category[category]
        # The community's committee or the street's, about evenly.
        local = self.register.by_community.get(community.pk)
        if local is not None and self.rng.random() < 0.5:
            return local
        return (
            self.register.by_street.get(community.street_id) or local or self.register.district_org
        )

    def build(self, index: int, state: str) -> Case:
        rng = self.rng
        category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        resident = (
            self.people.residents[index % len(self.people.residents)]
            if (self.people.residents and index % 3 == 0)
            else None
        )
        community = resident[1] if resident else rng.choice(self.near)
        channel = (
            Channel.ONLINE
            if resident
            else rng.choice([Channel.DESK, Channel.DESK, Channel.GRID, Channel.DESK])
        )
        org = self.org_for(community, category)
        lo, hi = AGE[state]
        overdue = (
            state == CaseStatus.MEDIATING and index < STATES.index(CaseStatus.MEDIATING) + OVERDUE
        )
        days = rng.uniform(lo, hi) if not overdue else rng.uniform(34, 45)
        applied_at = min(
            _office_hours(self.now - timedelta(days=days)), self.now - timedelta(minutes=30)
        )
        staff = (
            self.people.community_staff.get(community.pk)
            if channel == Channel.GRID
            else self.people.street_staff.get(community.street_id)
        )
        applied_by = resident[0] if resident else (staff or self.people.fallback)
        case = Case(
            case_number=(f"TJ-{self.district.code}-{_day(applied_at)}-{900001 + index:06d}"),
            district=self.district,
            street=community.street,
            community=community,
            channel=channel,
            applied_by=applied_by,
            category=category,
            amount=Decimal(rng.choice([0, 2000, 3000, 5000, 8600, 20000, 18600])) or None,
            facts=DEMO + FACTS[category],
            claims="请求调解员主持协商，依法解决。",
            status=state,
            applied_at=applied_at,
            requested_organization=org if rng.random() < 0.25 else None,
            trips=1 if channel == Channel.DESK else 0,
        )
        if state == CaseStatus.APPLIED and case.requested_organization:
            case.organization = org
        applicant_name = resident[0].name if resident else self.names()
        applicant_phone = resident[0].phone if resident else f"1590001{index:04d}"
        with_id = rng.random() < 0.35
        applicant = Party(
            case=case,
            role=PartyRole.APPLICANT,
            name=applicant_name,
            phone=applicant_phone,
            user=resident[0] if resident else None,
            id_number=_id_number(rng) if with_id else "",
            id_consent=with_id,
            id_consent_at=applied_at if with_id else None,
            trips=1 if channel == Channel.DESK else 0,
        )
        respondent = Party(
            case=case,
            role=PartyRole.RESPONDENT,
            name=COMPANIES.get(category) or self.names(),
            phone=f"1590002{index:04d}",
        )
        self._steps(case, org, applicant, respondent, state, overdue)
        return case

    def _steps(
        self,
        case: Case,
        org: Organization,
        applicant: Party,
        respondent: Party,
        state: str,
        overdue: bool,
    ) -> None:
        rng = self.rng
        self.parties += [applicant, respondent]
        channel_text = (
            "线上提交调解申请" if case.channel == Channel.ONLINE else case.get_channel_display()
        )
        applicant_label = (
            f"申请人 {applicant.name}" if case.channel == Channel.ONLINE else str(case.applied_by)
        )
        self.event(
            case,
            EventKind.APPLIED,
            case.applied_at,
            applicant_label,
            f"{channel_text}，纠纷类别：{case.get_category_display()}",
        )
        staff = self.people.street_staff.get(case.street_id or 0)
        street_label = f"司法所 {staff or '工作人员'}"
        if state == CaseStatus.DECLINED:
            case.closed_at = self.at(case.applied_at, 0.5, 2)
            case.decline_reason = "该纠纷已由人民法院立案受理，依法不再受理调解申请。"
            self.event(
                case,
                EventKind.DECLINED,
                case.closed_at,
                street_label,
                f"不予受理。理由：{case.decline_reason}",
            )
            return
        if state == CaseStatus.APPLIED:
            return
        case.accepted_at = self.at(case.applied_at, 0.1, 1)
        case.due_at = case.accepted_at + timedelta(days=DEADLINE_DAYS)
        case.reminder_due_at = case.due_at - timedelta(days=5)
        if case.reminder_due_at <= self.now:
            case.reminded_at = case.reminder_due_at
        self.event(
            case,
            EventKind.ACCEPTED,
            case.accepted_at,
            street_label,
            f"已受理，办理期限 {DEADLINE_DAYS} 天，至 {_when(case.due_at)}",
        )
        if state == CaseStatus.ACCEPTED:
            return
        mediators = self.register.mediators.get(org.pk, [])[: rng.choice((1, 2))]
        lawyer = (
            rng.choice(self.registered).lawyer if self.registered and rng.random() < 0.4 else None
        )
        case.organization, case.lawyer = org, lawyer
        case.assigned_at = self.at(case.accepted_at, 0.2, 2)
        self.mediator_links.append((case, mediators))
        names = "、".join(m.name for m in mediators)
        text = f"分派至{org.name}，调解员：{names}"
        if lawyer is not None:
            text += f"；参与调解的律师：{lawyer.name}"
        self.event(case, EventKind.ASSIGNED, case.assigned_at, street_label, text)
        if state == CaseStatus.ASSIGNED:
            return
        actor = mediators[0] if mediators else None
        actor_label = f"调解员 {actor.name}" if actor else "调解员"
        user = next((m.user for m in mediators if m.user_id), None) or self.people.fallback
        case.started_at = self.at(case.assigned_at, 0.2, 1.5)
        self.event(case, EventKind.STARTED, case.started_at, actor_label, "开始调解，调解室已开放")
        held_at = self.at(case.started_at, 1, 4)
        in_person = rng.random() < 0.5
        session = Session(
            case=case,
            kind=SessionKind.IN_PERSON if in_person else SessionKind.ONLINE,
            starts_at=held_at,
            place=(org.address or "调解室") if in_person else "",
            status=SessionStatus.HELD,
            scheduled_by=user,
            record="双方陈述了各自意见，调解员释法说理，双方同意继续协商。",
            held_at=held_at,
            recorded_by=user,
            created_at=case.started_at,
        )
        present = [0, 1] if in_person else []
        self.sessions.append((session, present))
        if in_person:
            applicant.trips += 1
            respondent.trips += 1
            case.trips += 2
        where = session.place if in_person else "线上调解室"
        self.event(
            case,
            EventKind.SESSION_SCHEDULED,
            case.started_at,
            actor_label,
            f"{session.get_kind_display()}：{_when(held_at)}，{where}",
        )
        self.event(
            case,
            EventKind.SESSION_HELD,
            held_at,
            actor_label,
            f"{session.get_kind_display()}已记录，到场当事人："
            + ("、".join([applicant.name, respondent.name]) if in_person else "无"),
        )
        if case.reminded_at and state == CaseStatus.MEDIATING:
            self.event(case, EventKind.REMINDER, case.reminded_at, "系统", "距办理期限还有 5 天")
        if state == CaseStatus.MEDIATING:
            if overdue:
                case.overdue_at = case.due_at
                self.event(
                    case, EventKind.OVERDUE, case.due_at, "系统", "已超过办理期限，请尽快办结"
                )
            else:
                upcoming = Session(
                    case=case,
                    kind=SessionKind.ONLINE,
                    starts_at=self.now + timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 8)),
                    scheduled_by=user,
                    created_at=held_at,
                )
                self.sessions.append((upcoming, []))
            if rng.random() < 0.4:
                drafted = self.at(held_at, 0.2, 1)
                agreement = Agreement(
                    case=case, terms=TERMS[case.category], drafted_at=drafted, drafted_by=user
                )
                self.agreements.append((agreement, "half"))
                self.event(
                    case,
                    EventKind.AGREEMENT_DRAFTED,
                    drafted,
                    actor_label,
                    "拟定调解协议书（第 1 版），请各方当事人在线确认",
                )
            return
        closed = self.at(held_at, 0.5, 12)
        case.closed_at = closed
        case.duration_days = (
            timezone.localdate(closed) - timezone.localdate(case.accepted_at)
        ).days
        case.deadline_met = closed <= case.due_at
        success = state == CaseStatus.AGREED or (state != CaseStatus.FAILED and rng.random() < 0.75)
        if state == CaseStatus.FAILED:
            success = False
        if success:
            case.outcome = Outcome.SUCCESS
            drafted = self.at(held_at, 0.1, 0.4)
            agreement = Agreement(
                case=case,
                terms=TERMS[case.category],
                performance="按协议约定期限履行。",
                drafted_at=min(drafted, closed),
                drafted_by=user,
                confirmed_at=closed,
            )
            self.agreements.append((agreement, "all"))
            self.event(
                case,
                EventKind.AGREEMENT_DRAFTED,
                agreement.drafted_at,
                actor_label,
                "拟定调解协议书（第 1 版），请各方当事人在线确认",
            )
            for party in (applicant, respondent):
                self.event(
                    case,
                    EventKind.PARTY_CONFIRMED,
                    closed,
                    f"{party.get_role_display()} {party.name}",
                    f"{party.get_role_display()} {party.name} "
                    "通过短信验证码在线确认调解协议书（第 1 版）",
                )
            self.event(
                case,
                EventKind.AGREED,
                closed,
                "系统",
                "各方当事人均已确认，调解协议书生效，调解成功",
            )
        else:
            case.outcome = Outcome.FAILURE
            case.failure_reason = "双方对赔偿数额分歧较大，经多次调解仍未达成一致。"
            case.guidance = sorted(rng.sample(list(Guidance.values[:3]), rng.choice((1, 2))))
            labels = dict(Guidance.choices)
            self.event(
                case,
                EventKind.FAILED,
                closed,
                actor_label,
                f"未达成调解协议。原因：{case.failure_reason}。已引导当事人："
                + "、".join(str(labels[g]) for g in case.guidance),
            )
        if state in (CaseStatus.AGREED, CaseStatus.FAILED):
            return
        case.followed_up_at = self.at(closed, 5, 15)
        case.follow_up_note = (
            "电话回访，协议已履行完毕。" if success else "电话回访，当事人已向法院起诉。"
        )
        case.satisfied = rng.random() < 0.85
        self.event(
            case, EventKind.FOLLOWED_UP, case.followed_up_at, actor_label, case.follow_up_note
        )
        if state == CaseStatus.ARCHIVED:
            case.archived_at = self.at(case.followed_up_at, 1, 5)
            self.event(case, EventKind.ARCHIVED, case.archived_at, actor_label, "案件已归档")

    def save(self, cases: list[Case]) -> None:
        Case.objects.bulk_create(cases)
        Party.objects.bulk_create(self.parties)
        CaseEvent.objects.bulk_create(self.events)
        through = Case.mediators.through
        through.objects.bulk_create(
            through(case_id=case.pk, mediator_id=m.pk)
            for case, mediators in self.mediator_links
            for m in mediators
        )
        Session.objects.bulk_create(s for s, _p in self.sessions)
        parties: dict[int, list[Party]] = {}
        for party in self.parties:
            parties.setdefault(party.case_id, []).append(party)
        attend = Session.attendees.through
        attend.objects.bulk_create(
            attend(session_id=s.pk, party_id=parties[s.case_id][i].pk)
            for s, present in self.sessions
            for i in present
        )
        Agreement.objects.bulk_create(a for a, _mode in self.agreements)
        confirmations = []
        for agreement, mode in self.agreements:
            for i, party in enumerate(parties[agreement.case_id]):
                done = mode == "all" or (mode == "half" and i == 0)
                at = agreement.confirmed_at or agreement.drafted_at
                confirmations.append(
                    Confirmation(
                        agreement=agreement,
                        party=party,
                        version=1,
                        confirmed_at=at if done else None,
                    )
                )
        Confirmation.objects.bulk_create(confirmations)


def _cases(
    district: District,
    register: Register,
    registered: list[MediationLawyer],
    rng: random.Random,
    now: datetime,
) -> int:
    if Case.objects.filter(district=district, facts__startswith=DEMO).exists():
        return 0
    builder = _Builder(district, register, registered, rng, now)
    cases = [builder.build(i, state) for i, state in enumerate(STATES)]
    builder.save(cases)
    return len(cases) + _from_question(district, builder, now)


def _from_question(district: District, builder: _Builder, now: datetime) -> int:
    """One question of the district becomes a case that keeps its number."""
    from consultations.models import Question

    question = (
        Question.objects.filter(district=district, mediation_case__isnull=True)
        .select_related("asker", "community__street")
        .order_by("posted_at", "pk")
        .first()
    )
    if question is None or Case.objects.filter(case_number=question.case_number).exists():
        return 0
    applied_at = max(question.posted_at + timedelta(days=1), now - timedelta(days=1))
    case = Case.objects.create(
        case_number=question.case_number,
        district=district,
        street=question.community.street,
        community=question.community,
        question=question,
        channel=Channel.CONSULTATION,
        applied_by=question.asker,
        category=DisputeCategory.NEIGHBOR,
        facts=DEMO + question.text,
        applied_at=min(applied_at, now),
    )
    Party.objects.bulk_create(
        [
            Party(
                case=case,
                role=PartyRole.APPLICANT,
                name=question.contact_name or question.asker.name or "咨询人",
                phone=question.contact_phone or question.asker.phone,
                user=question.asker,
            ),
            Party(case=case, role=PartyRole.RESPONDENT, name=builder.names(), phone="15900030001"),
        ]
    )
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.FROM_QUESTION,
        actor_label="咨询人",
        text=f"法律咨询 {question.case_number} 转为调解申请，编号不变",
        created_at=case.applied_at,
    )
    return 1
