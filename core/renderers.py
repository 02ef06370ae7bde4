"""The form renderer: Django's, with selects written in Python.

Django renders a select through its templates, three of them per option (the option and
its attributes, included in a loop). A filter of a district's communities (222 at
province scale) then cost more than the rest of its page: half of the bureau's visit
list, the ask page, the directory. ``render_select`` writes the same HTML, character for
character (core/tests/test_renderers.py compares the two), in a fraction of the time.
Every other widget goes through the templates as before.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """``{{ value }}`` in a template: localized, then escaped unless already safe."""
    value = localize(value)
    if not isinstance(value, str):
        value = str(value)
    return str(conditional_escape(value))


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` (the filter keeps a safe value safe)."""
    text = "%s" % (value,)  # noqa: UP031 - the filter's own formatting
    return str(conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text))  # noqa: S308


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


def render_select(widget: dict[str, Any]) -> str | None:
    """django/forms/widgets/select.html for this widget context, or None when an option
    uses another template (left to the templates)."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION_TEMPLATE:
                return None
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")  # the renderer strips the template's last newline
    return "".join(out)


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            html = render_select(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request)
