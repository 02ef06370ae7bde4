"""``{% url %}`` remembers its answers (core/templatetags/urls.py): the same addresses
as Django's tag, the same errors, and a new answer when the script prefix changes."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, engines
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix
from django.utils.functional import lazy

from core.templatetags.urls import RememberedURLNode, _reverse

SOURCE = (
    "{% url 'consultations:question_detail' pk %}|{% url 'consultations:ask' %}|"
    "{% url 'consultations:question_detail' pk=pk %}|"
    "{% url 'consultations:ask' as ask %}[{{ ask }}]|{% url 'nowhere' as none %}[{{ none }}]"
)


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_same_addresses_as_djangos_tag():
    plain = Engine(builtins=[])  # Django's own tag only
    for pk in (1, 2, "3", 12345):
        expected = plain.from_string(SOURCE).render(Context({"pk": pk}))
        assert _render(SOURCE, pk=pk) == expected
        assert expected.startswith(reverse("consultations:question_detail", args=[pk]))
    assert _render(SOURCE, pk=7) == _render(SOURCE, pk=7)  # remembered: the same again


def test_the_tag_is_the_remembering_one_and_remembers():
    template = engines["django"].from_string("{% url 'consultations:ask' %}")
    nodes = template.template.nodelist  # type: ignore[attr-defined]
    assert isinstance(nodes[0], RememberedURLNode)
    before = _reverse.cache_info().hits
    template.render({})
    template.render({})
    assert _reverse.cache_info().hits >= before + 1


def test_errors_are_djangos():
    with pytest.raises(NoReverseMatch):
        _render("{% url 'nowhere' %}")
    with pytest.raises(NoReverseMatch):
        _render("{% url 'consultations:question_detail' pk %}", pk="not-a-number")


def test_a_new_script_prefix_gives_new_addresses():
    assert _render("{% url 'consultations:ask' %}") == "/consultations/ask/"
    set_script_prefix("/shangfa/")
    try:
        assert _render("{% url 'consultations:ask' %}") == "/shangfa/consultations/ask/"
    finally:
        clear_script_prefix()
    assert _render("{% url 'consultations:ask' %}") == "/consultations/ask/"


def test_other_arguments_are_reversed_each_time():
    number = lazy(lambda: "42", str)()
    assert _render("{% url 'consultations:question_detail' pk %}", pk=number) == (
        "/consultations/questions/42/"
    )
    escaped = _render("{% url 'consultations:knowledge_entry' pk %}?q=<b>", pk=5)
    assert escaped == "/consultations/knowledge/5/?q=<b>"
