"""``{% url %}`` with its answers remembered (a template builtin: settings.TEMPLATES).

Django's tag reverses the name on every render, about 20 µs each: a list of twenty rows
with a link or two per row, plus the navigation's dozen links, spent a millisecond or
more of its page there. The address of a name and its arguments does not change while
the process runs (the same URL configuration and script prefix, both part of the key),
so this tag keeps the last REMEMBERED answers. Parsing, errors and ``as var`` are
Django's own; only names and arguments that are plain numbers and strings are
remembered (anything else is reversed each time, as by Django's tag).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.template import defaulttags
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

REMEMBERED = 8192
PLAIN = (int, str)


@lru_cache(maxsize=REMEMBERED)
def _reverse(
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    current_app: str | None,
    prefix: str,
    urlconf: Any,
) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


class RememberedURLNode(defaulttags.URLNode):
    def render(self, context: Any) -> str:
        from django.urls import NoReverseMatch

        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple(sorted((k, v.resolve(context)) for k, v in self.kwargs.items()))
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        plain = all(isinstance(v, PLAIN) for v in (view_name, *args, *(v for _, v in kwargs)))
        try:
            if plain:
                prefix = get_script_prefix()
                url = _reverse(view_name, args, kwargs, current_app, prefix, get_urlconf())
            else:
                url = reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return str(conditional_escape(url)) if context.autoescape else url


@register.tag
def url(parser: Any, token: Any) -> RememberedURLNode:
    node = defaulttags.url(parser, token)
    node.__class__ = RememberedURLNode
    return node  # type: ignore[return-value]
