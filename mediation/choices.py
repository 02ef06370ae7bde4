"""The vocabularies of cloud mediation (尚法云调解)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PEOPLE = "people", _("人民调解")
    ADMINISTRATIVE = "administrative", _("行政调解")
    PROFESSIONAL = "professional", _("行业性专业性调解")


class OrgLevel(models.TextChoices):
    DISTRICT = "district", _("区级")
    STREET = "street", _("街道级")
    COMMUNITY = "community", _("社区级")


class DisputeCategory(models.TextChoices):
    """Dispute categories; a 行业性专业性 organization serves one of them."""

    FAMILY = "family", _("婚姻家庭")
    NEIGHBOR = "neighbor", _("邻里纠纷")
    PROPERTY = "property", _("物业纠纷")
    LABOR = "labor", _("劳动争议")
    MEDICAL = "medical", _("医疗纠纷")
    TRAFFIC = "traffic", _("交通事故")
    CONSUMER = "consumer", _("消费纠纷")
    FINANCE = "finance", _("金融纠纷")
    TENANCY = "tenancy", _("房屋租赁")
    LOAN = "loan", _("借贷纠纷")
    CONTRACT = "contract", _("合同纠纷")
    DAMAGE = "damage", _("损害赔偿")
    OTHER = "other", _("其他")


class MediatorGrade(models.TextChoices):
    CHIEF = "chief", _("首席调解员")
    FIRST = "first", _("一级调解员")
    SECOND = "second", _("二级调解员")
    THIRD = "third", _("三级调解员")


class Channel(models.TextChoices):
    """How an application came in."""

    ONLINE = "online", _("线上申请（掌上调）")
    DESK = "desk", _("窗口受理")
    GRID = "grid", _("网格员代为申请")
    CONSULTATION = "consultation", _("法律咨询转调解")


class CaseStatus(models.TextChoices):
    APPLIED = "applied", _("待受理")
    DECLINED = "declined", _("不予受理")
    ACCEPTED = "accepted", _("已受理待分派")
    ASSIGNED = "assigned", _("已分派")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("调解成功")
    FAILED = "failed", _("调解未成功")
    FOLLOWED_UP = "followed_up", _("已回访")
    ARCHIVED = "archived", _("已归档")


# Cases still being handled: the deadline runs for these (once accepted).
OPEN_STATUSES = (
    CaseStatus.APPLIED,
    CaseStatus.ACCEPTED,
    CaseStatus.ASSIGNED,
    CaseStatus.MEDIATING,
)
# Cases whose messages room is open.
ROOM_OPEN = (CaseStatus.ASSIGNED, CaseStatus.MEDIATING)


class Outcome(models.TextChoices):
    SUCCESS = "success", _("达成协议")
    FAILURE = "failure", _("未达成协议")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class Guidance(models.TextChoices):
    """Where a party is pointed after a failed mediation."""

    LITIGATION = "litigation", _("向人民法院提起诉讼")
    ARBITRATION = "arbitration", _("申请仲裁")
    LEGAL_AID = "legal_aid", _("申请法律援助")
    ADMINISTRATIVE = "administrative", _("请求行政机关处理")
    OTHER = "other", _("其他途径")


class SessionKind(models.TextChoices):
    ONLINE = "online", _("线上调解")
    IN_PERSON = "in_person", _("现场调解")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已举行")
    CANCELLED = "cancelled", _("已取消")


class EventKind(models.TextChoices):
    APPLIED = "applied", _("提交调解申请")
    FROM_QUESTION = "from_question", _("咨询转为调解")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理")
    ASSIGNED = "assigned", _("分派调解组织和调解员")
    STARTED = "started", _("开始调解")
    SESSION_SCHEDULED = "session_scheduled", _("安排调解")
    SESSION_HELD = "session_held", _("调解记录")
    AGREEMENT_DRAFTED = "agreement_drafted", _("拟定调解协议")
    CODE_SENT = "code_sent", _("发送确认验证码")
    PARTY_CONFIRMED = "party_confirmed", _("当事人确认协议")
    AGREED = "agreed", _("调解成功")
    FAILED = "failed", _("调解未成功")
    FOLLOWED_UP = "followed_up", _("回访")
    ARCHIVED = "archived", _("归档")
    REMINDER = "reminder", _("期限提醒")
    OVERDUE = "overdue", _("超过办理期限")
