"""The demo district 上城区 (杭州市), built by ``manage.py seed_demo``.

The data is planned first, from a fixed random seed and without touching the database,
so it is the same on every machine and every run. Seeding then creates only what is
missing (matched by natural keys: codes, names, licence numbers, phones), so running it
again changes nothing. Everything is marked as demo data: the district and the users
carry ``is_demo``, firm introductions and lawyer biographies start with 【演示数据】.

Demo data spans the region tree and the firms, like core.testing's personas do.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from accounts.models import User
from accounts.roles import Role
from firms import services as firm_services
from firms.models import GuidanceGroupMember, LawFirm, Lawyer, Specialty
from regions import services as region_services
from regions.models import Community, District, ResidentProfile, Street, StudioMember

DEMO_PASSWORD = "Demo@2026"  # noqa: S105  (published demo password, demo accounts only)
DISTRICT_CODE = "330102"
DISTRICT_NAME = "上城区"
SEED = 20200416  # the date of 杭上司〔2020〕19号

M = TypeVar("M")

STREETS: dict[str, tuple[str, ...]] = {
    "清波街道": (
        "清波社区",
        "柳翠井巷社区",
        "劳动路社区",
        "清河坊社区",
        "南山社区",
        "定安社区",
        "吴山社区",
        "河坊街社区",
        "清平社区",
    ),
    "湖滨街道": (
        "湖滨社区",
        "东坡路社区",
        "岳王路社区",
        "青年路社区",
        "东平巷社区",
        "吴山路社区",
        "学士路社区",
        "龙翔桥社区",
        "平海路社区",
    ),
    "小营街道": (
        "小营巷社区",
        "大学路社区",
        "茅廊巷社区",
        "长寿桥社区",
        "紫金观巷社区",
        "金钱巷社区",
        "西牌楼社区",
        "梅花碑社区",
        "菜市桥社区",
    ),
    "望江街道": (
        "望江社区",
        "始版桥社区",
        "近江社区",
        "金隆社区",
        "望江家园社区",
        "新工社区",
        "海潮社区",
        "清泰门社区",
        "婺江社区",
    ),
    "南星街道": (
        "南星社区",
        "馒头山社区",
        "梵天寺社区",
        "复兴南苑社区",
        "水澄桥社区",
        "美政桥社区",
        "海月社区",
        "宋城社区",
        "江城社区",
    ),
    "紫阳街道": (
        "紫阳社区",
        "上羊市街社区",
        "十五奎巷社区",
        "凤凰社区",
        "候潮门社区",
        "大马弄社区",
        "春江社区",
        "城隍牌楼社区",
        "察院前巷社区",
    ),
}

SPECIALTIES = (
    "婚姻家庭",
    "劳动争议",
    "房产物业",
    "合同纠纷",
    "借贷",
    "交通事故",
    "邻里纠纷",
    "消费维权",
    "公司经营",
    "刑事",
    "行政",
    "知识产权",
)

FIRM_WORDS = [
    "钱塘",
    "吴山",
    "鼓楼",
    "凤山",
    "南宋",
    "望潮",
    "清河",
    "明德",
    "守正",
    "弘毅",
    "衡平",
    "厚德",
    "致远",
    "和信",
    "同舟",
    "安澜",
    "立诚",
    "方圆",
    "正行",
    "知行",
    "恒信",
    "景和",
    "思源",
    "崇法",
    "嘉禾",
    "湖畔",
    "青藤",
    "梧桐",
    "秉正",
    "泰和",
]
LAWYER_COUNT = 200
GUIDANCE_GROUP_SIZE = 7

ROADS = [
    "延安路",
    "解放路",
    "庆春路",
    "中山中路",
    "中山南路",
    "建国南路",
    "望江路",
    "江城路",
    "南山路",
    "河坊街",
    "平海路",
    "秋涛路",
    "清泰街",
    "定安路",
    "惠民路",
    "复兴街",
    "凤凰山脚路",
    "之江路",
    "西湖大道",
    "江锦路",
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚"
    "邵钱严武戴莫孔汤楼应俞章"
)
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建峰晨亮文立新海东志国"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪琳洁红慧颖倩萍晶佳瑶悦蕾琴云月怡欣梅丹霏岚璐"


@dataclass(frozen=True)
class CommunityPlan:
    name: str
    code: str
    address: str
    phone: str
    households: int
    population: int
    studio: tuple[tuple[str, str, str], ...]  # (position, name, phone)


@dataclass(frozen=True)
class StreetPlan:
    name: str
    code: str
    office_address: str
    office_phone: str
    communities: tuple[CommunityPlan, ...]


@dataclass(frozen=True)
class LawyerPlan:
    name: str
    gender: str
    license_no: str
    phone: str
    practice_start_date: date
    specialties: tuple[str, ...]
    is_party_member: bool
    is_volunteer: bool
    fee_standard: str
    bio: str


@dataclass
class FirmPlan:
    name: str
    uscc: str
    street: str
    address: str
    phone: str
    in_mediation_association: bool
    in_education_center: bool
    lawyers: list[LawyerPlan] = field(default_factory=list)

    @property
    def director(self) -> LawyerPlan:
        """The most senior lawyer directs the firm."""
        return min(self.lawyers, key=lambda lawyer: lawyer.practice_start_date)

    @property
    def introduction(self) -> str:
        fields = "、".join(sorted({s for x in self.lawyers for s in x.specialties})[:4])
        return (
            f"【演示数据】{self.name}位于{self.address}，现有执业律师 {len(self.lawyers)} 名，"
            f"主要业务领域：{fields}等。"
        )


@dataclass(frozen=True)
class AccountPlan:
    """A demo sign-in. ``place`` names what the role binds to (a street or community
    name, a firm name, a licence number); ``sees`` says what the role may see."""

    phone: str
    name: str
    role: str
    place: str
    sees: str
    title: str = ""


@dataclass(frozen=True)
class DemoPlan:
    streets: tuple[StreetPlan, ...]
    firms: tuple[FirmPlan, ...]
    accounts: tuple[AccountPlan, ...]
    guidance: tuple[tuple[str, str], ...]  # (licence number, position)


class DemoDataError(Exception):
    """The demo data cannot be created (its keys are taken by real data)."""


class _Names:
    """Chinese personal names, unique within the demo."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, gender: str = "") -> tuple[str, str]:
        gender = gender or self.rng.choice("MF")
        chars = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
        while True:
            given = "".join(self.rng.choices(chars, k=self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name, gender


def _uscc(rng: random.Random, used: set[str]) -> str:
    """A law firm's 统一社会信用代码: 3 (justice administration) 1 (law firm), the
    province's division code, a 9-character organization code, the check character."""
    from core.validators import uscc_check_char

    while True:
        body = "31330000" + "".join(rng.choices("0123456789", k=9))
        code = body + uscc_check_char(body)
        if code not in used:
            used.add(code)
            return code


def _license(index: int, year: int, gender: str, category: str) -> str:
    """A 执业证号: kind 1, 浙江 33, 杭州 01, first year, category, gender, serial."""
    serial = (index * 7919 + 1234) % 1_000_000  # distinct for every index, looks random
    return f"13301{year:04d}{category}{1 if gender == 'M' else 0}{serial:06d}"


def _practice_year(rng: random.Random) -> int:
    span = rng.choices(((1, 4), (5, 10), (11, 20), (21, 29)), weights=(25, 35, 28, 12))[0]
    return 2025 - rng.randint(*span)


def _fee(rng: random.Random) -> str:
    minimum, letter = rng.choice((3000, 5000, 8000)), rng.choice((800, 1000, 1500))
    return (
        f"首次咨询免费；代理民事案件按标的额分段收费，最低 {minimum} 元；"
        f"出具律师函 {letter} 元/份。"
    )


def _plan_firms(rng: random.Random, names: _Names, street_names: list[str]) -> list[FirmPlan]:
    used: set[str] = set()
    firms = [
        FirmPlan(
            name=f"浙江{word}律师事务所",
            uscc=_uscc(rng, used),
            street=rng.choice(street_names),
            address=f"杭州市上城区{rng.choice(ROADS)}{rng.randint(1, 399)}号{rng.randint(2, 18)}楼",
            phone=f"0571-8{rng.randint(0, 9_999_999):07d}",
            in_mediation_association=rng.random() < 0.6,
            in_education_center=rng.random() < 0.5,
        )
        for word in FIRM_WORDS
    ]
    # Every firm has at least three lawyers; the rest go to firms of varied size.
    homes = [i for i in range(len(firms)) for _ in range(3)]
    weights = [rng.choice((1, 1, 2, 3, 5)) for _ in firms]
    homes += rng.choices(range(len(firms)), weights=weights, k=LAWYER_COUNT - len(homes))
    for index, home in enumerate(homes):
        name, gender = names()
        year = _practice_year(rng)
        specialties = tuple(
            sorted(rng.sample(SPECIALTIES, rng.randint(1, 3)), key=SPECIALTIES.index)
        )
        senior = year <= 2020
        firms[home].lawyers.append(
            LawyerPlan(
                name=name,
                gender=gender,
                license_no=_license(index + 1, year, gender, "2" if rng.random() < 0.08 else "1"),
                phone=f"1370000{index + 1:04d}",
                practice_start_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
                specialties=specialties,
                is_party_member=rng.random() < 0.35,
                is_volunteer=rng.random() < (0.45 if senior else 0.1),
                fee_standard=_fee(rng),
                bio=f"【演示数据】擅长{'、'.join(specialties)}，长期参与社区法律服务。",
            )
        )
    return firms


def _plan_streets(rng: random.Random, names: _Names, firms: list[FirmPlan]) -> list[StreetPlan]:
    streets = []
    for s, (street_name, community_names) in enumerate(STREETS.items(), start=1):
        communities = []
        for c, community_name in enumerate(community_names, start=1):
            households = rng.randint(800, 4000)
            lawyer = rng.choice(rng.choice(firms).lawyers)
            studio = [
                (StudioMember.Position.SECRETARY, names()[0], f"1360000{s}{c:03d}"),
                (StudioMember.Position.POLICE, names()[0], ""),
                (StudioMember.Position.LAWYER, lawyer.name, lawyer.phone),
                (StudioMember.Position.MEDIATOR, names()[0], f"1360001{s}{c:03d}"),
                (StudioMember.Position.VOLUNTEER, names()[0], ""),
            ]
            communities.append(
                CommunityPlan(
                    name=community_name,
                    code=f"{DISTRICT_CODE}{s:03d}{c:03d}",
                    address=f"杭州市上城区{rng.choice(ROADS)}{rng.randint(1, 499)}号",
                    phone=f"0571-8{rng.randint(0, 9_999_999):07d}",
                    households=households,
                    population=round(households * rng.uniform(2.1, 2.5)),
                    studio=tuple(studio),
                )
            )
        streets.append(
            StreetPlan(
                name=street_name,
                code=f"{DISTRICT_CODE}{s:03d}",
                office_address=f"杭州市上城区{rng.choice(ROADS)}{rng.randint(1, 299)}号",
                office_phone=f"0571-8{rng.randint(0, 9_999_999):07d}",
                communities=tuple(communities),
            )
        )
    return streets


def _plan_accounts(
    names: _Names, streets: list[StreetPlan], firms: list[FirmPlan]
) -> list[AccountPlan]:
    n_communities = sum(len(s.communities) for s in streets)
    accounts = [
        AccountPlan(
            "13800000001",
            names()[0],
            Role.BUREAU_ADMIN,
            DISTRICT_NAME,
            f"全区 {len(streets)} 个街道、{n_communities} 个社区、{len(firms)} 家律所和全部律师；"
            "区参数设置；后台管理",
            "律管科科长",
        )
    ]
    for i, s in enumerate(streets, start=2):
        accounts.append(
            AccountPlan(
                f"138000000{i:02d}",
                names()[0],
                Role.STREET_STAFF,
                s.name,
                f"{s.name}司法所：本街道 {len(s.communities)} 个社区；全区律所和律师（只读）",
                "司法所工作人员",
            )
        )
    for i, s in enumerate(streets, start=11):
        c = s.communities[0]
        accounts.append(
            AccountPlan(
                f"138000000{i:02d}",
                names()[0],
                Role.COMMUNITY_STAFF,
                c.name,
                f"{s.name}{c.name}及其居民；全区律所和律师（只读）",
                "社区法治专干",
            )
        )
    for i, firm in enumerate(firms[:3], start=21):
        accounts.append(
            AccountPlan(
                f"138000000{i:02d}",
                firm.director.name,
                Role.FIRM_ADMIN,
                firm.name,
                f"{firm.name}（主任，兼本所律师）：本所及其 {len(firm.lawyers)} 名律师",
            )
        )
    for i, firm in enumerate(firms[:5], start=31):
        lawyer = next(x for x in firm.lawyers if x is not firm.director)
        accounts.append(
            AccountPlan(
                f"138000000{i:02d}",
                lawyer.name,
                Role.LAWYER,
                lawyer.license_no,
                f"{firm.name}律师：本所和同事（只读）、本人档案",
            )
        )
    for i, s in enumerate(streets[:4], start=41):
        c = s.communities[0]
        accounts.append(
            AccountPlan(
                f"138000000{i:02d}",
                names()[0],
                Role.RESIDENT,
                c.name,
                f"居住在{s.name}{c.name}：本人的事务和公开内容",
            )
        )
    accounts.append(
        AccountPlan("13800000000", "系统管理员", "superuser", "", "全部数据；Django 后台")
    )
    return accounts


def build_plan() -> DemoPlan:
    """The whole demo district, computed from the fixed seed (no database access)."""
    rng = random.Random(SEED)  # noqa: S311  (demo data, not security)
    names = _Names(rng)
    firms = _plan_firms(rng, names, list(STREETS))
    streets = _plan_streets(rng, names, firms)
    accounts = _plan_accounts(names, streets, firms)
    directors = sorted((f.director for f in firms), key=lambda x: x.practice_start_date)
    positions = [GuidanceGroupMember.Position.LEADER] + [GuidanceGroupMember.Position.DEPUTY] * 2
    guidance = tuple(
        (
            lawyer.license_no,
            positions[i] if i < len(positions) else GuidanceGroupMember.Position.MEMBER,
        )
        for i, lawyer in enumerate(directors[:GUIDANCE_GROUP_SIZE])
    )
    return DemoPlan(tuple(streets), tuple(firms), tuple(accounts), guidance)


def demo_district() -> District | None:
    return District.objects.filter(code=DISTRICT_CODE, is_demo=True).first()


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Create whatever of the demo district is missing; returns rows created per kind."""
    plan = build_plan()
    created: dict[str, int] = {}
    district = _district()
    streets = _streets(district, plan, created)
    communities = _communities(streets, plan, created)
    _studio(communities, plan, created)
    specialties = _specialties(created)
    firms = _firms(district, streets, plan, created)
    lawyers = _lawyers(firms, specialties, plan, created)
    users = _users(plan, created)
    _bindings(district, streets, communities, firms, lawyers, users, plan, created)
    created.update(seed_apps(district))
    return created


def seed_apps(district: District) -> dict[str, int]:
    """Demo data of the apps above: an app adds its own in ``<app>/demo.py`` with
    ``seed(district, rng) -> dict[str, int]`` (idempotent, rows created per kind).
    Apps are seeded in INSTALLED_APPS order (lowest first), each with its own
    deterministic random generator."""
    created: dict[str, int] = {}
    base = str(settings.BASE_DIR)
    for config in apps.get_app_configs():
        if config.label == "regions" or not str(config.path).startswith(base):
            continue
        if not module_has_submodule(config.module, "demo"):
            continue
        seed = getattr(import_module(f"{config.name}.demo"), "seed", None)
        if seed is None:
            continue
        rng = random.Random(f"{SEED}:{config.label}")  # noqa: S311  (demo data)
        for kind, count in seed(district, rng).items():
            created[f"{config.label}.{kind}"] = count
    return created


def _district() -> District:
    existing = District.objects.filter(code=DISTRICT_CODE).first()
    if existing is not None and not existing.is_demo:
        raise DemoDataError(f"区划代码 {DISTRICT_CODE} 已被非演示数据的区使用，未生成演示数据")
    return existing or region_services.create_district(
        name=DISTRICT_NAME,
        code=DISTRICT_CODE,
        city="杭州市",
        province="浙江省",
        bureau_name="杭州市上城区司法局",
        is_demo=True,
    )


def _missing(
    existing: Iterable[Hashable], wanted: list[M], key: Callable[[M], Hashable]
) -> list[M]:
    """The wanted rows whose natural key is not among the existing ones."""
    have = set(existing)
    return [obj for obj in wanted if key(obj) not in have]


def _count(created: dict[str, int], kind: str, rows: list[M]) -> None:
    created[kind] = created.get(kind, 0) + len(rows)


def _streets(district: District, plan: DemoPlan, created: dict[str, int]) -> dict[str, Street]:
    wanted = [
        Street(
            district=district,
            name=s.name,
            code=s.code,
            office_name=f"{s.name}司法所",
            office_address=s.office_address,
            office_phone=s.office_phone,
        )
        for s in plan.streets
    ]
    new = _missing(district.streets.values_list("name", flat=True), wanted, lambda x: x.name)
    Street.objects.bulk_create(new)
    _count(created, "streets", new)
    return {s.name: s for s in district.streets.all()}


def _communities(
    streets: dict[str, Street], plan: DemoPlan, created: dict[str, int]
) -> dict[str, Community]:
    wanted = [
        Community(
            street=streets[s.name],
            name=c.name,
            code=c.code,
            address=c.address,
            phone=c.phone,
            households=c.households,
            population=c.population,
        )
        for s in plan.streets
        for c in s.communities
    ]
    existing = Community.objects.filter(street__in=streets.values())
    new = _missing(
        existing.values_list("street_id", "name"), wanted, lambda x: (x.street_id, x.name)
    )
    Community.objects.bulk_create(new)
    _count(created, "communities", new)
    return {c.name: c for c in existing.select_related("street")}


def _studio(communities: dict[str, Community], plan: DemoPlan, created: dict[str, int]) -> None:
    wanted = [
        StudioMember(community=communities[c.name], position=pos, name=name, phone=phone)
        for s in plan.streets
        for c in s.communities
        for pos, name, phone in c.studio
    ]
    existing = StudioMember.objects.filter(community__in=communities.values())
    new = _missing(
        existing.values_list("community_id", "position", "name"),
        wanted,
        lambda x: (x.community_id, x.position, x.name),
    )
    StudioMember.objects.bulk_create(new)
    _count(created, "studio_members", new)


def _specialties(created: dict[str, int]) -> dict[str, Specialty]:
    wanted = [Specialty(name=name, sort_order=i) for i, name in enumerate(SPECIALTIES, 1)]
    new = _missing(Specialty.objects.values_list("name", flat=True), wanted, lambda x: x.name)
    Specialty.objects.bulk_create(new)
    _count(created, "specialties", new)
    return {s.name: s for s in Specialty.objects.filter(name__in=SPECIALTIES)}


def _firms(
    district: District, streets: dict[str, Street], plan: DemoPlan, created: dict[str, int]
) -> dict[str, LawFirm]:
    wanted = [
        LawFirm(
            district=district,
            name=f.name,
            uscc=f.uscc,
            director_name=f.director.name,
            address=f.address,
            street=streets[f.street],
            phone=f.phone,
            in_mediation_association=f.in_mediation_association,
            in_education_center=f.in_education_center,
            introduction=f.introduction,
        )
        for f in plan.firms
    ]
    taken = LawFirm.objects.filter(uscc__in=[f.uscc for f in wanted]).exclude(district=district)
    if taken.exists():
        raise DemoDataError("演示律所的统一社会信用代码已被其他区的律所使用，未生成演示数据")
    new = _missing(district.firms.values_list("name", flat=True), wanted, lambda x: x.name)
    LawFirm.objects.bulk_create(new)
    _count(created, "firms", new)
    return {f.name: f for f in district.firms.all()}


def _lawyers(
    firms: dict[str, LawFirm],
    specialties: dict[str, Specialty],
    plan: DemoPlan,
    created: dict[str, int],
) -> dict[str, Lawyer]:
    planned = {x.license_no: (f, x) for f in plan.firms for x in f.lawyers}
    existing = Lawyer.objects.filter(license_no__in=planned)
    if existing.exclude(firm__in=firms.values()).exists():
        raise DemoDataError("演示律师的执业证号已被其他律所的律师使用，未生成演示数据")
    have = set(existing.values_list("license_no", flat=True))
    new = [
        Lawyer(
            firm=firms[f.name],
            name=x.name,
            gender=x.gender,
            license_no=x.license_no,
            phone=x.phone,
            practice_start_date=x.practice_start_date,
            is_party_member=x.is_party_member,
            is_volunteer=x.is_volunteer,
            is_director=x is f.director,
            fee_standard=x.fee_standard,
            bio=x.bio,
        )
        for number, (f, x) in planned.items()
        if number not in have
    ]
    Lawyer.objects.bulk_create(new)
    _count(created, "lawyers", new)
    lawyers = {
        x.license_no: x
        for x in Lawyer.objects.filter(license_no__in=planned).select_related("firm")
    }
    # Specialties only for the lawyers created now: existing rows are left as they are.
    through = Lawyer.specialties.through
    through.objects.bulk_create(
        [
            through(lawyer_id=lawyers[x.license_no].pk, specialty_id=specialties[name].pk)
            for x in new
            for name in planned[x.license_no][1].specialties
        ]
    )
    return lawyers


def _users(plan: DemoPlan, created: dict[str, int]) -> dict[str, User]:
    phones = [a.phone for a in plan.accounts]
    existing = User.objects.filter(phone__in=phones)
    if existing.filter(is_demo=False).exists():
        raise DemoDataError("演示账号的手机号（13800000000–13800000099）已被真实账号使用")
    validate_password(DEMO_PASSWORD)
    # One hash for all demo accounts: they share the published password, and hashing
    # it once keeps seeding fast.
    password = make_password(DEMO_PASSWORD)
    wanted = [
        User(
            phone=a.phone,
            name=a.name,
            password=password,
            is_demo=True,
            is_staff=a.role == "superuser",
            is_superuser=a.role == "superuser",
        )
        for a in plan.accounts
    ]
    new = _missing(existing.values_list("phone", flat=True), wanted, lambda x: x.phone)
    User.objects.bulk_create(new)
    _count(created, "users", new)
    return {u.phone: u for u in User.objects.filter(phone__in=phones)}


def _bindings(
    district: District,
    streets: dict[str, Street],
    communities: dict[str, Community],
    firms: dict[str, LawFirm],
    lawyers: dict[str, Lawyer],
    users: dict[str, User],
    plan: DemoPlan,
    created: dict[str, int],
) -> None:
    """Role bindings, home communities and the guidance group, through the services;
    each only when missing, so a second run writes nothing."""
    homes = dict(
        ResidentProfile.objects.filter(user__in=users.values()).values_list(
            "user_id", "community_id"
        )
    )
    places: dict[str, District | Street | Community] = {DISTRICT_NAME: district}
    places.update(streets)
    places.update(communities)
    n = 0
    for a in plan.accounts:
        user = users[a.phone]
        if a.role in (Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF):
            place = places[a.place]
            field_name = type(place).__name__.lower()
            if not user.region_roles.filter(role=a.role, **{field_name: place}).exists():
                region_services.grant_region_role(
                    actor=None, user=user, role=a.role, place=place, title=a.title
                )
                n += 1
        elif a.role == Role.FIRM_ADMIN:
            firm = firms[a.place]
            if not firm.admins.filter(user=user).exists():
                firm_services.grant_firm_admin(actor=None, firm=firm, user=user)
                n += 1
            director = next(f for f in plan.firms if f.name == a.place).director
            n += _bind_lawyer(lawyers[director.license_no], user)
        elif a.role == Role.LAWYER:
            n += _bind_lawyer(lawyers[a.place], user)
        elif a.role == Role.RESIDENT and homes.get(user.pk) != communities[a.place].pk:
            region_services.set_home_community(user=user, community=communities[a.place])
            n += 1
    members = set(
        GuidanceGroupMember.objects.filter(district=district).values_list("lawyer_id", flat=True)
    )
    for number, position in plan.guidance:
        lawyer = lawyers[number]
        if lawyer.pk not in members:
            firm_services.add_guidance_member(actor=None, lawyer=lawyer, position=position)
            n += 1
    created["bindings"] = n


def _bind_lawyer(lawyer: Lawyer, user: User) -> int:
    if lawyer.user_id == user.pk:
        return 0
    firm_services.bind_lawyer_account(lawyer=lawyer, user=user)
    return 1


def role_label(role: str) -> str:
    return "超级管理员" if role == "superuser" else str(Role(role).label)


def existing_accounts() -> list[AccountPlan]:
    """The planned demo sign-ins that exist (as demo users) in the database."""
    if demo_district() is None:
        return []
    plan = build_plan()
    phones = set(
        User.objects.filter(phone__in=[a.phone for a in plan.accounts], is_demo=True).values_list(
            "phone", flat=True
        )
    )
    return [a for a in plan.accounts if a.phone in phones]
