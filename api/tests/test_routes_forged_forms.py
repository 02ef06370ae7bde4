"""Forged foreign keys in page forms (#17): every page, opened by each of eight personas
(on a row the persona may change, for a page about one row), is searched for forms
with a choice of rows (ModelChoiceField); each such field is posted back with a row
outside the persona's scope (the second district's, or another firm's) and with an id
that does not exist. Both must answer alike (the same status, the same redirect, the
same form errors) and nothing may be written. A new page or form joins by itself."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import Client

from api.tests.test_routes_anonymous import PUBLIC, counts
from api.tests.test_routes_outside import MISSING, NOT_ROWS, OPEN_ROWS, PAGE_ROWS, personas
from core.testing import Route, routes

pytestmark = pytest.mark.django_db

# Form fields open to every signed-in user by design, and why: (route, field).
PUBLIC_COMMUNITY = "a resident names any active community of the platform as theirs"
PUBLIC_LAWYER = "any lawyer of the public directory may be chosen"
OPEN_FIELDS: dict[tuple[str, str], str] = {
    ("consultations:ask", "community"): PUBLIC_COMMUNITY,
    ("consultations:ask", "chosen_lawyer"): PUBLIC_LAWYER,
    ("consultations:assist", "chosen_lawyer"): PUBLIC_LAWYER,
    ("mediation:apply", "community"): PUBLIC_COMMUNITY,
    ("mediation:apply", "organization"): "the public register of the district the applicant chose",
    ("mediation:apply", "lawyer"): "the public register of the district the applicant chose",
    ("regions:home_community", "community"): PUBLIC_COMMUNITY,
}


def pages() -> list[Route]:
    return [
        r
        for r in routes()
        if not r.name.startswith(("api:", "admin:"))
        and r.name not in OPEN_ROWS
        and (not set(r.args) - NOT_ROWS or r.name in PAGE_ROWS)
        and not set(r.args) & NOT_ROWS
    ]


def page_path(route: Route, user: Any) -> str | None:
    """The page's address for this user: a row the user may change (else see) for a
    page about one row; None when the user has no such row."""
    if route.name not in PAGE_ROWS:
        return route.path
    arg, label = PAGE_ROWS[route.name]
    from django.apps import apps

    manager: Any = apps.get_model(label)._default_manager
    row = manager.editable_by(user).order_by("pk").first() or (
        manager.visible_to(user).order_by("pk").first()
    )
    return None if row is None else route.with_args(**{arg: row.pk})


def forms_in(response: Any) -> list[forms.BaseForm]:
    """The forms a page rendered (in its context, or in a dict or list there)."""
    if response.status_code != 200 or response.context is None:
        return []
    found: dict[int, forms.BaseForm] = {}
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for value in (v for c in contexts for v in c.flatten().values()):
        values = value.values() if isinstance(value, dict) else value
        if isinstance(value, forms.BaseForm):
            values = [value]
        elif not isinstance(value, (dict, list, tuple)):
            continue
        for v in values:
            if isinstance(v, forms.BaseForm):
                found[id(v)] = v
    return list(found.values())


def choice_fields(page_forms: list[forms.BaseForm]) -> list[tuple[str, Any, bool]]:
    """(name to post, model, many) of every choice of rows among the forms."""
    found: dict[str, tuple[str, Any, bool]] = {}
    for form in page_forms:
        for name, field in form.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
                if field.disabled:
                    continue
                model = field.queryset.model
                if hasattr(model._default_manager, "visible_to"):
                    many = isinstance(field, forms.ModelMultipleChoiceField)
                    found[form.add_prefix(name)] = (form.add_prefix(name), model, many)
    return list(found.values())


def answer(response: Any, pk: int) -> tuple[Any, ...]:
    """What the user is told: status, redirect, and every form's errors (the id sent
    replaced, an error may repeat it)."""
    errors = sorted(
        (type(f).__name__, name, str(messages).replace(str(pk), "ID"))
        for f in forms_in(response)
        if f.is_bound
        for name, messages in f.errors.items()
    )
    return response.status_code, response.get("Location", ""), tuple(errors)


def outside_row(model: Any, user: Any, other_bureau: Any) -> Any:
    """A row of the other district (as its bureau sees it) that the user does not see."""
    manager: Any = model._default_manager
    theirs = manager.visible_to(other_bureau)
    return theirs.exclude(pk__in=manager.visible_to(user).values("pk")).order_by("pk").first()


def test_a_forged_choice_in_a_page_form_answers_as_a_missing_one(db):
    from regions.demo import seed_demo

    seed_demo()
    people = personas()
    demo_bureau, second_bureau = people["bureau"], people["other district's bureau"]
    probed, validated, wrong = 0, 0, []
    before = counts()
    for route in pages():
        if route.name in PUBLIC:
            continue
        for label, user in people.items():
            path = page_path(route, user)
            if path is None:
                continue
            client = Client()
            client.force_login(user)
            fields = choice_fields(forms_in(client.get(path)))
            for name, model, many in fields:
                if (route.name, name) in OPEN_FIELDS:
                    continue
                other = demo_bureau if user == second_bureau else second_bureau
                outside = outside_row(model, user, other)
                if outside is None:
                    continue
                there = client.post(path, {name: [outside.pk] if many else outside.pk})
                nowhere = client.post(path, {name: [MISSING] if many else MISSING})
                probed += 1
                validated += any(error[1] == name for error in answer(nowhere, MISSING)[2])
                if answer(there, outside.pk) != answer(nowhere, MISSING):
                    wrong.append(
                        f"{route.name} {name} as {label}: row {outside.pk} "
                        f"{answer(there, outside.pk)} ≠ missing {answer(nowhere, MISSING)}"
                    )
    assert probed > 30
    assert validated > 20
    assert not wrong, "a forged choice answers differently:\n" + "\n".join(wrong)
    assert counts() == before  # nothing written
