"""Paid services (quote accepted / declined) and the knowledge base search."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultations import knowledge, quotes, services
from consultations.choices import ServiceStatus
from consultations.models import KnowledgeEntry, ServiceRequest

from .conftest import T0, ask, category, pair

NEED = "需要律师帮忙起草一份房屋租赁合同，约定押金和维修责任。"


@pytest.fixture
def priced(world):
    world.lawyer_l.fee_standard = "合同起草：每份 800–2000 元；法律顾问：每年 6000 元起"
    world.lawyer_l.save()
    return world.lawyer_l


def test_quote_accepted_keeps_fee_scope_and_standard(world, priced):
    r = quotes.request_service(actor=world.resident, lawyer=priced, description=NEED, now=T0)
    assert r.case_number == "FW-330102-20260902-000001"
    assert r.fee_standard_snapshot == priced.fee_standard
    with pytest.raises(ValidationError, match="尚未报价"):
        quotes.decide(actor=world.resident, request=r, accept=True)
    with pytest.raises(PermissionDenied):
        quotes.quote(actor=world.lawyer_g, request=r, fee="1000", scope="起草租赁合同一份")
    quotes.quote(
        actor=world.lawyer_f, request=r, fee="1,200.50", scope="起草租赁合同一份，含两次修改"
    )
    with pytest.raises(PermissionDenied):
        quotes.decide(actor=world.lawyer_f, request=r, accept=True)
    quotes.decide(actor=world.resident, request=r, accept=True, note="可以")
    r.refresh_from_db()
    assert (r.status, r.quote_fee, r.decision_note) == (
        ServiceStatus.ACCEPTED,
        Decimal("1200.50"),
        "可以",
    )
    assert r.quoted_at is not None and r.decided_at is not None
    with pytest.raises(ValidationError, match="已经作出过决定"):
        quotes.decide(actor=world.resident, request=r, accept=False)


def test_quote_declined_is_recorded(world, priced):
    r = quotes.request_service(actor=world.resident, lawyer=priced, description=NEED)
    quotes.quote(actor=world.lawyer_f, request=r, fee=Decimal("3000"), scope="代理劳动仲裁一审")
    quotes.decide(actor=world.resident, request=r, accept=False, note="费用超出预算")
    r.refresh_from_db()
    assert (r.status, r.quote_fee, r.decision_note) == (
        ServiceStatus.DECLINED,
        Decimal("3000.00"),
        "费用超出预算",
    )
    with pytest.raises(ValidationError, match="已经报过价"):
        quotes.quote(actor=world.lawyer_f, request=r, fee="1", scope="重新报价一次")


@pytest.mark.parametrize("fee", ["-1", "abc", "1.234", "99999999", "NaN"])
def test_bad_quotes_change_nothing(world, priced, fee):
    r = quotes.request_service(actor=world.resident, lawyer=priced, description=NEED)
    with pytest.raises(ValidationError) as exc:
        quotes.quote(actor=world.lawyer_f, request=r, fee=fee, scope="起草租赁合同一份")
    assert "quote_fee" in exc.value.message_dict
    r.refresh_from_db()
    assert (r.status, r.quote_fee) == (ServiceStatus.REQUESTED, None)


def test_no_paid_service_without_a_published_fee_standard(world):
    with pytest.raises(ValidationError, match="尚未公开收费标准"):
        quotes.request_service(actor=world.resident, lawyer=world.lawyer_other, description=NEED)
    assert not ServiceRequest.objects.exists()


def test_paid_service_from_a_question_keeps_its_case_number(world, priced):
    q = ask(world)
    r = quotes.request_service(actor=world.resident, lawyer=priced, description=NEED, question=q)
    assert r.case_number == q.case_number
    with pytest.raises(PermissionDenied):
        quotes.request_service(actor=world.lawyer_g, lawyer=priced, description=NEED, question=q)


# --- knowledge base --------------------------------------------------------------------------


def answer(world, q, text, when=T0):
    services.confirm_no_conflict(actor=world.lawyer_f, question=q, now=when)
    services.post_reply(actor=world.lawyer_f, question=q, text=text, now=when)


def test_segmentation_finds_words_inside_sentences():
    words = knowledge.segment("公司拖欠工资三个月，劳动合同到期不续签有补偿吗？")
    assert {"拖欠", "工资", "劳动", "合同", "劳动合同", "补偿"} <= set(words)
    assert "吗" not in words and "，" not in words


def test_personal_details_are_removed():
    text = "我叫王小明，电话 13912345678，身份证 330102199001011234，对方李四不还钱。"
    clean = knowledge.scrub(text, knowledge.party_names("王小明", "李四、张三公司"))
    assert "13912345678" not in clean and "330102199001011234" not in clean
    assert "王小明" not in clean and "李四" not in clean
    assert clean.count("***") == 4


def test_answered_public_question_enters_the_knowledge_base(world):
    pair(world)
    world.resident.name = "王居民"
    q = ask(
        world,
        is_public=True,
        text="楼上邻居装修噪音很大，晚上十点还在施工，我打 13912345678 也没人管，怎么投诉？",
        parties="赵六",
    )
    assert not KnowledgeEntry.objects.exists()  # not answered yet
    answer(world, q, "可以向物业和街道反映，夜间施工噪音可以向生态环境部门投诉。赵六应当停止侵害。")
    entry = KnowledgeEntry.objects.get(question=q)
    assert "13912345678" not in entry.question_text and "赵六" not in entry.answer_text
    assert "噪音" in entry.tokens.split()
    private = ask(world, text="我的私密问题：离婚后孩子抚养权怎么判？")
    answer(world, private, "抚养权以有利于子女成长为原则。")
    assert not KnowledgeEntry.objects.filter(question=private).exists()


def test_search_finds_a_question_by_a_word_inside_a_chinese_sentence(world):
    pair(world)
    texts = [
        (
            "楼上邻居装修噪音很大，晚上十点还在施工，怎么投诉？",
            "夜间施工噪音可以向生态环境部门投诉。",
        ),
        ("公司拖欠工资三个月不发，应该怎么办？", "可以申请劳动仲裁，要求支付拖欠的工资。"),
        ("朋友借钱不还，只有微信聊天记录可以起诉吗？", "微信记录可以作为借贷关系的证据。"),
    ]
    questions = []
    for i, (text, reply) in enumerate(texts):
        q = ask(world, is_public=True, text=text, now=T0 + timedelta(minutes=i))
        answer(world, q, reply)
        questions.append(q)
    entries = KnowledgeEntry.objects.visible_to(None)
    assert [e.question_id for e in knowledge.search(entries, "工资")] == [questions[1].pk]
    assert [e.question_id for e in knowledge.search(entries, "噪音")] == [questions[0].pk]
    # Ranked by relevance: the entry matching more words of the query comes first.
    ranked = list(knowledge.search(entries, "邻居欠钱不还，有微信记录，能起诉吗"))
    assert ranked[0].question_id == questions[2].pk
    assert list(knowledge.search(entries, "吗？")) == []
    assert list(knowledge.search(entries, "交通事故")) == []


def test_search_follows_an_entrys_changed_words(world):
    pair(world)
    q = ask(world, is_public=True, text="公司拖欠工资三个月不发，应该怎么办？")
    answer(world, q, "可以申请劳动仲裁。")
    entries = KnowledgeEntry.objects.visible_to(None)
    assert [e.question_id for e in knowledge.search(entries, "工资")] == [q.pk]
    # An entry rewritten (refresh_knowledge, the admin) is found by its new words at once:
    # on PostgreSQL the stored search vector (migration 0006) follows the tokens.
    KnowledgeEntry.objects.filter(question=q).update(tokens="房屋 租赁 押金")
    assert list(knowledge.search(entries, "工资")) == []
    assert [e.question_id for e in knowledge.search(entries, "押金")] == [q.pk]


def test_closing_refreshes_the_entry_and_inactive_entries_are_hidden(world):
    pair(world)
    q = ask(
        world,
        is_public=True,
        category=category("借贷"),
        text="朋友借钱不还，只有微信聊天记录可以起诉吗？",
    )
    answer(world, q, "微信记录可以作为证据。")
    services.close_question(actor=world.resident, question=q, rating=5)
    entry = KnowledgeEntry.objects.get(question=q)
    assert entry.category.name == "借贷"
    KnowledgeEntry.objects.filter(pk=entry.pk).update(is_active=False)
    assert not KnowledgeEntry.objects.visible_to(world.resident).exists()
