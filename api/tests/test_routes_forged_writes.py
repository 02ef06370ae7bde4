"""Forged foreign keys in writes to a row (#17): every API operation on one row that takes
a foreign key in its body (an update, an action such as a case's assignment), found in
the OpenAPI schema's request serializers. For seven personas, on a row the persona may
change, a foreign key naming a row outside the persona's scope answers exactly as an id
that does not exist, and nothing is written. A new operation with a foreign key joins by
itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers
from rest_framework.test import APIClient

from api.tests.test_routes_anonymous import counts
from api.tests.test_routes_outside import MISSING, body, personas

pytestmark = pytest.mark.django_db

# Foreign keys of row writes open to every signed-in user by design, and why.
OPEN_FIELDS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Write:
    method: str  # PATCH for an update, POST for an action
    path: str  # with "{id}" for the row
    model: Any  # the row's model (the viewset's)
    field: str
    target: Any  # the model the foreign key names
    many: bool


def writes() -> list[Write]:
    """Every write to one row whose request serializer has a writable foreign key."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found: list[Write] = []
    for path, _regex, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PATCH") or "{id}" not in path:
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        view.schema.method, view.schema.path = method, path
        request_serializer = view.schema.get_request_serializer()
        if request_serializer is None or getattr(view, "queryset", None) is None:
            continue
        instance = (
            request_serializer() if isinstance(request_serializer, type) else request_serializer
        )
        for name, field in getattr(instance, "fields", {}).items():
            inner = getattr(field, "child_relation", field)
            if field.read_only or not isinstance(inner, serializers.RelatedField):
                continue
            target = getattr(inner, "model", None) or getattr(inner.queryset, "model", None)
            many = isinstance(field, serializers.ManyRelatedField)
            found.append(Write(method, path, view.queryset.model, name, target, many))
    return found


def test_the_writes_are_found():
    found = {(w.method, w.path, w.field) for w in writes()}
    # An update and an action of each kind are among them (a change in how the schema
    # is read would empty the probe below).
    assert ("PATCH", "/api/articles/{id}/", "lawyer") in found
    assert ("POST", "/api/mediation-cases/{id}/assign/", "mediators") in found
    assert ("PATCH", "/api/meetings/{id}/", "firm") in found
    assert len(found) >= 20


def send(client: APIClient, write: Write, path: str, pk: int) -> Any:
    value = [pk] if write.many else pk
    return client.generic(write.method, path, json.dumps({write.field: value}), "application/json")


def answer(response: Any, pk: int) -> tuple[int, bytes]:
    """Status and body, the id sent replaced (an error may repeat it)."""
    return response.status_code, body(response).replace(str(pk).encode(), b"ID")


def test_a_forged_foreign_key_in_a_row_write_answers_as_a_missing_one(db):
    from regions.demo import seed_demo

    seed_demo()
    people = personas()
    probed, validated, wrong = 0, 0, []
    before = counts()
    for write in writes():
        if (write.path, write.field) in OPEN_FIELDS:
            continue
        for label, user in people.items():
            row = write.model._default_manager.editable_by(user).order_by("pk").first()
            target: Any = write.target._default_manager
            outside = target.exclude(pk__in=target.visible_to(user).values("pk")).first()
            if row is None or outside is None:
                continue
            client = APIClient()
            client.force_authenticate(user)
            path = write.path.replace("{id}", str(row.pk))
            there, nowhere = (
                send(client, write, path, outside.pk),
                send(client, write, path, MISSING),
            )
            probed += 1
            validated += nowhere.status_code == 400
            if answer(there, outside.pk) != answer(nowhere, MISSING):
                wrong.append(
                    f"{write.method} {path} {write.field} as {label}: row {outside.pk} "
                    f"{there.status_code} {body(there)[:120]!r} ≠ missing "
                    f"{nowhere.status_code} {body(nowhere)[:120]!r}"
                )
    # Every operation found was probed by several personas (the second district gives
    # each persona rows outside its scope), and the probes reached validation.
    assert probed > 50
    assert validated > 50
    assert not wrong, "a forged foreign key answers differently:\n" + "\n".join(wrong)
    assert counts() == before  # nothing written
