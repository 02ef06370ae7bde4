"""Scale data for benchmarks (``manage.py seed_scale``): a district, a city or a
province of valid rows, written in bulk.

Rows are produced by generators and streamed: PostgreSQL gets them through COPY,
SQLite through ``executemany`` in batches. Primary keys are assigned here (the
tables start empty), so that rows can point at each other without reading anything
back; the sequences are reset at the end. Every generated user shares one password
hash. The last month's ranking is computed by the real service
(``assessment.services.compute_month``); the eleven months before it are written as
rows (scores derived from the generated records' proportions) and published through
``assessment.services.publish_month``, which writes their bulletins.
"""

from __future__ import annotations

import json
import random
import resource
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from assessment import metrics as assessment_metrics
from assessment import services as assessment_services
from assessment.choices import Metric
from assessment.models import MetricScore, MonthlyScore, RankingConfig, RankingMonth
from bench.indexes import built_after_loading
from consultations import knowledge
from consultations.choices import (
    DEFAULT_CATEGORIES,
    AssignmentReason,
    AssignmentStatus,
    QuestionStatus,
    ShiftStatus,
)
from consultations.models import (
    CaseCounter,
    Category,
    DutyShift,
    KnowledgeEntry,
    Question,
    QuestionAssignment,
    Reply,
)
from consultations.numbering import QUESTION_PREFIX
from consultations.roster import years_before
from consultations.services import REMINDER_FRACTIONS, recount_ratings, text_hash
from core.validators import USCC_ALPHABET, uscc_check_char
from firms.models import FirmAdmin, LawFirm, Lawyer
from mediation.choices import (
    CaseStatus,
    Channel,
    DisputeCategory,
    OrgKind,
    OrgLevel,
    Outcome,
    PartyRole,
)
from mediation.models import Case, Mediator, Organization, Party
from mediation.services import CASE_PREFIX
from pairing.models import Liaison, Pairing
from points.choices import Action, CouponStatus, EntryKind, OfferScope, OfferStatus
from points.models import (
    Coupon,
    EarningRule,
    LedgerEntry,
    Offer,
    PointsAccount,
    PointsPolicy,
)
from points.services import CODE_ALPHABET, CODE_LENGTH, rebuild_ledger_months
from regions.models import (
    Community,
    District,
    DistrictSettings,
    RegionRole,
    ResidentProfile,
    Street,
)
from visits.choices import ReportStatus, ServiceDayStatus, VisitKind, VisitStatus
from visits.models import (
    Household,
    MonthlyReport,
    PlanMonth,
    ServiceDay,
    Visit,
    VisitHousehold,
    VisitPlan,
)
from visits.services import add_months, rebuild_reach, report_due_date

