"""Demo consultations for a district (called by ``manage.py seed_demo``).

- the duty roster of the current month (past days checked in and out);
- 30 demo residents and about 150 questions over the past four months: most
  answered in time, some late, a few still open with their deadline close, a few
  overdue and escalated; most answered ones closed and rated;
- the knowledge base from the answered public questions;
- a few paid services: requested, quoted, accepted and declined.

Rows are written in bulk. Each part is skipped when the district already has it, so
running it again creates nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from consultations import knowledge, roster
from consultations.choices import (
    DEFAULT_CATEGORIES,
    AssignmentReason,
    AssignmentStatus,
    QuestionStatus,
    ServiceStatus,
    ShiftStatus,
)
from consultations.models import (
    Category,
    DutyShift,
    KnowledgeEntry,
    Question,
    QuestionAssignment,
    Reply,
    ServiceRequest,
)
from consultations.numbering import QUESTION_PREFIX, SERVICE_PREFIX, next_case_number
from consultations.services import REMINDER_FRACTIONS, recount_ratings, text_hash
from firms.models import Lawyer
from pairing.models import Liaison
from regions import services as region_services
from regions.models import Community, District, ResidentProfile

RESIDENTS = 30
QUESTIONS = 150
PHONE_PREFIX = "1365810"  # demo residents: 13658100001 …
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("秀英", "建国", "丽华", "志强", "桂兰", "明", "芳", "伟", "淑珍", "海涛", "玉梅", "国庆")

# (category, question, answer): typical questions of a city district.
SAMPLES: tuple[tuple[str, str, str], ...] = (
    (
        "婚姻家庭",
        "离婚时婚前买的房子婚后一起还贷，房子怎么分？",
        "婚前一方首付、婚后共同还贷的房屋，一般归登记方所有，婚后共同还贷部分及对应增值由登记方补偿另一方。",
    ),
    (
        "婚姻家庭",
        "父母去世没有留遗嘱，老房子兄弟姐妹怎么继承？",
        "没有遗嘱的按法定继承，第一顺序继承人为配偶、子女、父母，同一顺序原则上均等分配。",
    ),
    (
        "劳动争议",
        "公司拖欠工资三个月不发，应该怎么办？",
        "可以先向劳动保障监察部门投诉，也可以申请劳动仲裁，要求支付拖欠的工资并可主张经济补偿。",
    ),
    (
        "劳动争议",
        "劳动合同到期公司不续签，有没有经济补偿？",
        "合同期满用人单位不续签的（维持或提高条件劳动者不愿续签的除外），应按工作年限支付经济补偿。",
    ),
    (
        "房产物业",
        "楼上邻居装修噪音很大，晚上还在施工，怎么投诉？",
        "可以先找物业协调；夜间施工噪音扰民可以向生态环境部门或城管投诉，必要时可起诉要求停止侵害。",
    ),
    (
        "房产物业",
        "物业不修电梯，业主能不能拒交物业费？",
        "物业服务不到位可以要求整改或减免，但不宜直接拒交，否则可能被起诉追缴；建议通过业委会协商。",
    ),
    (
        "合同纠纷",
        "租房合同没到期房东要收回房子，押金不退怎么办？",
        "房东提前收房属违约，应退还押金并按合同承担违约责任；保留好合同和转账记录，可协商或起诉。",
    ),
    (
        "借贷",
        "朋友借钱不还，只有微信聊天记录，可以起诉吗？",
        "微信聊天记录和转账记录可以作为借贷关系的证据，建议尽快固定证据并在诉讼时效内起诉。",
    ),
    (
        "交通事故",
        "骑电动车被汽车撞了，对方保险公司怎么赔？",
        "先由交强险在限额内赔偿，不足部分按事故责任比例由商业险和责任人承担；保留好医疗票据和事故认定书。",
    ),
    (
        "邻里纠纷",
        "邻居在楼道堆放杂物，说了也不听，怎么处理？",
        "楼道属于共有部分，堆物影响通行和消防安全；可以请物业、社区调解，也可以向消防部门反映。",
    ),
    (
        "消费维权",
        "网上买的家电有质量问题，商家拒绝退货怎么办？",
        "商品存在质量问题的，可要求退换或修理；商家拒绝的可以向平台投诉或拨打 12315 维权。",
    ),
    (
        "公司经营",
        "小饭店被职业打假人投诉标签问题，要赔十倍吗？",
        "食品标签瑕疵不影响食品安全且不会误导消费者的，一般不适用十倍赔偿，但应及时整改标签。",
    ),
    (
        "行政",
        "老小区加装电梯，低楼层不同意怎么办？",
        "加装电梯需经专有部分面积和人数三分之二以上业主参与表决并达到法定多数同意，可请社区组织协商。",
    ),
    (
        "刑事",
        "家里老人被保健品推销骗了钱，能报警吗？",
        "以虚假宣传骗取老人钱财可能涉嫌诈骗，应及时报警并保留购买凭证、宣传资料等证据。",
    ),
)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_current_timezone()
    )


@transaction.atomic
def seed(district: District, rng: random.Random, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    created = {"duty_shifts": _roster(district, now)}
    before = User.objects.filter(phone__startswith=PHONE_PREFIX).count()
    _residents(district, rng)
    created["residents"] = User.objects.filter(phone__startswith=PHONE_PREFIX).count() - before
    if not Question.objects.filter(district=district).exists():
        created.update(_questions(district, rng, now))
    if not ServiceRequest.objects.filter(district=district).exists():
        created["service_requests"] = _services(district, rng, now)
    lawyers = Lawyer.objects.filter(firm__district=district).values_list("pk", flat=True)
    recount_ratings(list(lawyers))
    return created


def _roster(district: District, now: datetime) -> int:
    today = timezone.localdate(now)
    if DutyShift.objects.filter(
        district=district, date__year=today.year, date__month=today.month
    ).exists():
        return 0
    result = roster.fill_roster(
        district=district, year=today.year, month=today.month, today=today.replace(day=1)
    )
    past = DutyShift.objects.filter(district=district, date__lt=today, date__month=today.month)
    for shift in past:
        shift.status = ShiftStatus.DONE
        shift.checked_in_at = _local(shift.date, 8, 50)
        shift.checked_out_at = _local(shift.date, 17, 10)
    DutyShift.objects.bulk_update(past, ["status", "checked_in_at", "checked_out_at"])
    return result.created


def _residents(district: District, rng: random.Random) -> list[User]:
    phones = [f"{PHONE_PREFIX}{i:04d}" for i in range(1, RESIDENTS + 1)]
    existing = set(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
    communities = list(
        Community.objects.filter(street__district=district, is_active=True).order_by("pk")
    )
    new = [
        User(phone=p, name=rng.choice(SURNAMES) + rng.choice(GIVEN), is_demo=True)
        for p in phones
        if p not in existing
    ]
    for user in new:
        user.set_unusable_password()
    User.objects.bulk_create(new)
    if new and communities:
        ResidentProfile.objects.bulk_create(
            [
                ResidentProfile(user=u, community=rng.choice(communities))
                for u in User.objects.filter(phone__in=[n.phone for n in new])
            ]
        )
    return list(
        User.objects.filter(
            phone__in=phones, resident_profile__community__street__district=district
        ).select_related("resident_profile")
    )


def _questions(district: District, rng: random.Random, now: datetime) -> dict[str, int]:
    residents = _residents(district, rng)
    if not residents:
        return {}
    # The managed list comes from migration 0002; make sure it is there even after a
    # database flush (transactional tests empty every table, data migrations included).
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"sort_order": order})
    categories = {c.name: c for c in Category.objects.all()}
    hours = region_services.settings_for(district).reply_deadline_hours
    window = timedelta(hours=hours)
    liaisons: dict[int, list[Lawyer]] = {}
    for liaison in (
        Liaison.objects.active()
        .filter(pairing__community__street__district=district)
        .select_related("lawyer")
    ):
        liaisons.setdefault(liaison.pairing.community_id, []).append(liaison.lawyer)
    volunteers = list(roster.volunteers(district).order_by("pk")) or list(
        Lawyer.objects.filter(firm__district=district, is_active=True).order_by("pk")[:10]
    )
    if not volunteers:
        return {}
    # The open and overdue questions are asked where a liaison has a demo account, so
    # that the demo lawyer finds questions waiting (when the demo has such communities).
    served = [
        r
        for r in residents
        if any(lawyer.user_id for lawyer in liaisons.get(r.resident_profile.community_id or 0, []))
    ]
    questions, plans = [], []
    for i in range(QUESTIONS):
        resident = rng.choice(served if i < 12 and served else residents)
        category, text, answer = rng.choice(SAMPLES)
        roll = rng.random()
        if i < 8:  # open, deadline soon
            posted = now - timedelta(hours=rng.uniform(2, hours - 3))
            kind = "open"
        elif i < 12:  # overdue, escalated
            posted = now - window - timedelta(hours=rng.uniform(2, 20))
            kind = "overdue"
        else:
            posted = now - timedelta(days=rng.uniform(2, 120))
            kind = "late" if roll < 0.12 else "on_time"
        community_id: int = resident.resident_profile.community_id  # type: ignore[assignment]
        community_liaisons = liaisons.get(community_id)
        lawyers = community_liaisons or [rng.choice(volunteers)]
        reason = AssignmentReason.LIAISON if community_liaisons else AssignmentReason.DUTY
        reply_at: datetime | None = None
        if kind == "on_time":
            reply_at = posted + timedelta(hours=rng.uniform(0.5, hours - 1))
        elif kind == "late":
            reply_at = posted + window + timedelta(hours=rng.uniform(1, 16))
        closed = reply_at is not None and rng.random() < 0.75
        q = Question(
            case_number=next_case_number(
                QUESTION_PREFIX, district.code, timezone.localdate(posted)
            ),
            district=district,
            community_id=community_id,
            category=categories.get(category) or categories["其他"],
            asker=resident,
            title=text[:30],
            text=text,
            is_public=rng.random() < 0.6,
            status=QuestionStatus.CLOSED
            if closed
            else (QuestionStatus.ANSWERED if reply_at else QuestionStatus.OPEN),
            text_hash=text_hash(f"{text}#{i}"),
            posted_at=posted,
            reply_deadline=posted + window,
            reminder1_due_at=posted + window * REMINDER_FRACTIONS[0],
            reminder2_due_at=posted + window * REMINDER_FRACTIONS[1],
            escalated_at=posted + window + timedelta(minutes=1) if kind == "overdue" else None,
            first_replied_at=reply_at,
            first_reply_lawyer=lawyers[0] if reply_at else None,
            deadline_met=None if reply_at is None else kind == "on_time",
            closed_at=reply_at + timedelta(days=1) if closed and reply_at else None,
            rating=rng.choice((3, 4, 4, 5, 5, 5)) if closed else None,
        )
        questions.append(q)
        plans.append((q, lawyers, reason, answer, reply_at))
    Question.objects.bulk_create(questions)
    assignments, replies = [], []
    for q, lawyers, reason, answer, reply_at in plans:
        for lawyer in lawyers:
            assignments.append(
                QuestionAssignment(
                    question=q,
                    lawyer=lawyer,
                    reason=reason,
                    status=AssignmentStatus.ACTIVE,
                    conflict_confirmed_at=q.posted_at + timedelta(minutes=20),
                )
            )
        if reply_at is not None:
            replies.append(
                Reply(
                    question=q,
                    author_id=lawyers[0].user_id or q.asker_id,
                    lawyer=lawyers[0],
                    text=answer,
                    posted_at=reply_at,
                )
            )
    QuestionAssignment.objects.bulk_create(assignments)
    Reply.objects.bulk_create(replies)
    # The demo's questions are drawn from a few dozen texts, so several residents ask
    # the same one: the knowledge base keeps the first answer to each (a visitor sees
    # each entry once, in the list and in the suggestions while typing).
    published: dict[str, KnowledgeEntry] = {}
    for q, _lawyers, _reason, answer, reply_at in plans:
        if q.is_public and reply_at is not None and q.title not in published:
            published[q.title] = KnowledgeEntry(
                question=q,
                district=district,
                category=q.category,
                title=q.title,
                question_text=q.text,
                answer_text=answer,
                tokens=" ".join(knowledge.segment(f"{q.title}\n{q.text}\n{answer}")),
                published_at=reply_at,
            )
    entries = list(published.values())
    KnowledgeEntry.objects.bulk_create(entries)
    return {
        "questions": len(questions),
        "assignments": len(assignments),
        "replies": len(replies),
        "knowledge_entries": len(entries),
    }


def _services(district: District, rng: random.Random, now: datetime) -> int:
    lawyers = list(
        Lawyer.objects.public()
        .filter(firm__district=district)
        .exclude(fee_standard="")
        .order_by("pk")[:6]
    )
    residents = _residents(district, rng)
    if not lawyers or not residents:
        return 0
    outcomes = (
        ServiceStatus.ACCEPTED,
        ServiceStatus.ACCEPTED,
        ServiceStatus.DECLINED,
        ServiceStatus.DECLINED,
        ServiceStatus.QUOTED,
        ServiceStatus.REQUESTED,
    )
    needs = (
        "起草一份房屋租赁合同",
        "代理一起劳动仲裁案件",
        "审查一份装修合同",
        "代写一份民事起诉状",
        "担任小店的常年法律顾问",
        "代理一起交通事故赔偿诉讼",
    )
    rows = []
    for i, (lawyer, status, need) in enumerate(zip(lawyers, outcomes, needs, strict=False)):
        asked = now - timedelta(days=rng.uniform(3, 60))
        quoted = status != ServiceStatus.REQUESTED
        rows.append(
            ServiceRequest(
                case_number=next_case_number(
                    SERVICE_PREFIX, district.code, timezone.localdate(asked)
                ),
                district=district,
                resident=residents[i % len(residents)],
                lawyer=lawyer,
                description=f"需要律师{need}。",
                fee_standard_snapshot=lawyer.fee_standard,
                status=status,
                quote_fee=Decimal(rng.choice((800, 1500, 3000, 5000, 6000))) if quoted else None,
                quote_scope=f"{need}，含两次面谈和修改" if quoted else "",
                quoted_at=asked + timedelta(hours=20) if quoted else None,
                decided_at=asked + timedelta(days=2)
                if status in (ServiceStatus.ACCEPTED, ServiceStatus.DECLINED)
                else None,
                decision_note="费用超出预算" if status == ServiceStatus.DECLINED else "",
            )
        )
    ServiceRequest.objects.bulk_create(rows)
    return len(rows)
