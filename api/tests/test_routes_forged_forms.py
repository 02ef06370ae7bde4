"""Forged foreign keys in page forms (#17): every page, opened by each of eight personas
(on a row the persona may change, for a page about one row), is searched for forms
with a choice of rows (ModelChoiceField); each such field is posted back with a row
outside the persona's scope (the second district's, or another firm's) and with an id
that does not exist. Both must answer alike (the same status, the same redirect, the
same form errors) and nothing may be written. A new page or form joins by itself."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.db.models import Min
from django.test import Client

from api.tests.test_routes_anonymous import PUBLIC, counts
from api.tests.test_routes_outside import MISSING, NOT_ROWS, OPEN_ROWS, PAGE_ROWS, personas
from core.testing import Route, routes

pytestmark = pytest.mark.django_db

# Rows probed per page about one row: one per state, at most this many.
STATES = 6
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


def page_paths(route: Route, user: Any) -> list[str]:
    """The page's addresses for this user: for a page about one row, a row the user
    may change (else see), one per state where the row has states (a case's forms
    differ from state to state)."""
    if route.name not in PAGE_ROWS:
        return [route.path]
    arg, label = PAGE_ROWS[route.name]
    from django.apps import apps

    model = apps.get_model(label)
    manager: Any = model._default_manager
    rows = manager.editable_by(user)
    if not rows.exists():
        rows = manager.visible_to(user)
    if not any(f.name == "status" for f in model._meta.get_fields()):
        first = rows.order_by("pk").first()
        return [] if first is None else [route.with_args(**{arg: first.pk})]
    per_state = rows.order_by().values("status").annotate(first=Min("pk")).order_by("status")
    return [route.with_args(**{arg: row["first"]}) for row in per_state[:STATES]]


def forms_in(response: Any) -> list[forms.BaseForm]:
    """The forms a page rendered (in its context, or in a dict or list there)."""
    if response.context is None:
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


class _PostForms(HTMLParser):
    """The page's POST forms: for each field name, the addresses its forms post to."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.action: str | None = None
        self.targets: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            post = (a.get("method") or "").lower() == "post"
            self.action = (a.get("action") or self.page) if post else None
        elif tag in ("select", "input", "textarea") and self.action and a.get("name"):
            self.targets.setdefault(str(a["name"]), []).append(self.action)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.action = None


def post_targets(response: Any, page: str) -> dict[str, list[str]]:
    parser = _PostForms(page)
    parser.feed(response.content.decode())
    return {name: sorted(set(actions)) for name, actions in parser.targets.items()}


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


def probe_page(client: Client, route: Route, path: str, user: Any, other: Any) -> list[str]:
    """Post each choice of the page's forms with the other district's row and with a
    missing id; the differences found (one line each), and the number of probes."""
    page = client.get(path)
    html = page.status_code == 200 and page["Content-Type"].startswith("text/html")
    targets = post_targets(page, path) if html else {}
    lines: list[str] = []
    for name, model, many in choice_fields(forms_in(page)):
        if (route.name, name) in OPEN_FIELDS:
            continue
        outside = outside_row(model, user, other)
        if outside is None:
            continue
        # Where the page's forms post the field (a case's actions post to the action's
        # address), else the page itself.
        for target in targets.get(name) or [path]:
            there = client.post(target, {name: [outside.pk] if many else outside.pk})
            nowhere = client.post(target, {name: [MISSING] if many else MISSING})
            reached = any(e[1] == name for e in answer(nowhere, MISSING)[2])
            same = answer(there, outside.pk) == answer(nowhere, MISSING)
            lines.append(
                f"{'ok' if same else 'DIFFERS'} {'validated' if reached else '-'} {target} "
                f"{name}: row {outside.pk} {answer(there, outside.pk)} ≠ missing "
                f"{answer(nowhere, MISSING)}"
            )
    return lines


def test_a_forged_choice_in_a_page_form_answers_as_a_missing_one(db):
    from regions.demo import seed_demo

    seed_demo()
    people = personas()
    demo_bureau, second_bureau = people["bureau"], people["other district's bureau"]
    before = counts()
    results: list[str] = []
    for route in pages():
        if route.name in PUBLIC:
            continue
        for label, user in people.items():
            client = Client()
            client.force_login(user)
            other = demo_bureau if user == second_bureau else second_bureau
            for path in page_paths(route, user):
                results += [
                    f"{line} as {label}" for line in probe_page(client, route, path, user, other)
                ]
    wrong = [line for line in results if line.startswith("DIFFERS")]
    assert len(results) > 80  # choices were found and probed
    assert sum(" validated " in line for line in results) > 70  # most reached validation
    assert not wrong, "a forged choice answers differently:\n" + "\n".join(wrong)
    assert counts() == before  # nothing written
