"""Keyset pages (core.paging): every row once in order, cursors that round-trip dates and
times, broken cursors give the first page, and keys that could lose rows are refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import OperationLog
from core.paging import KeysetPage, keyset_page

ORDER = ("-created_at", "-id")


@pytest.fixture
def logs(db):  # type: ignore[no-untyped-def]
    for i in range(7):
        OperationLog(action=OperationLog.Action.OTHER, model="core.test", object_id=str(i)).save()
    return list(OperationLog.objects.order_by(*ORDER))


def test_pages_walk_every_row_once(logs):
    seen, cursor, pages = [], "", []
    while True:
        page = keyset_page(OperationLog.objects.all(), cursor, order=ORDER, size=3)
        pages.append(page)
        seen += list(page)
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert seen == logs
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [p.is_first for p in pages] == [True, False, False]
    assert "T" in pages[0].next_cursor  # a time with its date, to the microsecond


def test_ascending_order_and_exact_fit(logs):
    page = keyset_page(OperationLog.objects.all(), None, order=("id",), size=7)
    assert list(page) == sorted(logs, key=lambda r: r.pk) and not page.has_next
    page = keyset_page(OperationLog.objects.all(), str(logs[-1].pk), order=("id",), size=2)
    assert [r.pk for r in page] == sorted(r.pk for r in logs)[1:3] and page.has_next


@pytest.mark.parametrize("cursor", ["", "nonsense", "2026-02-30T00:00:00_1", "1_2_3", "_"])
def test_a_broken_cursor_gives_the_first_page(logs, cursor):
    page = keyset_page(OperationLog.objects.all(), cursor, order=ORDER, size=3)
    assert page.is_first and list(page) == logs[:3]


def test_one_query_and_no_count(logs):
    with CaptureQueriesContext(connection) as ctx:
        page = keyset_page(OperationLog.objects.all(), None, order=ORDER, size=3)
        keyset_page(OperationLog.objects.all(), page.next_cursor, order=ORDER, size=3)
    assert len(ctx) == 2
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"]]


@pytest.mark.parametrize(
    "order", [("-created_at",), ("-actor_id", "-id"), ("-object_repr.x", "-id"), ()]
)
def test_keys_that_could_lose_rows_are_refused(db, order):
    with pytest.raises(ValueError):
        keyset_page(OperationLog.objects.all(), None, order=order)


def test_an_empty_page_is_falsy():
    page = KeysetPage(object_list=[])
    assert not page and not page.has_next and page.keyset
