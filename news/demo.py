"""Demo publicity of the demo district: twelve published articles of the four kinds
about the programme, two pending review and one returned to its author.

Idempotent: articles are found by their district and title, and everything is
planned (random choices included) before anything is written, so a second run
creates nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from firms.models import FirmAdmin, LawFirm, Lawyer
from news import services
from news.choices import ArticleKind, ArticleStatus
from news.models import Article
from regions.models import District, RegionRole, Street

MARK = "【演示数据】"


@dataclass
class Plan:
    kind: str
    title: str
    body: str
    summary: str = ""
    status: str = ArticleStatus.PUBLISHED
    writer: str = "bureau"  # bureau | street | firm
    days_ago: int = 0
    pinned: bool = False
    comment: str = ""
    firm: LawFirm | None = None
    lawyer: Lawyer | None = None


def _paragraphs(*texts: str) -> str:
    return "\n\n".join([MARK, *texts])


def _plans(
    district: District, street: str, firm: LawFirm | None, lawyer: Lawyer | None, rng: random.Random
) -> list[Plan]:
    name = district.name
    days = sorted(rng.sample(range(2, 120), 12))
    plans = [
        Plan(
            ArticleKind.NOTICE,
            "关于开展“律所进社区”年度考核工作的通知",
            _paragraphs(
                "各司法所、各律师事务所：",
                "为进一步推进“律所进社区、打造老百姓身边的法律顾问”工作，现就年度考核工作通知如下。",
                "一、考核内容：社区走访、固定服务日、在线咨询答复、矛盾纠纷调解及宣传工作等情况。",
                "二、考核方式：以平台记录为依据，结合社区评价和司法所意见综合评定，结果在门户公布。",
                "三、请各律所于考核前核对本所在平台上的各项记录，有异议的可在评分公布前提出申诉。",
                f"{name}司法局",
            ),
            summary="考核以平台记录为依据，结合社区评价和司法所意见综合评定。",
            pinned=True,
        ),
        Plan(
            ArticleKind.NOTICE,
            "关于每月15日社区法律服务日安排的公告",
            _paragraphs(
                "每月15日为社区固定法律服务日，各社区结对律所安排律师到社区开展法律咨询、普法讲座和入户走访。",
                "遇法定节假日的，服务日顺延至下一个工作日，具体时间和地点以各社区公告为准。",
                "居民可在平台“近期服务日”中查看安排并报名，到场后扫描社区二维码签到。",
            ),
        ),
        Plan(
            ArticleKind.NOTICE,
            "关于公布社区法律顾问联络员名单的公告",
            _paragraphs(
                "根据各律所推荐和司法所审核，现公布本年度各社区法律顾问联络员名单。",
                "每个社区由一家律所结对，由一至两名律师担任联络员，居民可通过社区“身边的法律顾问”卡联系。",
                "名单如有调整，将在平台及时更新。",
            ),
        ),
        Plan(
            ArticleKind.NEWS,
            f"{name}召开“律所进社区”工作推进会",
            _paragraphs(
                f"近日，{name}司法局召开“律所进社区”工作推进会，各司法所负责人和结对律所代表参加会议。",
                "会议通报了上半年社区走访、服务日和在线咨询的开展情况，并对下一阶段重点工作作出部署。",
                "会议要求，各律所要把社区法律服务作为常态工作，做到走访有记录、咨询有答复、纠纷有跟进。",
            ),
        ),
        Plan(
            ArticleKind.NEWS,
            f"{street}开展“15日法律服务日”活动",
            _paragraphs(
                f"本月15日，{street}各社区结对律所的律师走进社区，开展“法律服务日”活动。",
                "律师们现场解答了居民关于物业管理、婚姻家庭、劳动报酬等方面的法律问题，并发放普法资料。",
                "不少老年居民表示，在家门口就能咨询律师，既方便又放心。",
            ),
        ),
        Plan(
            ArticleKind.NEWS,
            "律师走进社区开展民法典专题宣讲",
            _paragraphs(
                "为提高居民的法治意识，结对律所律师在社区文化家园开展民法典专题宣讲。",
                "律师结合邻里纠纷、遗嘱继承、居住权等身边案例，用通俗的语言讲解了民法典的相关规定。",
                "宣讲结束后，律师还为居民提供了一对一咨询。",
            ),
        ),
        Plan(
            ArticleKind.NEWS,
            "尚法云平台开通“掌上调解”服务",
            _paragraphs(
                "尚法云平台开通“掌上调解”服务，居民可在手机上提交调解申请，查看办理进度。",
                "调解组织受理后安排调解员联系当事人，必要时由结对律所律师参与，实现矛盾纠纷化解“最多跑一次”。",
                "行动不便的居民可由社区工作人员或网格员代为申请。",
            ),
        ),
        Plan(
            ArticleKind.CASE,
            "楼上漏水殃及楼下：一次上门调解，邻里握手言和",
            _paragraphs(
                "居民张某家中天花板因楼上卫生间漏水多处受损，多次与楼上住户协商未果，遂向社区求助。",
                "社区联络员律师与人民调解员一同上门查看，确认漏水原因后，向双方讲解了民法典关于相邻关系的规定。",
                "经调解，楼上住户同意承担维修费用并负责修复防水层，双方当场签订调解协议。",
                "律师提示：相邻不动产权利人应当按照有利生产、方便生活、团结互助、公平合理的原则处理相邻关系。",
            ),
            summary="律师与人民调解员上门，依据相邻关系规定促成双方签订调解协议。",
        ),
        Plan(
            ArticleKind.CASE,
            "装修工人被拖欠工资：联络员律师帮助依法追讨",
            _paragraphs(
                "务工人员李某等五人为某装修公司工作三个月，公司以资金周转困难为由拖欠工资。",
                "李某在平台留言咨询后，联络员律师当天答复，指导其收集考勤记录、微信聊天记录等证据。",
                "在律师和司法所的协调下，装修公司与工人达成还款协议，并在约定期限内付清全部工资。",
            ),
        ),
        Plan(
            ArticleKind.CASE,
            "子女赡养起争议：家事调解化解家庭矛盾",
            _paragraphs(
                "八旬老人王某有三名子女，因赡养费分担和照料安排产生矛盾，老人向社区法律顾问求助。",
                "律师与社区书记共同组织家庭会议，讲解子女的赡养义务，并结合各家实际情况提出方案。",
                "最终三名子女就赡养费和轮流照料达成一致，签署了赡养协议。",
            ),
        ),
        Plan(
            ArticleKind.EXEMPLAR,
            "身边的法律顾问：扎根社区的联络员律师",
            _paragraphs(
                (f"{lawyer.name}律师" if lawyer else "这位律师")
                + "担任社区法律顾问联络员以来，坚持每月参加服务日活动，走访社区居民上百户。",
                "在线咨询做到当天答复，参与调解邻里、婚姻家庭等纠纷数十起，深受居民好评。",
            ),
            lawyer=lawyer,
            firm=lawyer.firm if lawyer else None,
        ),
        Plan(
            ArticleKind.EXEMPLAR,
            "先进律所：把法律服务送到居民家门口",
            _paragraphs(
                (firm.name if firm else "该律所")
                + "与结对社区建立了固定联络机制，组建志愿律师团队，定期开展入户走访和普法讲座。",
                "律所还为社区困难群众提供法律援助，多次获得社区和司法所的表扬。",
            ),
            firm=firm,
        ),
    ]
    for plan, day in zip(plans, reversed(days), strict=True):
        plan.days_ago = day
    return [
        *plans,
        Plan(
            ArticleKind.NEWS,
            f"{street}司法所开展防范养老诈骗宣传活动",
            _paragraphs(
                "司法所联合社区和结对律所在社区广场开展防范养老诈骗宣传活动。",
                "律师结合真实案例，提醒老年人警惕“高额回报”“免费体检”等骗局。",
            ),
            status=ArticleStatus.PENDING,
            writer="street",
        ),
        Plan(
            ArticleKind.NEWS,
            "律所志愿律师参与社区普法夜市",
            _paragraphs(
                "律所志愿律师在社区普法夜市设立咨询摊位，为居民解答租房、消费维权等问题。",
            ),
            status=ArticleStatus.PENDING,
            writer="firm",
        ),
        Plan(
            ArticleKind.CASE,
            "物业费纠纷调解案例",
            _paragraphs(
                "业主陈某（住某小区3幢）因电梯长期故障拒交物业费，物业公司起诉前申请调解。",
                "律师参与调解，双方最终就维修和缴费达成一致。",
            ),
            status=ArticleStatus.RETURNED,
            writer="firm",
            comment="案例中含有当事人姓名和住址，请删去个人信息后重新提交。",
        ),
    ]


def _writers(district: District) -> dict[str, Any]:
    roles = RegionRole.objects.filter(is_active=True).select_related("user").order_by("pk")
    bureau = roles.filter(role=Role.BUREAU_ADMIN, district=district).first()
    street = roles.filter(role=Role.STREET_STAFF, street__district=district).first()
    firm_admin = (
        FirmAdmin.objects.filter(is_active=True, firm__district=district, firm__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    boss = bureau.user if bureau else None
    return {
        "bureau": boss,
        "street": street.user if street else boss,
        "firm": firm_admin.user if firm_admin else boss,
    }


def seed(district: District, rng: random.Random) -> dict[str, int]:
    created = {"published": 0, "pending": 0, "returned": 0}
    writers = _writers(district)
    if writers["bureau"] is None:
        return created  # nobody to publish
    first_street = Street.objects.filter(district=district, is_active=True).order_by("name")
    street = first_street.values_list("name", flat=True).first() or "各街道"
    firms = list(LawFirm.objects.filter(district=district, is_active=True).order_by("name"))
    lawyers = list(
        Lawyer.objects.filter(firm__district=district, is_active=True)
        .select_related("firm")
        .order_by("-is_volunteer", "name")[:10]
    )
    firm = rng.choice(firms) if firms else None
    lawyer = rng.choice(lawyers) if lawyers else None
    plans = _plans(district, street, firm, lawyer, rng)
    existing = set(Article.objects.filter(district=district).values_list("title", flat=True))
    now = timezone.now()
    with transaction.atomic():
        for plan in plans:
            if plan.title in existing:
                continue
            _create(district, plan, writers, now)
            created[plan.status] += 1
    return created


def _create(district: District, plan: Plan, writers: dict[str, Any], now: Any) -> None:
    author, bureau = writers[plan.writer], writers["bureau"]
    data = services.ArticleInput(
        kind=plan.kind,
        title=plan.title,
        body=plan.body,
        summary=plan.summary,
        firm=plan.firm,
        lawyer=plan.lawyer,
    )
    article = services.create_article(actor=author, district=district, data=data)
    when = now - timedelta(days=plan.days_ago, hours=plan.days_ago % 7)
    if plan.status == ArticleStatus.PUBLISHED:
        if author != bureau:
            services.submit_article(actor=author, article=article, now=when)
        services.publish_article(actor=bureau, article=article, now=when)
        if plan.pinned:
            services.set_pinned(actor=bureau, article=article, pinned=True)
        return
    services.submit_article(actor=author, article=article, now=now - timedelta(hours=5))
    if plan.status == ArticleStatus.RETURNED:
        services.return_article(
            actor=bureau, article=article, comment=plan.comment, now=now - timedelta(hours=2)
        )
