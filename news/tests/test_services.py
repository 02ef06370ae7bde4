from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from core.models import OperationLog
from news import services
from news.choices import ArticleKind, ArticleStatus
from news.models import Article
from news.tests.conftest import article_input, image_file, make_article

pytestmark = pytest.mark.django_db


def _draft(world: Any, author: Any = None, **extra: Any) -> Article:
    return services.create_article(
        actor=author or world.street_staff_a, district=world.district, data=article_input(**extra)
    )


def _pending(world: Any, author: Any = None) -> Article:
    article = _draft(world, author)
    return services.submit_article(actor=author or world.street_staff_a, article=article)


# --- writing -----------------------------------------------------------------------


def test_writers_create_drafts_with_their_source(world: Any) -> None:
    street = _draft(world, body="  第一段 \r\n\r\n\r\n\r\n第二段  ", title="  标题  有空格 ")
    assert (street.status, street.author, street.district) == (
        ArticleStatus.DRAFT,
        world.street_staff_a,
        world.district,
    )
    assert street.source == world.street_a.office_name
    assert street.body == "第一段\n\n第二段" and street.title == "标题 有空格"
    assert _draft(world, world.firm_admin_f).source == world.firm_f.name
    assert _draft(world, world.bureau_admin).source == "上城测试区司法局"


