from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from api.testing import api_client, result_ids
from news.choices import ArticleKind, ArticleStatus
from news.models import Article
from news.tests.conftest import image_file, make_article

pytestmark = [pytest.mark.django_db, pytest.mark.urls("news.tests.urls")]

URL = "/api/articles/"
NEW = {"kind": "news", "title": "清波街道开展法律服务日活动", "body": "第一段\n\n第二段"}


def test_public_reads_need_no_sign_in(world: Any, articles: Any) -> None:
    client = APIClient()
    assert result_ids(client.get(URL)) == {articles["published"].pk, articles["elsewhere"].pk}
    body = client.get(f"{URL}{articles['published'].pk}/").json()
    assert body["status"] == "published" and body["kind_label"] == "新闻动态"
    assert body["author_name"] == "" and body["actions"] == []
    assert client.get(f"{URL}{articles['draft'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", URL),
        ("patch", "{pk}/"),
        ("post", "{pk}/submit/"),
        ("post", "{pk}/publish/"),
        ("post", "{pk}/return/"),
        ("post", "{pk}/withdraw/"),
        ("post", "{pk}/pin/"),
    ],
)
def test_writes_need_sign_in(world: Any, articles: Any, method: str, path: str) -> None:
    pk = articles["published"].pk
    url = path if path == URL else URL + path.format(pk=pk)
    response = getattr(APIClient(), method)(url, {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_scope_of_the_list(world: Any, articles: Any) -> None:
    ids = {key: a.pk for key, a in articles.items()}
    everything = set(ids.values())
    assert result_ids(api_client(world.street_staff_a).get(URL)) == everything
    assert result_ids(api_client(world.bureau_admin).get(URL)) == everything
    public = {ids["published"], ids["elsewhere"]}
    assert result_ids(api_client(world.outsider).get(URL)) == public
    assert result_ids(api_client(world.firm_admin_f).get(URL)) == public
    pending = api_client(world.bureau_admin).get(URL, {"status": "pending"})
    assert result_ids(pending) == {ids["pending"]}
    mine = api_client(world.street_staff_a).get(URL, {"mine": "true", "status": "draft"})
    assert result_ids(mine) == {ids["draft"]}
    district = APIClient().get(URL, {"district": world.other_district.pk})
    assert result_ids(district) == {ids["elsewhere"]}
    bad = APIClient().get(URL, {"kind": "gossip"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_out_of_scope_is_404(world: Any, articles: Any) -> None:
    draft = articles[ArticleStatus.DRAFT]
    for user in (world.outsider, world.firm_admin_f, world.resident):
        client = api_client(user)
        assert client.get(f"{URL}{draft.pk}/").status_code == 404
        assert client.patch(f"{URL}{draft.pk}/", {"title": "x"}, format="json").status_code == 404
        assert client.post(f"{URL}{draft.pk}/submit/").status_code == 404
    # Visible (published) but not theirs to manage: also 404, and nothing changes.
    published = articles[ArticleStatus.PUBLISHED]
    response = api_client(world.outsider).post(f"{URL}{published.pk}/withdraw/", {}, format="json")
    assert response.status_code == 404
    published.refresh_from_db()
    assert published.status == ArticleStatus.PUBLISHED


def test_create_and_workflow(world: Any) -> None:
    writer = api_client(world.street_staff_a)
    response = writer.post(URL, NEW, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["district"] == world.district.pk
    assert body["actions"] == ["edit", "submit"] and body["source"] == world.street_a.office_name
    pk = body["id"]
    response = writer.patch(f"{URL}{pk}/", {"title": "改过的标题"}, format="json")
    assert response.status_code == 200 and response.json()["body"] == NEW["body"]
    assert response.json()["title"] == "改过的标题"
    assert writer.post(f"{URL}{pk}/submit/").json()["status"] == "pending"
    refused = writer.post(f"{URL}{pk}/publish/")
    assert refused.status_code == 404  # writers do not publish
    bureau = api_client(world.bureau_admin)
    response = bureau.post(f"{URL}{pk}/return/", {"comment": ""}, format="json")
    assert response.status_code == 400
    assert response.json()["message"] == "意见（退回时必填）：退回稿件时请填写修改意见"
    response = bureau.post(f"{URL}{pk}/return/", {"comment": "请补充照片"}, format="json")
    assert response.json()["status"] == "returned"
    assert writer.get(f"{URL}{pk}/").json()["review_comment"] == "请补充照片"
    writer.post(f"{URL}{pk}/submit/")
    assert bureau.post(f"{URL}{pk}/publish/").json()["status"] == "published"
    assert bureau.post(f"{URL}{pk}/pin/", {"pinned": True}, format="json").json()["pinned"]
    response = writer.patch(f"{URL}{pk}/", {"title": "发布后再改"}, format="json")
    assert response.status_code == 400 and "请先撤回" in response.json()["message"]
    response = bureau.post(f"{URL}{pk}/withdraw/", {"comment": "核实后再发"}, format="json")
    assert response.json()["status"] == "withdrawn"
    assert APIClient().get(f"{URL}{pk}/").status_code == 404


def test_create_refused(world: Any) -> None:
    assert api_client(world.resident).post(URL, NEW, format="json").status_code == 403
    response = api_client(world.outsider).post(
        URL, {**NEW, "district": world.district.pk}, format="json"
    )
    assert response.status_code == 400 and "district" in response.json()["errors"]
    response = api_client(world.street_staff_a).post(
        URL, {"kind": ArticleKind.NEWS, "title": " ", "body": ""}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not Article.objects.exists()


def test_cover_upload(world: Any) -> None:
    writer = api_client(world.street_staff_a)
    response = writer.post(URL, {**NEW, "cover": image_file("封面.png", "PNG")}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["cover_url"].endswith(f"/news/{response.json()['id']}/cover/")
    response = writer.post(URL, {**NEW, "cover": image_file("x.gif", "GIF")}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["cover"] == ["封面图片只支持 JPG 或 PNG 格式"]


def test_list_query_budget(world: Any, django_assert_max_num_queries: Any) -> None:
    client, bureau = APIClient(), api_client(world.bureau_admin)
    for n in (3, 30):
        for i in range(n):
            make_article(world, title=f"公开{i}", kind=ArticleKind.CASE, firm=world.firm_f)
            make_article(world, title=f"待审{i}", status=ArticleStatus.PENDING)
        with django_assert_max_num_queries(2):
            assert client.get(URL).status_code == 200
        # The bureau: its role bindings, then the same two queries.
        with django_assert_max_num_queries(8):
            assert bureau.get(URL).status_code == 200
