"""Views and back-office pages reach rows only through the scope bases (#17).

A page view reads a domain model through ``core.views`` (``in_scope``,
``scoped_get_or_404``, ``public_rows``, the scoped mixins); an API viewset names its
model's rows once, in its class's ``queryset``, which ``core.api``'s bases scope. Any
other ``Model.objects`` in a view module is a read that no declared scope guards: the
row a forged id names, a list that forgot its verb. This test parses every view module
and names each such place; what a view needs beyond the bases belongs in the model's
queryset (a verb, ``with_…``) or the app's services.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from core import views

ROOT = Path(__file__).resolve().parents[2]
BASES = {ROOT / "core" / "views.py", ROOT / "core" / "api.py"}


def view_modules() -> list[Path]:
    found = [
        *ROOT.glob("*/views.py"),
        *ROOT.glob("*/views_*.py"),
        *ROOT.glob("*/api/views.py"),
        *ROOT.glob("*/api/views_*.py"),
    ]
    return sorted(p for p in found if p not in BASES and ".venv" not in p.parts)


def admin_modules() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/admin.py") if p != ROOT / "core" / "admin.py")


def _allowed(tree: ast.Module) -> set[int]:
    """The ``objects`` nodes inside a class body's ``queryset = …`` (scoped by core.api)."""
    ok: set[int] = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for stmt in cls.body:
            targets = (
                stmt.targets
                if isinstance(stmt, ast.Assign)
                else [stmt.target]
                if isinstance(stmt, ast.AnnAssign)
                else []
            )
            if any(isinstance(t, ast.Name) and t.id == "queryset" for t in targets):
                ok.update(id(n) for n in ast.walk(stmt))
    return ok


def unscoped_reads(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = _allowed(tree)
    return [
        f"{path.relative_to(root)}:{node.lineno} {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("objects", "_default_manager", "_base_manager")
        and id(node) not in allowed
    ]


def test_view_modules_are_found() -> None:
    names = {str(p.relative_to(ROOT)) for p in view_modules()}
    # Every kind of view module is among those checked (a rename would empty the check).
    assert {"consultations/views.py", "visits/views_plans.py", "points/api/views.py"} <= names
    assert len(names) >= 30


def test_view_modules_read_rows_only_through_the_scope_bases() -> None:
    found = [line for path in view_modules() for line in unscoped_reads(path)]
    assert found == [], "Model.objects in a view module, outside the scope bases:\n" + "\n".join(
        found
    )


def test_admin_modules_read_rows_only_through_scoped_admin() -> None:
    """A back-office page lists ``list_verb`` of its model and offers ``choice_verbs``
    (core.admin.ScopedAdmin); it names no ``Model.objects`` of its own."""
    modules = admin_modules()
    assert len(modules) >= 10
    found = [line for path in modules for line in unscoped_reads(path)]
    assert found == [], "Model.objects in an admin module:\n" + "\n".join(found)


def test_the_check_finds_an_unscoped_read(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text(
        "class V(Base):\n"
        "    queryset = Case.objects.all()\n"  # allowed: the base scopes it
        "    def get(self, pk):\n"
        "        return Case.objects.get(pk=pk)\n",  # not allowed
        encoding="utf-8",
    )
    assert unscoped_reads(module, tmp_path) == ["views.py:4 Case.objects"]


@pytest.mark.django_db
def test_in_scope_refuses_what_is_not_a_scope_verb() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from regions.models import Community

    for verb in ("all", "filter", "public", "_private", "missing"):
        with pytest.raises(ImproperlyConfigured):
            views.in_scope(Community, None, verb)
    with pytest.raises(ImproperlyConfigured):
        views.public_rows(Community, "visible_to")
    assert list(views.in_scope(Community, None)) == []  # anonymous: no rows
