"""Workspace panels: apps add what a role has to do to that role's workspace card.

An app registers in its AppConfig.ready():

    register_panel(Role.LAWYER, "visits/panels/lawyer.html", lawyer_panel_context, order=20)

``context(request, binding)`` returns the template's context (or None to hide the
panel). The workspace page renders each registered panel under the role's card, so
core never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.scope import RoleBinding


@dataclass(frozen=True)
class Panel:
    role: str
    template: str
    context: Callable[[Any, RoleBinding], dict[str, Any] | None]
    order: int = 50


_panels: list[Panel] = []


def register_panel(
    role: str,
    template: str,
    context: Callable[[Any, RoleBinding], dict[str, Any] | None],
    order: int = 50,
) -> None:
    panel = Panel(str(role), template, context, order)
    if panel not in _panels:
        _panels.append(panel)


def panels_for(request: Any, binding: RoleBinding) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel for this binding, in order."""
    result = []
    for panel in sorted(_panels, key=lambda p: p.order):
        if panel.role != binding.role:
            continue
        context = panel.context(request, binding)
        if context is not None:
            result.append((panel.template, {**context, "binding": binding}))
    return result
