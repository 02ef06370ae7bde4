"""Appeals within the window, the bureau's decisions, and publishing a month."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment import services
from assessment.models import Appeal, Bulletin, MonthlyScore, RankingMonth
from assessment.tests import factories as make
from assessment.tests.conftest import APRIL_1, MARCH

IN_WINDOW = make.at(date(2026, 4, 3))
AFTER_WINDOW = make.at(date(2026, 4, 7))


@pytest.fixture
def ranking(march):  # type: ignore[no-untyped-def]
    w = march.world
    return services.compute_month(actor=None, district=w.district, month=MARCH, now=APRIL_1)


def _score(ranking: RankingMonth, firm) -> MonthlyScore:  # type: ignore[no-untyped-def]
    return MonthlyScore.objects.get(ranking=ranking, firm=firm)


def test_firm_admin_appeals_and_the_bureau_adjusts(ranking, world):
    f = _score(ranking, world.firm_f)
    appeal = services.file_appeal(
        actor=world.firm_admin_f,
        score=f,
        metric="duty",
        reason="3 月 30 日值班已签退，系统未记录",
        now=IN_WINDOW,
    )
    assert MonthlyScore.objects.get(pk=f.pk).status == "appealed"
    with pytest.raises(ValidationError, match="待处理的申诉"):
        services.file_appeal(
            actor=world.firm_admin_f, score=f, reason="再次申诉一下", now=IN_WINDOW
        )
    with pytest.raises(ValidationError, match="申诉未处理"):
        services.publish_month(actor=world.bureau_admin, ranking=ranking, now=AFTER_WINDOW)

    services.decide_appeal(
        actor=world.bureau_admin,
        appeal=appeal,
        accept=True,
        comment="经核实签退记录属实",
        adjusted_value="100",
        now=IN_WINDOW,
    )
    f.refresh_from_db()
    # F: (25×50 + 20×1 + 15×33.33 + 10×80 + 10×50 + 10×100 + 10×100) / 100 = 50.6995
    assert (f.total, f.rank, f.status) == (Decimal("50.70"), 2, "draft")
    assert f.metrics.get(metric="duty").adjusted
    appeal.refresh_from_db()
    assert (appeal.status, appeal.adjusted_value) == ("accepted", Decimal("100.00"))


def test_decisions_are_checked(ranking, world):
    appeal = services.file_appeal(
        actor=world.firm_admin_f,
        score=_score(ranking, world.firm_f),
        reason="总分偏低，请复核各项记录",
        now=IN_WINDOW,
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"accept": True, "comment": ""}, "处理意见"),
        ({"accept": False, "comment": "不予采纳", "adjusted_value": "80"}, "驳回"),
        ({"accept": True, "comment": "采纳", "adjusted_value": "80"}, "未指明指标"),
    ]
    for values, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.decide_appeal(actor=world.bureau_admin, appeal=appeal, **values)
    for user in (world.firm_admin_f, world.street_staff_a, world.outsider):
        with pytest.raises(PermissionDenied):
            services.decide_appeal(actor=user, appeal=appeal, accept=False, comment="驳回")
    assert Appeal.objects.get(pk=appeal.pk).status == "open"
    services.decide_appeal(
        actor=world.bureau_admin, appeal=appeal, accept=False, comment="记录无误，维持原分"
    )
    with pytest.raises(ValidationError, match="已处理"):
        services.decide_appeal(actor=world.bureau_admin, appeal=appeal, accept=True, comment="再议")


def test_appeal_outside_the_window_is_refused(ranking, world):
    with pytest.raises(ValidationError, match="申诉期已于 2026-04-06 截止"):
        services.file_appeal(
            actor=world.firm_admin_f,
            score=_score(ranking, world.firm_f),
            reason="逾期提出的申诉理由",
            now=AFTER_WINDOW,
        )
    assert not Appeal.objects.exists()


def test_only_the_firms_admin_may_appeal_its_score(ranking, world):
    g = _score(ranking, world.firm_g)
    f = _score(ranking, world.firm_f)
    for user, score in (
        (world.lawyer_f, f),
        (world.firm_admin_f, g),
        (world.bureau_admin, f),
        (world.street_staff_a, f),
    ):
        with pytest.raises(PermissionDenied):
            services.file_appeal(actor=user, score=score, reason="这条申诉不应成立", now=IN_WINDOW)
    with pytest.raises(ValidationError, match="至少 5 个字"):
        services.file_appeal(actor=world.firm_admin_f, score=f, reason="太低", now=IN_WINDOW)
    with pytest.raises(ValidationError, match="未计入本月排名"):
        services.file_appeal(
            actor=world.firm_admin_f, score=f, metric="nope", reason="指标写错了吧", now=IN_WINDOW
        )
    assert not Appeal.objects.exists()


def test_publishing_waits_for_the_window_then_freezes_the_month(ranking, world):
    with pytest.raises(ValidationError, match="期满后才能发布"):
        services.publish_month(actor=world.bureau_admin, ranking=ranking, now=IN_WINDOW)
    for user in (world.firm_admin_f, world.street_staff_a, world.outsider):
        with pytest.raises(PermissionDenied):
            services.publish_month(actor=user, ranking=ranking, now=AFTER_WINDOW)
    bulletin = services.publish_month(actor=world.bureau_admin, ranking=ranking, now=AFTER_WINDOW)
    assert bulletin.number_label == "2026年第1期"
    assert set(MonthlyScore.objects.filter(ranking=ranking).values_list("status", flat=True)) == {
        "published"
    }
    with pytest.raises(ValidationError, match="已发布"):
        services.publish_month(actor=world.bureau_admin, ranking=ranking, now=AFTER_WINDOW)
    with pytest.raises(ValidationError, match="已发布，不能重新计算"):
        services.compute_month(actor=None, district=world.district, month=MARCH, now=AFTER_WINDOW)
    with pytest.raises(ValidationError, match="已发布，不能再申诉"):
        services.file_appeal(
            actor=world.firm_admin_f,
            score=_score(ranking, world.firm_f),
            reason="发布之后的申诉",
            now=AFTER_WINDOW - timedelta(days=3),
        )
    assert Bulletin.objects.count() == 1