@pytest.mark.parametrize("persona", ["lawyer_f", "resident", "community_staff_a1"])
def test_non_writers_cannot_create(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        _draft(world, getattr(world, persona))
    assert not Article.objects.exists()


def test_writer_of_another_district_cannot_create_here(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _draft(world, world.outsider)
    assert exc.value.message_dict["district"] == ["您不能为该区撰写稿件"]
    assert not Article.objects.exists()


def test_bad_input_gives_chinese_messages_and_writes_nothing(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _draft(world, title="   ", body="\n\n ", kind="gossip")
    errors = exc.value.message_dict
    assert errors["title"] == ["请填写标题"] and errors["body"] == ["请填写正文"]
    assert "kind" in errors and "不是有效" in errors["kind"][0]
    with pytest.raises(ValidationError) as exc:
        _draft(world, body="字" * (services.MAX_BODY_CHARS + 1))
    assert exc.value.message_dict["body"] == ["正文不能超过 20000 字"]
    assert not Article.objects.exists()


def test_links_to_firm_and_lawyer(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _draft(world, lawyer=world.lawyer_l)  # a news item
    assert exc.value.message_dict["firm"] == ["只有典型案例和先进典型可以关联律所或律师"]
    with pytest.raises(ValidationError) as exc:
        _draft(world, kind=ArticleKind.EXEMPLAR, lawyer=world.lawyer_l, firm=world.firm_g)
    assert exc.value.message_dict["lawyer"] == ["所选律师不在所选律所执业"]
    with pytest.raises(ValidationError) as exc:
        _draft(world, kind=ArticleKind.CASE, firm=world.other_firm)
    assert exc.value.message_dict["firm"] == ["所选律所不属于本区"]
    exemplar = _draft(world, kind=ArticleKind.EXEMPLAR, lawyer=world.lawyer_l)
    assert exemplar.firm == world.firm_f  # the lawyer's firm


# --- the workflow ------------------------------------------------------------------


def test_submit_review_publish(world: Any) -> None:
    article = _draft(world)
    article = services.submit_article(actor=world.street_staff_a, article=article)
    assert article.status == ArticleStatus.PENDING and article.submitted_at is not None
    article = services.publish_article(actor=world.bureau_admin, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_at is not None and article.reviewed_by == world.bureau_admin


def test_return_with_comment_then_edit_and_resubmit(world: Any) -> None:
    article = _pending(world)
    with pytest.raises(ValidationError) as exc:
        services.return_article(actor=world.bureau_admin, article=article, comment="  ")
    assert exc.value.message_dict["comment"] == ["退回稿件时请填写修改意见"]
    article.refresh_from_db()
    assert article.status == ArticleStatus.PENDING
    article = services.return_article(
        actor=world.bureau_admin, article=article, comment="请补充活动照片"
    )
    assert (article.status, article.review_comment) == (ArticleStatus.RETURNED, "请补充活动照片")
    article = services.update_article(
        actor=world.street_staff_a, article=article, data=article_input(title="改过的标题")
    )
    assert article.title == "改过的标题" and article.status == ArticleStatus.RETURNED
    article = services.submit_article(actor=world.street_staff_a, article=article)
    assert article.status == ArticleStatus.PENDING


def test_bureau_publishes_its_own_writing_without_review(world: Any) -> None:
    article = _draft(world, world.bureau_admin)
    article = services.publish_article(actor=world.bureau_admin, article=article)
    assert article.status == ArticleStatus.PUBLISHED


def test_writer_cannot_publish_their_own_article(world: Any) -> None:
    for author in (world.street_staff_a, world.firm_admin_f):
        article = _draft(world, author)
        with pytest.raises(PermissionDenied):
            services.publish_article(actor=author, article=article)
        pending = services.submit_article(actor=author, article=article)
        with pytest.raises(PermissionDenied):
            services.publish_article(actor=author, article=pending)
    assert not Article.objects.filter(status=ArticleStatus.PUBLISHED).exists()


def test_bureau_cannot_publish_an_unsubmitted_draft_of_someone_else(world: Any) -> None:
    article = _draft(world)
    with pytest.raises(ValidationError, match="尚未提交审核"):
        services.publish_article(actor=world.bureau_admin, article=article)
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_the_other_districts_bureau_cannot_review(world: Any) -> None:
    article = _pending(world)
    for write in (
        lambda: services.publish_article(actor=world.outsider, article=article),
        lambda: services.return_article(actor=world.outsider, article=article, comment="不行"),
        lambda: services.set_pinned(actor=world.outsider, article=article, pinned=True),
    ):
        with pytest.raises(PermissionDenied):
            write()
    article.refresh_from_db()
    assert article.status == ArticleStatus.PENDING and not article.pinned


def test_wrong_states_are_refused(world: Any) -> None:
    article = _draft(world)
    with pytest.raises(ValidationError, match="只有待审核的稿件才能退回"):
        services.return_article(actor=world.bureau_admin, article=article, comment="x")
    with pytest.raises(ValidationError, match="只有已发布或待审核的稿件才能撤回"):
        services.withdraw_article(actor=world.street_staff_a, article=article)
    article = services.submit_article(actor=world.street_staff_a, article=article)
    with pytest.raises(ValidationError, match="只有草稿"):
        services.submit_article(actor=world.street_staff_a, article=article)
    with pytest.raises(ValidationError, match="正在审核中"):
        services.update_article(actor=world.street_staff_a, article=article, data=article_input())
    with pytest.raises(ValidationError, match="请退回作者修改"):
        services.withdraw_article(actor=world.bureau_admin, article=article)
    article = services.publish_article(actor=world.bureau_admin, article=article)
    with pytest.raises(ValidationError, match="稿件已发布"):
        services.publish_article(actor=world.bureau_admin, article=article)
    with pytest.raises(ValidationError, match="请先撤回"):
        services.update_article(actor=world.bureau_admin, article=article, data=article_input())
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_withdraw(world: Any) -> None:
    pending = _pending(world)
    pending = services.withdraw_article(actor=world.street_staff_a, article=pending)
    assert pending.status == ArticleStatus.WITHDRAWN  # the author takes it back
    published = make_article(world)
    with pytest.raises(PermissionDenied):
        services.withdraw_article(actor=world.street_staff_a, article=published)
    published = services.withdraw_article(
        actor=world.bureau_admin, article=published, comment="活动时间有误"
    )
    assert (published.status, published.review_comment) == (ArticleStatus.WITHDRAWN, "活动时间有误")
    # Withdrawn: the author may edit and submit again.
    services.update_article(actor=world.street_staff_a, article=published, data=article_input())
    assert services.submit_article(actor=world.street_staff_a, article=published).status == (
        ArticleStatus.PENDING
    )


def test_who_edits(world: Any) -> None:
    draft = _draft(world)
    for user in (world.firm_admin_f, world.bureau_admin, world.lawyer_f, world.outsider):
        with pytest.raises(PermissionDenied):
            services.update_article(actor=user, article=draft, data=article_input(title="别人改"))
    pending = services.submit_article(actor=world.street_staff_a, article=draft)
    edited = services.update_article(
        actor=world.bureau_admin, article=pending, data=article_input(title="局里改了错字")
    )
    assert edited.title == "局里改了错字" and edited.status == ArticleStatus.PENDING


def test_pin(world: Any) -> None:
    article = make_article(world)
    with pytest.raises(PermissionDenied):
        services.set_pinned(actor=world.street_staff_a, article=article, pinned=True)
    assert services.set_pinned(actor=world.bureau_admin, article=article, pinned=True).pinned


def test_every_transition_is_logged(world: Any) -> None:
    article = _draft(world)
    services.submit_article(actor=world.street_staff_a, article=article)
    services.return_article(actor=world.bureau_admin, article=article, comment="请修改")
    services.submit_article(actor=world.street_staff_a, article=article)
    services.publish_article(actor=world.bureau_admin, article=article)
    services.withdraw_article(actor=world.bureau_admin, article=article)
    entries = OperationLog.objects.filter(model="news.Article", object_id=str(article.pk))
    statuses = [e.changes.get("status") for e in entries.order_by("pk")]
    assert statuses == ["draft", "pending", "returned", "pending", "published", "withdrawn"]
    assert {e.district_id for e in entries} == {world.district.pk}


def test_views_are_counted_for_published_articles_only(world: Any) -> None:
    published, draft = make_article(world), make_article(world, status=ArticleStatus.DRAFT)
    services.count_view(published)
    services.count_view(published)
    services.count_view(draft)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.view_count, draft.view_count) == (2, 0)


# --- the cover ---------------------------------------------------------------------


def test_cover_types_by_content(world: Any) -> None:
    jpeg = _draft(world, cover=image_file())
    assert jpeg.cover.name.endswith(".jpg") and jpeg.cover.storage.exists(jpeg.cover.name)
    png = _draft(world, cover=image_file("封面.png", "PNG"))
    assert png.cover.name.endswith(".png")
    bad = [
        (image_file("动图.gif", "GIF"), "只支持 JPG 或 PNG"),
        (SimpleUploadedFile("假图片.jpg", b"<script>alert(1)</script>"), "不是有效的图片"),
    ]
    for upload, message in bad:
        with pytest.raises(ValidationError) as exc:
            _draft(world, cover=upload, title="不该保存")
        assert message in exc.value.message_dict["cover"][0]
    assert not Article.objects.filter(title="不该保存").exists()


def test_cover_size_cap(world: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "MAX_COVER_BYTES", 100)
    with pytest.raises(ValidationError) as exc:
        _draft(world, cover=image_file(size=(400, 300)))
    assert exc.value.message_dict["cover"] == ["封面图片超过 5 MB，请压缩后再上传"]


def test_replacing_and_removing_the_cover_deletes_the_old_file(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    article = _draft(world, cover=image_file())
    storage, first = article.cover.storage, article.cover.name
    with django_capture_on_commit_callbacks(execute=True):
        article = services.update_article(
            actor=world.street_staff_a, article=article, data=article_input(cover=image_file())
        )
    second = article.cover.name
    assert second != first and storage.exists(second) and not storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        article = services.update_article(
            actor=world.street_staff_a, article=article, data=article_input(remove_cover=True)
        )
    assert not article.cover and not storage.exists(second)


# --- the buttons match the rules ---------------------------------------------------


class _Rollback(Exception):
    pass


def _call(action: str, user: Any, article: Article) -> None:
    calls = {
        "edit": lambda: services.update_article(actor=user, article=article, data=article_input()),
        "submit": lambda: services.submit_article(actor=user, article=article),
        "publish": lambda: services.publish_article(actor=user, article=article),
        "return": lambda: services.return_article(actor=user, article=article, comment="意见"),
        "withdraw": lambda: services.withdraw_article(actor=user, article=article),
        "pin": lambda: services.set_pinned(actor=user, article=article, pinned=True),
    }
    calls[action]()


def test_actions_for_matches_what_the_services_allow(world: Any, articles: Any) -> None:
    for user in [*world.personas().values(), world.superuser]:
        for article in articles.values():
            offered = services.actions_for(user, article)
            for action in services.ACTIONS:
                try:
                    with transaction.atomic():
                        _call(action, user, article)
                        raise _Rollback
                except _Rollback:
                    allowed = True
                except (PermissionDenied, ValidationError):
                    allowed = False
                assert (action in offered) == allowed, (user, article.status, action)
    street = services.actions_for(world.street_staff_a, articles[ArticleStatus.DRAFT])
    assert street == {"edit", "submit"}
    bureau = services.actions_for(world.bureau_admin, articles[ArticleStatus.PENDING])
    assert bureau == {"edit", "publish", "return", "pin"}