# Their secondary indexes are built after loading (PostgreSQL; bench.indexes).
BIG_TABLES = (
    User,
    ResidentProfile,
    Household,
    Visit,
    Visit.lawyers.through,
    VisitHousehold,
    ServiceDay,
    MonthlyReport,
    Question,
    QuestionAssignment,
    Reply,
    KnowledgeEntry,
    Case,
    Case.mediators.through,
    Party,
    PointsAccount,
    LedgerEntry,
    Coupon,
)
SEEDED_APPS = (
    "accounts",
    "regions",
    "firms",
    "pairing",
    "visits",
    "consultations",
    "mediation",
    "points",
    "assessment",
)
SCALE_PASSWORD = "Scale@2026"  # noqa: S105  (benchmark accounts of generated data only)
# Rows per scale (the issue's table); pairings, plans, rosters and rankings follow.
SIZES: dict[str, dict[str, int]] = {
    "tiny": {
        "districts": 1,
        "communities": 20,
        "firms": 5,
        "lawyers": 30,
        "residents": 500,
        "visits": 2_000,
        "questions": 1_000,
        "cases": 200,
        "ledger": 5_000,
    },
    "district": {
        "districts": 1,
        "communities": 54,
        "firms": 30,
        "lawyers": 200,
        "residents": 50_000,
        "visits": 30_000,
        "questions": 20_000,
        "cases": 2_000,
        "ledger": 100_000,
    },
    "city": {
        "districts": 10,
        "communities": 1_500,
        "firms": 300,
        "lawyers": 3_000,
        "residents": 500_000,
        "visits": 300_000,
        "questions": 200_000,
        "cases": 20_000,
        "ledger": 1_000_000,
    },
    "province": {
        "districts": 90,
        "communities": 20_000,
        "firms": 3_000,
        "lawyers": 30_000,
        "residents": 2_000_000,
        "visits": 3_000_000,
        "questions": 1_000_000,
        "cases": 200_000,
        "ledger": 5_000_000,
    },
}
SCALES = tuple(SIZES)
COMMUNITIES_PER_STREET = 9
MEDIATORS_PER_ORG = 2
RULE_POINTS = {
    Action.SERVICE_DAY_CHECKIN: 5,
    Action.LECTURE_ATTENDANCE: 5,
    Action.ANSWER_RATING: 2,
    Action.MEDIATION_FOLLOWUP: 3,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕"
QUESTION_SAMPLES = (
    ("婚姻家庭", "离婚时婚前的房子怎么分", "婚前买的房子婚后一起还贷，离婚时房子应该怎么分割？"),
    ("劳动争议", "公司拖欠工资怎么办", "公司已经拖欠工资三个月，老板一直说下个月发，应该怎么办？"),
    ("房产物业", "物业费可以拒交吗", "小区物业服务很差，电梯经常坏，业主能不能拒交物业费？"),
    ("合同纠纷", "定金不退怎么办", "装修公司签了合同收了定金，现在不想装了，定金能退回吗？"),
    ("借贷", "借钱不还没有借条", "朋友借了两万元没写借条，只有微信转账记录，能起诉吗？"),
    ("交通事故", "电动车被撞怎么赔偿", "骑电动车被汽车撞了，对方全责，医药费和误工费怎么赔？"),
    ("邻里纠纷", "楼上漏水不修", "楼上卫生间漏水把我家天花板泡坏了，对方不肯维修怎么办？"),
    ("消费维权", "网购退货商家不同意", "网上买的衣服七天内申请退货，商家说打折商品不退，合法吗？"),
)
REPLY_TEXT = (
    "您好，根据您描述的情况，建议先保留好相关证据，可与对方协商；协商不成的可申请调解或起诉。"
)
CASE_FACTS = "双方因邻里琐事发生争执，多次协商未果，申请人民调解委员会调解。"
SERVICE_DAY_CANCELLED = 0.05  # past service days cancelled
SERVICE_DAY_NOT_HELD = 0.05  # past service days left scheduled (not held)
DUTY_MISSED = 0.05  # past duty shifts never checked in
COUPON_SHARE = 0.1  # residents who spent points on a coupon (their last ledger entry)
OFFER_COSTS = (5, 10, 15)  # points per coupon, by firm
REPORT_CHUNK = 20_000  # monthly reports fetched and written at a time


@dataclass(frozen=True)
class Plan:
    """How many rows of each kind; everything else is derived."""

    districts: int
    communities: int
    firms: int
    lawyers: int
    residents: int
    visits: int
    questions: int
    cases: int
    ledger: int

    @classmethod
    def for_scale(cls, scale: str) -> Plan:
        return cls(**SIZES[scale])

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _blocks(n: int, parts: int) -> list[int]:
    """Starts of ``parts`` contiguous, nearly equal blocks of range(n), and n."""
    return [i * n // parts for i in range(parts)] + [n]


def _phone(prefix: str, i: int) -> str:
    return f"{prefix}{i:08d}"


def _name(i: int) -> str:
    return (
        SURNAMES[i % len(SURNAMES)]
        + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
        + (GIVEN[(i // 7) % len(GIVEN)] if i % 3 else "")
    )


def _mix(i: int, salt: int) -> float:
    """A uniform number in [0, 1) from (i, salt): a cheap integer hash, so that the
    passes over a table's children see the same fate of each record without keeping it."""
    x = (i * 0x9E3779B1 + salt * 0x85EBCA77 + 0x165667B1) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & 0xFFFFFFFF
    x ^= x >> 12
    x = (x * 0x297A2D39) & 0xFFFFFFFF
    x ^= x >> 15
    return x / 4294967296.0


def _uscc(i: int) -> str:
    body = "91330100" + "".join(USCC_ALPHABET[(i // 31**k) % 31] for k in range(9))
    return body + uscc_check_char(body)


@dataclass
class World:
    """The derived layout: which row belongs where (all by index, ids are index+1)."""

    plan: Plan
    now: datetime
    district_comm: list[int] = field(default_factory=list)  # block starts of communities
    district_firm: list[int] = field(default_factory=list)
    firm_lawyer: list[int] = field(default_factory=list)
    street_district: list[int] = field(default_factory=list)
    comm_street: list[int] = field(default_factory=list)
    comm_district: list[int] = field(default_factory=list)
    comm_firm: list[int] = field(default_factory=list)
    comm_liaisons: list[tuple[int, ...]] = field(default_factory=list)
    user_base: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def build(self) -> None:
        p = self.plan
        self.district_comm = _blocks(p.communities, p.districts)
        self.district_firm = _blocks(p.firms, p.districts)
        self.firm_lawyer = _blocks(p.lawyers, p.firms)
        street = 0
        for d in range(p.districts):
            lo, hi = self.district_comm[d], self.district_comm[d + 1]
            n_streets = max(1, -(-(hi - lo) // COMMUNITIES_PER_STREET))
            for j in range(hi - lo):
                self.comm_street.append(street + j * n_streets // (hi - lo))
                self.comm_district.append(d)
            self.street_district.extend([d] * n_streets)
            street += n_streets
            f_lo, f_hi = self.district_firm[d], self.district_firm[d + 1]
            for j in range(hi - lo):
                firm = f_lo + j % (f_hi - f_lo)
                self.comm_firm.append(firm)
                l_lo, l_hi = self.firm_lawyer[firm], self.firm_lawyer[firm + 1]
                # Liaisons are the firm's lawyers other than the director (its first).
                staff = list(range(l_lo + 1, l_hi)) or [l_lo]
                first = staff[(j // (f_hi - f_lo)) % len(staff)]
                second = staff[(j // (f_hi - f_lo) + 1) % len(staff)]
                self.comm_liaisons.append(
                    (first, second) if j % 2 == 0 and second != first else (first,)
                )
        users = [
            ("bureau", p.districts),
            ("street", len(self.street_district)),
            ("community", p.communities),
            ("lawyer", p.lawyers),
            ("mediator", len(self.street_district) * MEDIATORS_PER_ORG),
            ("resident", p.residents),
        ]
        base = 0
        for kind, n in users:
            self.user_base[kind] = base
            base += n
        self.counts["users"] = base

    @property
    def streets(self) -> int:
        return len(self.street_district)

    def user_id(self, kind: str, i: int) -> int:
        return self.user_base[kind] + i + 1

    def firm_district(self, firm: int) -> int:
        # Firms are contiguous blocks per district.
        lo, hi = 0, self.plan.districts
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.district_firm[mid] <= firm:
                lo = mid
            else:
                hi = mid
        return lo

    def lawyer_firm(self, lawyer: int) -> int:
        lo, hi = 0, self.plan.firms
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.firm_lawyer[mid] <= lawyer:
                lo = mid
            else:
                hi = mid
        return lo

    def resident_community(self, r: int) -> int:
        return r % self.plan.communities

    def district_code(self, d: int) -> str:
        return f"{990001 + d:06d}"


# --- writing ---------------------------------------------------------------------------


class Writer:
    """Streams rows into one table: COPY on PostgreSQL, executemany on SQLite.

    ``varying`` names the columns each row gives (in order); the other concrete
    columns are constants: ``const`` or the field's default (auto_now fields: now).
    """

    def __init__(self, *, now: datetime, progress: bool, stream: Any) -> None:
        self.now = now
        self.progress = progress
        self.stream = stream
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.postgres = connection.vendor == "postgresql"

    def _constants(
        self, model: type[models.Model], varying: Sequence[str], const: dict[str, Any]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in model._meta.concrete_fields:
            name = f.attname
            if name in varying:
                continue
            if name in const:
                values[name] = const[name]
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                values[name] = self.now
            elif f.has_default() or f.null or f.empty_strings_allowed:
                # The default, else NULL, else "" for a text column left blank.
                values[name] = f.get_default()
            else:
                raise ValueError(f"{model._meta.label}.{name} needs a value")
        unknown = set(const) - {f.attname for f in model._meta.concrete_fields}
        if unknown:
            raise ValueError(f"{model._meta.label}: unknown columns {sorted(unknown)}")
        return values

    def _adapters(self, fields: list[models.Field]) -> list[Callable[[Any], Any] | None]:
        ops = connection.ops
        out: list[Callable[[Any], Any] | None] = []
        for f in fields:
            if isinstance(f, models.JSONField):
                out.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
            elif not self.postgres and isinstance(f, models.DateTimeField):
                out.append(ops.adapt_datetimefield_value)
            elif not self.postgres and isinstance(f, models.DateField):
                out.append(ops.adapt_datefield_value)
            elif not self.postgres and isinstance(f, models.TimeField):
                out.append(ops.adapt_timefield_value)
            elif not self.postgres and isinstance(f, models.DecimalField):
                out.append(lambda v: None if v is None else str(v))
            else:
                out.append(None)
        return out

    def write(
        self,
        model: type[models.Model],
        varying: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        total: int | None = None,
        **const: Any,
    ) -> int:
        from tqdm import tqdm

        started = time.monotonic()
        constants = self._constants(model, varying, const)
        by_name = {f.attname: f for f in model._meta.concrete_fields}
        names = list(varying) + list(constants)
        fields = [by_name[n] for n in names]
        adapt = self._adapters(fields)
        tail = tuple(constants.values())
        if any(a is not None for a in adapt):
            tail = tuple(
                a(v) if a is not None else v
                for a, v in zip(adapt[len(varying) :], tail, strict=True)
            )
            head = adapt[: len(varying)]
            if any(a is not None for a in head):
                rows = (
                    tuple(a(v) if a is not None else v for a, v in zip(head, r, strict=True))
                    for r in rows
                )
        table = model._meta.db_table
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        bar = tqdm(
            total=total,
            desc=table,
            unit=" 行",
            unit_scale=True,
            file=self.stream,
            disable=not self.progress,
            mininterval=1.0,
        )
        n = 0
        with transaction.atomic():
            raw = connection.connection
            if self.postgres:
                # The table and column names come from the models, not from input.
                copy_sql = f"COPY {table} ({columns}) FROM STDIN"
                with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                    for r in rows:
                        copy.write_row((*r, *tail))
                        n += 1
                        if n % 10_000 == 0:
                            bar.update(10_000)
            else:
                marks = ", ".join("?" * len(fields))
                sql = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'  # noqa: S608
                cursor = raw.cursor()
                batch: list[tuple[Any, ...]] = []
                for r in rows:
                    batch.append((*r, *tail))
                    if len(batch) == 5000:
                        cursor.executemany(sql, batch)
                        n += len(batch)
                        bar.update(len(batch))
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                cursor.close()
        bar.update(n % 10_000 if self.postgres else 0)
        bar.close()
        self.rows[table] = self.rows.get(table, 0) + n
        self.seconds[table] = self.seconds.get(table, 0.0) + time.monotonic() - started
        return n


# --- the seed ------------------------------------------------------------------------


GENERATED_PREFIX = "压测"  # every generated district's name starts with it


def existing_data() -> dict[str, int]:
    """Rows already in the tables the seed writes (empty: safe to seed)."""
    found = {}
    for model in (User, District, LawFirm, Question, Visit, LedgerEntry):
        n = model.objects.count()
        if n:
            found[str(model._meta.verbose_name)] = n
    return found


def holds_only_generated_data() -> bool:
    """True when the data in the database came from this generator: at least one
    district, each of them generated, and no other law firms or residents."""
    districts = District.objects.all()
    if not districts.exists() or districts.exclude(name__startswith=GENERATED_PREFIX).exists():
        return False
    return not LawFirm.objects.exclude(name__startswith=GENERATED_PREFIX).exists()


def reset_database() -> None:
    """Empty every table (the project's flush, which may clear the audit logs) and put
    back the rows the migrations seed (the question categories)."""
    from django.core.management import call_command

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        # Inside a transaction (tests): TRUNCATE refuses while deferred checks are pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    ensure_categories()


def ensure_categories() -> dict[str, int]:
    """The managed question categories (seeded by a migration, gone after a flush)."""
    for i, name in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"sort_order": i})
    return dict(Category.objects.values_list("name", "pk"))


class Seeder:
    def __init__(self, plan: Plan, *, progress: bool, stream: Any, seed: int = 1) -> None:
        self.plan = plan
        # Rows are dated back from the start of today (local), so that one seed gives
        # the same rows all day; records "of today" fall before it.
        self.today = timezone.localdate()
        self.now = timezone.make_aware(datetime.combine(self.today, datetime.min.time()))
        self.world = World(plan, self.now)
        self.world.build()
        self.out = Writer(now=self.now, progress=progress, stream=stream)
        self.seed = seed
        self.password = make_password(SCALE_PASSWORD)
        self.case_counters: dict[tuple[str, str, date], int] = defaultdict(int)
        self.timings: dict[str, float] = {}
        # The past year's days with their local 8:00 (computing them per row is slow).
        self._days = [
            (d, timezone.make_aware(datetime(d.year, d.month, d.day, 8)))
            for d in (self.today - timedelta(days=i) for i in range(365))
        ]
        self._latest = self.now - timedelta(minutes=1)

    # -- helpers

    def _mix(self, i: int, salt: int) -> float:
        return _mix(i, salt + 1000 * self.seed)

    def _when(self, rng: random.Random) -> tuple[datetime, date]:
        """A moment in the past year during local working hours, and its local day."""
        day, start = self._days[rng.randrange(len(self._days))]
        return min(start + timedelta(seconds=rng.randrange(11 * 3600)), self._latest), day

    def _when_at(self, u: float, v: float) -> tuple[datetime, date]:
        """_when from two uniform numbers (for the per-record streams of _mix)."""
        day, start = self._days[int(u * len(self._days))]
        return min(start + timedelta(seconds=int(v * 11 * 3600)), self._latest), day

    def _case_number(self, prefix: str, code: str, day: date) -> str:
        key = (prefix, code, day)
        self.case_counters[key] += 1
        return f"{prefix}-{code}-{day:%Y%m%d}-{self.case_counters[key]:06d}"

    # -- tables

    def regions(self) -> None:
        w, p, o = self.world, self.plan, self.out
        o.write(
            District,
            ["id", "name", "code", "bureau_name"],
            (
                (d + 1, f"压测{d + 1}区", w.district_code(d), f"压测{d + 1}区司法局")
                for d in range(p.districts)
            ),
            total=p.districts,
            city="压测市",
            province="压测省",
        )
        o.write(
            DistrictSettings,
            ["id", "district_id"],
            ((d + 1, d + 1) for d in range(p.districts)),
            total=p.districts,
        )
        o.write(
            Street,
            ["id", "district_id", "name", "office_name"],
            (
                (s + 1, d + 1, f"第{s + 1}街道", f"第{s + 1}街道司法所")
                for s, d in enumerate(w.street_district)
            ),
            total=w.streets,
        )
        o.write(
            Community,
            ["id", "street_id", "name", "households", "population"],
            (
                (c + 1, s + 1, f"第{c + 1}社区", 3000 + c % 2000, 8000 + c % 5000)
                for c, s in enumerate(w.comm_street)
            ),
            total=p.communities,
        )

    def users(self) -> None:
        w, p = self.world, self.plan
        prefixes = {
            "bureau": "1300",
            "street": "1310",
            "community": "1320",
            "lawyer": "1330",
            "mediator": "1340",
            "resident": "1350",
        }

        def rows() -> Iterator[tuple[Any, ...]]:
            for kind, prefix in prefixes.items():
                base = w.user_base[kind]
                end = w.counts["users"]
                later = [b for b in w.user_base.values() if b > base]
                end = min(later) if later else end
                for i in range(end - base):
                    joined = self.now - timedelta(days=400 - i % 30)
                    yield (
                        base + i + 1,
                        _phone(prefix[:3], int(prefix[3]) * 10**7 + i),
                        _name(base + i),
                        joined,
                    )

        self.out.write(
            User,
            ["id", "phone", "name", "date_joined"],
            rows(),
            total=w.counts["users"],
            password=self.password,
            password_changed_at=self.now,
        )

        # Role bindings of the region tree.
        def roles() -> Iterator[tuple[Any, ...]]:
            n = 0
            for d in range(p.districts):
                n += 1
                yield (n, w.user_id("bureau", d), Role.BUREAU_ADMIN, d + 1, None, None, "科员")
            for s in range(w.streets):
                n += 1
                yield (
                    n,
                    w.user_id("street", s),
                    Role.STREET_STAFF,
                    None,
                    s + 1,
                    None,
                    "司法所工作人员",
                )
            for c in range(p.communities):
                n += 1
                yield (
                    n,
                    w.user_id("community", c),
                    Role.COMMUNITY_STAFF,
                    None,
                    None,
                    c + 1,
                    "社区工作人员",
                )

        self.out.write(
            RegionRole,
            ["id", "user_id", "role", "district_id", "street_id", "community_id", "title"],
            roles(),
            total=p.districts + w.streets + p.communities,
        )
        self.out.write(
            ResidentProfile,
            ["id", "user_id", "community_id"],
            (
                (r + 1, w.user_id("resident", r), w.resident_community(r) + 1)
                for r in range(p.residents)
            ),
            total=p.residents,
        )

    def firms(self) -> None:
        w, p, o = self.world, self.plan, self.out
        o.write(
            LawFirm,
            ["id", "district_id", "name", "uscc", "director_name", "street_id"],
            (
                (
                    f + 1,
                    w.firm_district(f) + 1,
                    f"压测第{f + 1}律师事务所",
                    _uscc(f),
                    _name(w.firm_lawyer[f]),
                    None,
                )
                for f in range(p.firms)
            ),
            total=p.firms,
        )

        def lawyers() -> Iterator[tuple[Any, ...]]:
            for lawyer in range(p.lawyers):
                firm = w.lawyer_firm(lawyer)
                year = 2000 + lawyer % 20
                license_no = f"13301{year}1{lawyer % 2 + 1}{lawyer:06d}"
                director = w.firm_lawyer[firm] == lawyer
                yield (
                    lawyer + 1,
                    firm + 1,
                    w.user_id("lawyer", lawyer),
                    _name(w.user_base["lawyer"] + lawyer),
                    "MF"[lawyer % 2],
                    license_no,
                    date(year, 1, 1),
                    director,
                    lawyer % 3 == 0,
                    lawyer % 4 != 0,
                )

        o.write(
            Lawyer,
            [
                "id",
                "firm_id",
                "user_id",
                "name",
                "gender",
                "license_no",
                "practice_start_date",
                "is_director",
                "is_party_member",
                "is_volunteer",
            ],
            lawyers(),
            total=p.lawyers,
        )
        o.write(
            FirmAdmin,
            ["id", "firm_id", "user_id"],
            ((f + 1, f + 1, w.user_id("lawyer", w.firm_lawyer[f])) for f in range(p.firms)),
            total=p.firms,
        )

    def pairing(self) -> None:
        w, p, o = self.world, self.plan, self.out
        start = date(self.today.year - 2, 1, 1)
        o.write(
            Pairing,
            ["id", "community_id", "firm_id"],
            ((c + 1, c + 1, w.comm_firm[c] + 1) for c in range(p.communities)),
            total=p.communities,
            start_date=start,
        )

        def liaisons() -> Iterator[tuple[Any, ...]]:
            n = 0
            for c, lawyers in enumerate(w.comm_liaisons):
                for slot, lawyer in enumerate(lawyers, start=1):
                    n += 1
                    yield (n, c + 1, lawyer + 1, slot)

        o.write(
            Liaison,
            ["id", "pairing_id", "lawyer_id", "slot"],
            liaisons(),
            total=sum(len(x) for x in w.comm_liaisons),
            start_date=start,
        )

    def visits(self) -> None:
        w, p, o = self.world, self.plan, self.out
        rng = random.Random(self.seed + 1)  # noqa: S311  (benchmark data, not security)
        years = sorted({self.today.year, (self.today - timedelta(days=365)).year})
        per_month = max(1, round(p.visits / p.communities / 12))

        def plans() -> Iterator[tuple[Any, ...]]:
            n = 0
            for year in years:
                for c in range(p.communities):
                    n += 1
                    yield (
                        n,
                        w.comm_firm[c] + 1,
                        c + 1,
                        year,
                        w.user_id("lawyer", w.comm_liaisons[c][0]),
                        per_month * 12,
                        per_month * 24,
                    )

        o.write(
            VisitPlan,
            [
                "id",
                "firm_id",
                "community_id",
                "year",
                "filed_by_id",
                "visits_total",
                "households_total",
            ],
            plans(),
            total=len(years) * p.communities,
        )
        o.write(
            PlanMonth,
            ["id", "plan_id", "month", "visits", "households"],
            (
                (plan * 12 + m, plan + 1, m, per_month, per_month * 2)
                for plan in range(len(years) * p.communities)
                for m in range(1, 13)
            ),
            total=len(years) * p.communities * 12,
        )
        kinds = list(VisitKind.values)

        def visit_rows() -> Iterator[tuple[Any, ...]]:
            for v in range(p.visits):
                c = v % p.communities
                at, day = self._when(rng)
                recent = (self.now - at).days < 7
                roll = rng.random()
                if recent and roll < 0.5:
                    status, reviewed_by, reviewed_at, reason = VisitStatus.SUBMITTED, None, None, ""
                elif roll < 0.02:
                    status, reviewed_by, reviewed_at, reason = (
                        VisitStatus.DISPUTED,
                        w.user_id("community", c),
                        at + timedelta(days=1),
                        "走访人数与签到表不符",
                    )
                else:
                    status, reviewed_by, reviewed_at, reason = (
                        VisitStatus.CONFIRMED,
                        w.user_id("community", c),
                        min(at + timedelta(days=1), self.now),
                        "",
                    )
                yield (
                    v + 1,
                    w.comm_firm[c] + 1,
                    c + 1,
                    w.comm_street[c] + 1,
                    w.comm_district[c] + 1,
                    day,
                    kinds[v % len(kinds)],
                    5 + v % 40,
                    "婚姻家庭、劳动争议法律咨询",
                    1 if v % 5 == 0 else 0,
                    status,
                    w.user_id("lawyer", w.comm_liaisons[c][0]),
                    at + timedelta(hours=2),
                    reviewed_by,
                    reviewed_at,
                    reason,
                )

        o.write(
            Visit,
            [
                "id",
                "firm_id",
                "community_id",
                "street_id",
                "district_id",
                "date",
                "kind",
                "participants",
                "topics",
                "disputes_found",
                "status",
                "recorded_by_id",
                "submitted_at",
                "reviewed_by_id",
                "reviewed_at",
                "dispute_reason",
            ],
            visit_rows(),
            total=p.visits,
        )
        through = Visit.lawyers.through
        o.write(
            through,
            ["id", "visit_id", "lawyer_id"],
            ((v + 1, v + 1, w.comm_liaisons[v % p.communities][0] + 1) for v in range(p.visits)),
            total=p.visits,
        )

        # A household per resident (resident r lives in community r % communities), and
        # each visit reaches one household of its community: coverage has rows to count.
        def household(r: int) -> tuple[str, str, str]:
            k = r // p.communities
            return (f"{k // 24 + 1}", f"{k // 8 % 3 + 1}", f"{k % 8 // 2 + 1}0{k % 2 + 1}")

        o.write(
            Household,
            ["id", "community_id", "building", "unit", "room", "created_at", "updated_at"],
            (
                (r + 1, w.resident_community(r) + 1, *household(r), self.now, self.now)
                for r in range(p.residents)
            ),
            total=p.residents,
        )
        per_community = max(1, p.residents // p.communities)
        o.write(
            VisitHousehold,
            ["id", "visit_id", "household_id"],
            (
                (
                    v + 1,
                    v + 1,
                    v % p.communities + p.communities * ((v // p.communities) % per_community) + 1,
                )
                for v in range(p.visits)
            ),
            total=p.visits,
        )

    def _months(self) -> list[date]:
        """The first days of the twelve months before this one, oldest first."""
        this = self.today.replace(day=1)
        return [add_months(this, k) for k in range(-12, 0)]

    def _local(self, day: date, at: dtime) -> datetime:
        return timezone.make_aware(datetime.combine(day, at))

    def service_days(self) -> None:
        """One service day per community and month: the twelve months before this one
        (mostly held, a few cancelled or never held) and this month (scheduled)."""
        w, p = self.world, self.plan
        day_of_month = DistrictSettings._meta.get_field("service_day_of_month").get_default()
        months = [*self._months(), self.today.replace(day=1)]
        this = months[-1]

        def rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for c in range(p.communities):
                for m, month in enumerate(months):
                    n += 1
                    roll = self._mix(n, 21)
                    if month == this:
                        status = ServiceDayStatus.SCHEDULED
                    elif roll < SERVICE_DAY_CANCELLED:
                        status = ServiceDayStatus.CANCELLED
                    elif roll < SERVICE_DAY_CANCELLED + SERVICE_DAY_NOT_HELD:
                        status = ServiceDayStatus.SCHEDULED
                    else:
                        status = ServiceDayStatus.HELD
                    yield (
                        n,
                        c + 1,
                        w.comm_firm[c] + 1,
                        month,
                        month.replace(day=day_of_month),
                        f"第{c + 1}社区党群服务中心",
                        QUESTION_SAMPLES[(c + m) % len(QUESTION_SAMPLES)][0] + "法律服务",
                        status,
                    )

        self.out.write(
            ServiceDay,
            ["id", "community_id", "firm_id", "month", "date", "place", "topic", "status"],
            rows(),
            total=p.communities * len(months),
        )

    def reports(self) -> None:
        """A monthly report per firm, street and month of the past twelve with confirmed
        visits, totalled as visits.services.report_totals does: older months confirmed
        by the street's 司法所, last month submitted. The groups come from one aggregate
        query, read in chunks (each chunk is written before the next is fetched: a
        COPY cannot run while a cursor fetches on the same connection)."""
        w = self.world
        due_day = DistrictSettings._meta.get_field("report_due_day").get_default()
        months = self._months()
        last = months[-1]
        groups = (
            Visit.objects.filter(
                status=VisitStatus.CONFIRMED,
                date__gte=months[0],
                date__lt=add_months(last, 1),
            )
            .annotate(month=TruncMonth("date"))
            .values("month", "firm_id", "community__street_id")
            # One household link per generated visit: the join does not repeat visits.
            .annotate(
                visits=Count("pk", distinct=True),
                participants=Sum("participants"),
                disputes=Sum("disputes_found"),
                households=Count("household_links__household_id", distinct=True),
            )
            .order_by("month", "firm_id", "community__street_id")
            .iterator(chunk_size=REPORT_CHUNK)
        )

        def report(n: int, g: dict[str, Any]) -> tuple[Any, ...]:
            month = g["month"]
            if isinstance(month, datetime):
                month = month.date()
            firm, street = g["firm_id"] - 1, g["community__street_id"] - 1
            compiled = self._local(add_months(month, 1), dtime(0))
            due = report_due_date(month, due_day)
            late = self._mix(n, 31) < 0.1
            submitted = compiled + timedelta(days=due_day + 1 if late else 1, hours=9)
            submitted = max(compiled, min(submitted, self._latest))
            reviewed = None
            status = ReportStatus.SUBMITTED
            if month != last:
                status = ReportStatus.CONFIRMED
                reviewed = submitted + timedelta(days=2)
            return (
                n,
                firm + 1,
                street + 1,
                month,
                status,
                due,
                compiled,
                g["visits"],
                g["households"],
                g["participants"] or 0,
                g["disputes"] or 0,
                submitted,
                w.user_id("lawyer", w.firm_lawyer[firm]),
                reviewed,
                w.user_id("street", street) if reviewed else None,
                timezone.localdate(submitted) > due,
                submitted,
                reviewed or submitted,
            )

        n = 0
        while True:
            chunk = []
            for g in groups:
                n += 1
                chunk.append(report(n, g))
                if len(chunk) == REPORT_CHUNK:
                    break
            if not chunk:
                break
            self.out.write(
                MonthlyReport,
                [
                    "id",
                    "firm_id",
                    "street_id",
                    "month",
                    "status",
                    "due_date",
                    "compiled_at",
                    "visit_count",
                    "household_count",
                    "participant_count",
                    "dispute_count",
                    "submitted_at",
                    "submitted_by_id",
                    "reviewed_at",
                    "reviewed_by_id",
                    "is_late",
                    "created_at",
                    "updated_at",
                ],
                chunk,
                total=len(chunk),
                summary="本月按计划开展走访和法律咨询服务。",
            )
            if len(chunk) < REPORT_CHUNK:
                break

    def duty(self) -> None:
        """Each district's duty roster: one shift a day over the past 365 days and the
        next 30, rotating over the district's volunteers with enough years of practice."""
        w, p = self.world, self.plan
        min_years = DistrictSettings._meta.get_field("duty_min_practice_years").get_default()
        days = [self.today + timedelta(days=k) for k in range(-365, 30)]
        first_start = years_before(days[0], min_years)

        def on_duty(d: int) -> list[int]:
            lo = w.firm_lawyer[w.district_firm[d]]
            hi = w.firm_lawyer[w.district_firm[d + 1]]
            # As firms() writes them: volunteers are lawyer % 4 != 0, started 2000 + l % 20.
            return [
                lawyer
                for lawyer in range(lo, hi)
                if lawyer % 4 != 0 and date(2000 + lawyer % 20, 1, 1) <= first_start
            ]

        def rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for d in range(p.districts):
                lawyers = on_duty(d)
                if not lawyers:
                    continue
                for k, day in enumerate(days):
                    n += 1
                    lawyer = lawyers[(k + d) % len(lawyers)]
                    checked_in = checked_out = None
                    status = ShiftStatus.SCHEDULED
                    if day < self.today and self._mix(n, 41) >= DUTY_MISSED:
                        status = ShiftStatus.DONE
                        checked_in = self._local(day, dtime(8, 30 + int(self._mix(n, 42) * 29)))
                        checked_out = self._local(day, dtime(17, int(self._mix(n, 43) * 30)))
                    yield (n, d + 1, day, lawyer + 1, status, checked_in, checked_out)

        self.out.write(
            DutyShift,
            ["id", "district_id", "date", "lawyer_id", "status", "checked_in_at", "checked_out_at"],
            rows(),
            total=p.districts * len(days),
        )

    def consultations(self) -> None:
        w, p, o = self.world, self.plan, self.out
        cats = ensure_categories()
        samples = [
            (cats[name], title, text, text_hash(text)) for name, title, text in QUESTION_SAMPLES
        ]
        hours = DistrictSettings._meta.get_field("reply_deadline_hours").get_default()
        window = timedelta(hours=hours)

        # Each question's fate (posted, first replied, closed, its rating) comes from its
        # own random stream, so that every pass (questions, replies, knowledge) derives
        # the same without keeping a list of millions.
        def fate(q: int) -> tuple[datetime, date, datetime | None, datetime | None, int]:
            at, day = self._when_at(self._mix(q, 1), self._mix(q, 2))
            roll, roll2, rating = self._mix(q, 3), self._mix(q, 4), 1 + int(self._mix(q, 5) * 5)
            age = self.now - at
            replied = closed = None
            if age > timedelta(hours=20) or roll < 0.5:  # most answered, the newest open
                replied = min(at + timedelta(minutes=30 + int(roll * 30 * 60)), self.now)
                if age > timedelta(days=3) and roll2 < 0.7:
                    closed = replied + timedelta(days=1)
            return at, day, replied, closed, rating if rating > 1 or roll2 < 0.1 else 4

        def question_rows() -> Iterator[tuple[Any, ...]]:
            for q in range(p.questions):
                resident = q % p.residents
                c = w.resident_community(resident)
                d = w.comm_district[c]
                at, day, replied_at, closed_at, rating = fate(q)
                cat, title, text, digest = samples[q % len(samples)]
                replied_lawyer = met = score = None
                status = QuestionStatus.OPEN
                if replied_at is not None:
                    replied_lawyer = w.comm_liaisons[c][0] + 1
                    met = replied_at <= at + window
                    status = QuestionStatus.ANSWERED
                if closed_at is not None:
                    status, score = QuestionStatus.CLOSED, rating
                yield (
                    q + 1,
                    self._case_number(QUESTION_PREFIX, w.district_code(d), day),
                    d + 1,
                    c + 1,
                    cat,
                    w.user_id("resident", resident),
                    title,
                    text,
                    q % 3 == 0,
                    status,
                    digest,
                    at,
                    at + window,
                    at + window * REMINDER_FRACTIONS[0],
                    at + window * REMINDER_FRACTIONS[1],
                    replied_at,
                    replied_lawyer,
                    met,
                    closed_at,
                    score,
                    at,
                    closed_at or replied_at or at,
                )

        o.write(
            Question,
            [
                "id",
                "case_number",
                "district_id",
                "community_id",
                "category_id",
                "asker_id",
                "title",
                "text",
                "is_public",
                "status",
                "text_hash",
                "posted_at",
                "reply_deadline",
                "reminder1_due_at",
                "reminder2_due_at",
                "first_replied_at",
                "first_reply_lawyer_id",
                "deadline_met",
                "closed_at",
                "rating",
                "created_at",
                "updated_at",
            ],
            question_rows(),
            total=p.questions,
        )

        def assignment_rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for q in range(p.questions):
                c = w.resident_community(q % p.residents)
                at = fate(q)[0]
                for lawyer in w.comm_liaisons[c]:
                    n += 1
                    yield (n, q + 1, lawyer + 1, at + timedelta(minutes=5), at)

        o.write(
            QuestionAssignment,
            ["id", "question_id", "lawyer_id", "conflict_confirmed_at", "created_at"],
            assignment_rows(),
            total=None,
            reason=AssignmentReason.LIAISON,
            status=AssignmentStatus.ACTIVE,
        )

        def reply_rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for q in range(p.questions):
                c = w.resident_community(q % p.residents)
                replied_at = fate(q)[2]
                if replied_at is None:
                    continue
                lawyer = w.comm_liaisons[c][0]
                n += 1
                yield (n, q + 1, w.user_id("lawyer", lawyer), lawyer + 1, replied_at, replied_at)

        o.write(
            Reply,
            ["id", "question_id", "author_id", "lawyer_id", "posted_at", "created_at"],
            reply_rows(),
            total=p.questions,
            text=REPLY_TEXT,
        )

        # The knowledge base: each public closed question (the same fates as above);
        # the words of the eight sample texts are segmented once.
        sample_tokens = [
            " ".join(knowledge.segment(f"{title}\n{text}\n{REPLY_TEXT}"))
            for _name_, title, text in QUESTION_SAMPLES
        ]

        def knowledge_rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for q in range(p.questions):
                if q % 3 != 0:  # is_public
                    continue
                closed_at = fate(q)[3]
                if closed_at is None:
                    continue
                c = w.resident_community(q % p.residents)
                cat, title, text, _digest = samples[q % len(samples)]
                n += 1
                yield (
                    n,
                    q + 1,
                    w.comm_district[c] + 1,
                    cat,
                    title,
                    text,
                    sample_tokens[q % len(samples)],
                    closed_at,
                )

        o.write(
            KnowledgeEntry,
            [
                "id",
                "question_id",
                "district_id",
                "category_id",
                "title",
                "question_text",
                "tokens",
                "published_at",
            ],
            knowledge_rows(),
            total=None,
            answer_text=REPLY_TEXT,
        )

    def mediation(self) -> None:
        w, p, o = self.world, self.plan, self.out
        o.write(
            Organization,
            ["id", "district_id", "name", "street_id"],
            (
                (s + 1, d + 1, f"第{s + 1}街道人民调解委员会", s + 1)
                for s, d in enumerate(w.street_district)
            ),
            total=w.streets,
            kind=OrgKind.PEOPLE,
            level=OrgLevel.STREET,
        )
        o.write(
            Mediator,
            ["id", "organization_id", "user_id", "name", "phone"],
            (
                (
                    m + 1,
                    m // MEDIATORS_PER_ORG + 1,
                    w.user_id("mediator", m),
                    _name(w.user_base["mediator"] + m),
                    _phone("134", m),
                )
                for m in range(w.streets * MEDIATORS_PER_ORG)
            ),
            total=w.streets * MEDIATORS_PER_ORG,
        )
        categories = [c for c in DisputeCategory.values if c != DisputeCategory.OTHER]
        deadline = timedelta(days=30)

        def fate(k: int) -> tuple[int, datetime, date, float]:
            at, day = self._when_at(self._mix(k, 11), self._mix(k, 12))
            return (k * 7) % p.residents, at, day, self._mix(k, 13)

        def case_rows() -> Iterator[tuple[Any, ...]]:
            for k in range(p.cases):
                resident, at, day, roll = fate(k)
                c = w.resident_community(resident)
                d, s = w.comm_district[c], w.comm_street[c]
                age = (self.now - at).days
                accepted = at + timedelta(days=1) if age >= 1 else None
                due = accepted + deadline if accepted else None
                assigned = started = closed = None
                status, outcome, duration, met, archived = CaseStatus.APPLIED, "", None, None, None
                failure = ""
                if accepted:
                    status = CaseStatus.ACCEPTED
                if age >= 3:
                    assigned = at + timedelta(days=2)
                    started = at + timedelta(days=3)
                    status = CaseStatus.MEDIATING
                if age >= 25:
                    days = 5 + int(roll * 30)
                    closed = at + timedelta(days=days)
                    if closed > self.now:
                        closed = None
                    else:
                        duration, met = days, due is not None and due >= closed
                        if roll < 0.7:
                            status, outcome = CaseStatus.AGREED, Outcome.SUCCESS
                        else:
                            status, outcome = CaseStatus.FAILED, Outcome.FAILURE
                            failure = "双方分歧较大，未能达成一致"
                        if age > 90 and roll < 0.35:
                            status, archived = CaseStatus.ARCHIVED, closed + timedelta(days=10)
                yield (
                    k + 1,
                    self._case_number(CASE_PREFIX, w.district_code(d), day),
                    d + 1,
                    s + 1,
                    c + 1,
                    w.user_id("resident", resident),
                    categories[k % len(categories)],
                    status,
                    outcome,
                    s + 1 if assigned else None,
                    w.comm_liaisons[c][0] + 1 if assigned else None,
                    at,
                    accepted,
                    due,
                    due - timedelta(days=5) if due else None,
                    assigned,
                    started,
                    closed,
                    duration,
                    met,
                    failure,
                    archived,
                    at,
                    archived or closed or started or accepted or at,
                )

        o.write(
            Case,
            [
                "id",
                "case_number",
                "district_id",
                "street_id",
                "community_id",
                "applied_by_id",
                "category",
                "status",
                "outcome",
                "organization_id",
                "lawyer_id",
                "applied_at",
                "accepted_at",
                "due_at",
                "reminder_due_at",
                "assigned_at",
                "started_at",
                "closed_at",
                "duration_days",
                "deadline_met",
                "failure_reason",
                "archived_at",
                "created_at",
                "updated_at",
            ],
            case_rows(),
            total=p.cases,
            channel=Channel.ONLINE,
            facts=CASE_FACTS,
            claims="请求对方赔偿损失并赔礼道歉",
        )

        def mediator_rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for k in range(p.cases):
                resident, at, _day, _roll = fate(k)
                if (self.now - at).days >= 3:
                    s = w.comm_street[w.resident_community(resident)]
                    n += 1
                    yield (n, k + 1, s * MEDIATORS_PER_ORG + 1)

        o.write(Case.mediators.through, ["id", "case_id", "mediator_id"], mediator_rows())

        def party_rows() -> Iterator[tuple[Any, ...]]:
            for k in range(p.cases):
                resident, at, _day, _roll = fate(k)
                uid = w.user_id("resident", resident)
                yield (
                    2 * k + 1,
                    k + 1,
                    PartyRole.APPLICANT,
                    _name(uid),
                    _phone("135", resident),
                    uid,
                    at,
                    at,
                )
                yield (2 * k + 2, k + 1, PartyRole.RESPONDENT, _name(uid + 17), "", None, at, at)

        o.write(
            Party,
            ["id", "case_id", "role", "name", "phone", "user_id", "created_at", "updated_at"],
            party_rows(),
            total=2 * p.cases,
        )

    def points(self) -> None:
        w, p, o = self.world, self.plan, self.out
        o.write(PointsPolicy, ["id", "district_id"], ((d + 1, d + 1) for d in range(p.districts)))
        o.write(
            EarningRule,
            ["id", "district_id", "action", "points"],
            (
                (d * len(RULE_POINTS) + i + 1, d + 1, action, points)
                for d in range(p.districts)
                for i, (action, points) in enumerate(RULE_POINTS.items())
            ),
        )
        o.write(
            PointsAccount,
            ["id", "user_id", "district_id", "created_at"],
            (
                (
                    r + 1,
                    w.user_id("resident", r),
                    w.comm_district[w.resident_community(r)] + 1,
                    self.now - timedelta(days=366),
                )
                for r in range(p.residents)
            ),
            total=p.residents,
        )
        actions: list[tuple[str, int]] = list(RULE_POINTS.items())
        per = _blocks(p.ledger, p.residents)
        # One published offer per firm (for its paired communities); a share of the
        # residents spent points on their firm's offer: their last planned entry is the
        # redemption (a coupon), so the ledger keeps the plan's number of entries.
        offer_title = "积分兑换律师服务优惠"
        offer_reason = [f"压测第{f + 1}律师事务所 · {offer_title}"[:200] for f in range(p.firms)]
        valid_from = self.today - timedelta(days=400)
        valid_until = self.today + timedelta(days=365)
        o.write(
            Offer,
            ["id", "firm_id", "points_cost", "reviewed_by_id", "reviewed_at"],
            (
                (
                    f + 1,
                    f + 1,
                    OFFER_COSTS[f % len(OFFER_COSTS)],
                    w.user_id("bureau", w.firm_district(f)),
                    self._local(valid_from, dtime(10)),
                )
                for f in range(p.firms)
            ),
            total=p.firms,
            title=offer_title,
            services="合同审查、律师函、代理诉讼",
            description="凭积分兑换的优惠券减免律师服务费",
            discount_percent=20,
            max_discount_yuan=Decimal("500.00"),
            scope=OfferScope.PAIRED,
            valid_from=valid_from,
            valid_until=valid_until,
            coupon_valid_days=30,
            status=OfferStatus.PUBLISHED,
            created_at=self._local(valid_from, dtime(9)),
            updated_at=self._local(valid_from, dtime(10)),
        )
        offer_end = self._local(valid_until + timedelta(days=1), dtime(0))

        def ledgers() -> Iterator[tuple[int, list[datetime], list[tuple[str, int]], int]]:
            """Each resident's entries (times, earning actions) and the points of their
            coupon (0: none), from one random stream: the coupon pass and the ledger
            pass replay it."""
            rng = random.Random(self.seed + 4)  # noqa: S311  (benchmark data, not security)
            for r in range(p.residents):
                k = per[r + 1] - per[r]
                times = sorted(self._when(rng)[0] for _ in range(k))
                picks = [actions[rng.randrange(len(actions))] for _ in range(k)]
                cost = 0
                if k >= 2 and self._mix(r, 51) < COUPON_SHARE:
                    firm = w.comm_firm[w.resident_community(r)]
                    need = OFFER_COSTS[firm % len(OFFER_COSTS)]
                    if sum(points for _a, points in picks[:-1]) >= need:
                        cost = need
                yield r, times, picks, cost

        def code(n: int) -> str:
            # A bijection of n (an odd multiplier modulo 31**10): unique, and looks random.
            x = (n * 0x2545F4914F6CDD1D) % len(CODE_ALPHABET) ** CODE_LENGTH
            return "".join(
                CODE_ALPHABET[(x // len(CODE_ALPHABET) ** i) % len(CODE_ALPHABET)]
                for i in range(CODE_LENGTH)
            )

        def coupons() -> Iterator[tuple[Any, ...]]:
            n = 0
            for r, times, _picks, cost in ledgers():
                if not cost:
                    continue
                n += 1
                firm = w.comm_firm[w.resident_community(r)]
                issued = times[-1]
                expires = min(issued + timedelta(days=30), offer_end)
                used_at = used_by = None
                if self._mix(r, 52) < 0.5 and issued + timedelta(days=2) <= self.now:
                    status = CouponStatus.USED
                    used_at = issued + timedelta(days=2)
                    used_by = w.user_id("lawyer", w.firm_lawyer[firm])
                elif expires <= self.now:
                    status = CouponStatus.EXPIRED
                else:
                    status = CouponStatus.ISSUED
                yield (
                    n,
                    firm + 1,
                    firm + 1,
                    r + 1,
                    code(n),
                    cost,
                    status,
                    issued,
                    expires,
                    used_at,
                    used_by,
                )

        o.write(
            Coupon,
            [
                "id",
                "offer_id",
                "firm_id",
                "account_id",
                "code",
                "points",
                "status",
                "issued_at",
                "expires_at",
                "used_at",
                "used_by_id",
            ],
            coupons(),
            total=None,
        )

        def entries() -> Iterator[tuple[Any, ...]]:
            n = coupon = 0
            for r, times, picks, cost in ledgers():
                balance = 0
                for j, (at, (action, points)) in enumerate(zip(times, picks, strict=True)):
                    n += 1
                    if cost and j == len(times) - 1:
                        coupon += 1
                        balance -= cost
                        firm = w.comm_firm[w.resident_community(r)]
                        yield (
                            n,
                            r + 1,
                            EntryKind.REDEEM,
                            -cost,
                            balance,
                            "",
                            coupon,
                            offer_reason[firm],
                            f"seed:{n}",
                            at,
                            at,
                        )
                        continue
                    balance += points
                    yield (
                        n,
                        r + 1,
                        EntryKind.EARN,
                        points,
                        balance,
                        action,
                        None,
                        "",
                        f"seed:{n}",
                        at,
                        at,
                    )

        o.write(
            LedgerEntry,
            [
                "id",
                "account_id",
                "kind",
                "amount",
                "balance_after",
                "action",
                "coupon_id",
                "reason",
                "idempotency_key",
                "occurred_at",
                "created_at",
            ],
            entries(),
            total=p.ledger,
        )

    def balances(self) -> None:
        """The cached balance is the sum of the account's entries (points.services);
        run once the ledger's index on the account is built."""
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE points_pointsaccount SET balance = COALESCE((SELECT SUM(e.amount) "
                "FROM points_ledgerentry e WHERE e.account_id = points_pointsaccount.id), 0)"
            )
        self.timings["points balances"] = time.monotonic() - started

    def ratings(self) -> None:
        """Each lawyer's ratings, kept on the lawyer (consultations.services)."""
        started = time.monotonic()
        recount_ratings()
        self.timings["lawyer ratings"] = time.monotonic() - started

    def reach(self) -> None:
        """The households each firm reached in a year, a roll-up (visits.services)."""
        started = time.monotonic()
        rebuild_reach()
        self.timings["households reached (roll-up)"] = time.monotonic() - started

    def ledger_months(self) -> None:
        """The ledger's roll-up by month (points.services)."""
        started = time.monotonic()
        rebuild_ledger_months()
        self.timings["points by month (roll-up)"] = time.monotonic() - started

    def counters(self) -> None:
        rows = sorted(self.case_counters.items())
        self.out.write(
            CaseCounter,
            ["id", "prefix", "district_code", "day", "last"],
            ((i + 1, *key, last) for i, (key, last) in enumerate(rows)),
            total=len(rows),
        )

    def reset_sequences(self, apps_: Sequence[str] = SEEDED_APPS, *, analyze: bool = True) -> None:
        """The id sequences continue after the ids written here; then fresh planner
        statistics (PostgreSQL)."""
        from django.apps import apps

        models_ = [
            m
            for app in apps_
            for m in apps.get_app_config(app).get_models(include_auto_created=True)
        ]
        sql = connection.ops.sequence_reset_sql(no_style(), models_)
        if sql:
            with connection.cursor() as cursor:
                for statement in sql:
                    cursor.execute(statement)
        if analyze and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _metric_numbers(self, key: int, k: int, metric: str) -> tuple[Decimal, Decimal, Decimal]:
        """(numerator, denominator, value) of metric number k of score row ``key``: the
        same for every pass over the rows (scores need the values for their totals)."""
        den = 5 + int(self._mix(key, 40 + k) * 35)
        num = min(den, int(den * (0.5 + 0.55 * self._mix(key, 60 + k))))
        value = (Decimal(num) * 100 / den).quantize(Decimal("0.01"))
        if metric == Metric.MEDIATION:
            value = Decimal(40 + int(self._mix(key, 80 + k) * 61))
        return Decimal(num), Decimal(den), value

    def ranking(self) -> None:
        """Twelve months of rankings per district. District 1's last month is computed
        by the real service (assessment.services.compute_month); every other district
        and month is written as rows (each firm's metrics drawn, totals and ranks as the
        service computes them); the eleven older months are then published through the
        service, which writes their bulletins. Last month stays a draft everywhere."""
        w, p, o = self.world, self.plan, self.out
        started = time.monotonic()
        RankingConfig.objects.bulk_create(
            [RankingConfig(district_id=d + 1) for d in range(p.districts)]
        )
        admins = {
            u.pk: u
            for u in User.objects.filter(
                pk__in=[w.user_id("bureau", d) for d in range(p.districts)]
            )
        }
        months = self._months()
        last = months[-1]
        assessment_services.compute_month(
            actor=admins[w.user_id("bureau", 0)],
            district=District.objects.get(pk=1),
            month=last,
            now=self.now,
        )
        self.timings["ranking (district 1, last month, computed)"] = time.monotonic() - started

        started = time.monotonic()
        weights = RankingConfig(district_id=1).enabled()
        window = RankingConfig._meta.get_field("appeal_window_days").get_default()
        blocks = [(d, m) for d in range(p.districts) for m in months if (d, m) != (0, last)]
        # Ids after the rows compute_month wrote (the sequences are reset afterwards).
        first_ranking = (RankingMonth.objects.aggregate(n=models.Max("pk"))["n"] or 0) + 1
        first_score = (MonthlyScore.objects.aggregate(n=models.Max("pk"))["n"] or 0) + 1
        first_metric = (MetricScore.objects.aggregate(n=models.Max("pk"))["n"] or 0) + 1

        def at(day: date) -> datetime:
            return timezone.make_aware(datetime.combine(day, datetime.min.time()))

        o.write(
            RankingMonth,
            ["id", "district_id", "month", "weights", "computed_at", "appeal_deadline"],
            (
                (
                    first_ranking + i,
                    d + 1,
                    month,
                    weights,
                    at(month + timedelta(days=35)),
                    self.today + timedelta(days=window)
                    if month == last
                    else month + timedelta(days=42),
                )
                for i, (d, month) in enumerate(blocks)
            ),
            total=len(blocks),
        )

        def score_rows() -> Iterator[tuple[Any, ...]]:
            """(score id, ranking id, firm index, total, rank) of every generated score."""
            key = 0
            for i, (d, _month) in enumerate(blocks):
                firms = range(w.district_firm[d], w.district_firm[d + 1])
                totals = {}
                for f in firms:
                    values: dict[str, Decimal | None] = {
                        metric: self._metric_numbers(key, k, metric)[2]
                        for k, metric in enumerate(weights)
                    }
                    totals[f] = (key, assessment_metrics.total_of(values, weights))
                    key += 1
                positions = assessment_metrics.ranks({f: t for f, (_, t) in totals.items()})
                for f in firms:
                    k_, total = totals[f]
                    yield (first_score + k_, first_ranking + i, f, total, positions[f])

        o.write(
            MonthlyScore,
            ["id", "ranking_id", "firm_id", "total", "rank"],
            ((sid, rid, f + 1, total, rank) for sid, rid, f, total, rank in score_rows()),
            total=sum((w.district_firm[d + 1] - w.district_firm[d]) for d, _m in blocks),
        )

        if connection.vendor == "postgresql":
            # The tables were analysed while empty: the foreign-key checks of the metric
            # rows would scan the scores row by row (140 s at province scale).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE assessment_rankingmonth, assessment_monthlyscore")

        def metric_rows() -> Iterator[tuple[Any, ...]]:
            n = first_metric
            for sid, _rid, _f, _total, _rank in score_rows():
                key = sid - first_score
                for k, (metric, weight) in enumerate(weights.items()):
                    num, den, value = self._metric_numbers(key, k, metric)
                    yield (n, sid, metric, weight, num, den, value, value)
                    n += 1

        o.write(
            MetricScore,
            [
                "id",
                "score_id",
                "metric",
                "weight",
                "numerator",
                "denominator",
                "raw_value",
                "value",
            ],
            metric_rows(),
        )
        self.reset_sequences(("assessment",), analyze=False)
        self.timings["ranking (other months, generated)"] = time.monotonic() - started

        started = time.monotonic()
        for ranking in RankingMonth.objects.filter(month__lt=last).order_by("district_id", "month"):
            assessment_services.publish_month(
                actor=admins[w.user_id("bureau", ranking.district_id - 1)],
                ranking=ranking,
                now=self.now,
                evidence=False,  # drawn numbers: no records stand behind them
            )
        self.timings["ranking (11 months, published)"] = time.monotonic() - started

    def run(self) -> dict[str, Any]:
        started = time.monotonic()
        validate_password(SCALE_PASSWORD)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
        loads = (
            self.regions,
            self.users,
            self.firms,
            self.pairing,
            self.visits,
            self.service_days,
            self.reports,
            self.consultations,
            self.duty,
            self.mediation,
            self.points,
            self.counters,
        )
        with built_after_loading(BIG_TABLES, self.timings):
            for step in loads:
                step()
        for step in (
            self.balances,
            self.ratings,
            self.reach,
            self.ledger_months,
            self.reset_sequences,
            self.ranking,
        ):
            step()
        if connection.vendor == "postgresql":
            # Statistics of what the last steps wrote (the rankings' metric rows were
            # estimated at an eighth of their number, and read by full scans), and the
            # visibility map set as autovacuum leaves a running system's tables, so that
            # PostgreSQL plans index-only scans where a live database would (VACUUM
            # cannot run in a transaction: the tests' seeds are analysed only).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        return {
            "rows": dict(self.out.rows),
            "seconds": dict(self.out.seconds),
            "timings": self.timings,
            "total_seconds": time.monotonic() - started,
            "peak_rss_mb": peak_rss_mb(),
        }

    def logins(self) -> dict[str, dict[str, Any]]:
        """A few known accounts of district 1 (all share SCALE_PASSWORD)."""
        w = self.world
        c = 0
        picks = {
            "resident": w.user_id("resident", 0),
            "lawyer": w.user_id("lawyer", w.comm_liaisons[c][0]),
            "firm_admin": w.user_id("lawyer", w.firm_lawyer[w.comm_firm[c]]),
            "community_staff": w.user_id("community", c),
            "street_staff": w.user_id("street", w.comm_street[c]),
            "bureau_admin": w.user_id("bureau", 0),
            "mediator": w.user_id("mediator", w.comm_street[c] * MEDIATORS_PER_ORG),
        }
        phones = dict(User.objects.filter(pk__in=picks.values()).values_list("pk", "phone"))
        return {
            role: {"user_id": uid, "phone": phones[uid], "password": SCALE_PASSWORD}
            for role, uid in picks.items()
        }


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
