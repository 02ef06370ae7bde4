"""Helpers for API tests: a client signed in as a persona, the ids in a list page."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient


def api_client(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def result_ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content  # noqa: S101
    return {row["id"] for row in response.json()["results"]}
