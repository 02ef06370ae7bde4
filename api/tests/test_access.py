"""Every data endpoint refuses anonymous requests with 401 and changes nothing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.models import OperationLog

COLLECTIONS = [
    "districts",
    "streets",
    "communities",
    "studio-members",
    "specialties",
    "firms",
    "lawyers",
]


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_anonymous_gets_401_on_lists_and_creates(world, collection):
    client = APIClient()
    assert client.get(f"/api/{collection}/").status_code == 401
    assert client.post(f"/api/{collection}/", {"name": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("collection", "attr"),
    [
        ("districts", "district"),
        ("streets", "street_a"),
        ("communities", "community_a1"),
        ("firms", "firm_f"),
        ("lawyers", "lawyer_l"),
    ],
)
def test_anonymous_gets_401_on_rows(world, collection, attr):
    client = APIClient()
    url = f"/api/{collection}/{getattr(world, attr).pk}/"
    before = OperationLog.objects.count()
    assert client.get(url).status_code == 401
    assert client.patch(url, {"name": "x"}).status_code == 401
    assert client.put(url, {"name": "x"}).status_code == 401
    assert client.delete(url).status_code == 401
    assert OperationLog.objects.count() == before


def test_anonymous_gets_401_on_settings_and_me(world):
    client = APIClient()
    url = f"/api/districts/{world.district.pk}/settings/"
    assert client.get(url).status_code == 401
    assert client.patch(url, {"reply_deadline_hours": 1}).status_code == 401
    assert client.get("/api/me/").status_code == 401
