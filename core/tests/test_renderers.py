"""core.renderers writes selects in Python: the HTML must be Django's, character for
character, for every kind of select the forms use."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.renderers import FormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "请选择"), ("a", "甲"), ("b", "乙 & <丙>")])
    numbers = forms.TypedChoiceField(choices=[(2025, 2025), (2026, "2026 年")], coerce=int)
    grouped = forms.ChoiceField(
        choices=[
            ("上城区", [("1", "清波社区"), ("2", '湖滨"社区"')]),
            ("西湖区", [("3", _("其他社区"))]),
            ("4", "不分组"),
        ]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", mark_safe("<b>Y</b>"))])
    flagged = forms.ChoiceField(
        choices=[("1", "一")],
        widget=forms.Select(attrs={"class": "form-select", "required": True, "hidden": False}),
    )
    other = forms.CharField()  # not a select: left to the templates


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "b", "numbers": "2026", "grouped": "2", "many": ["x", "y"], "flagged": "1"},
        {"plain": "<x>", "grouped": "4", "many": ["y"], "other": "<i>"},
    ],
)
def test_selects_render_exactly_as_django_does(data):
    ours, django = Sample(data, renderer=FormRenderer()), Sample(data, renderer=DjangoTemplates())
    for name in Sample.base_fields:
        assert str(ours[name]) == str(django[name]), name
    assert "&lt;丙&gt;" in str(ours["plain"]) and "<b>Y</b>" in str(ours["many"])


def test_the_project_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "core.renderers.FormRenderer"
    get_default_renderer.cache_clear()  # type: ignore[attr-defined]
    assert isinstance(get_default_renderer(), FormRenderer)


def test_model_selects_render_exactly_as_django_does(db):
    from django.contrib.auth import get_user_model

    from core.testing import make_user

    chosen = make_user("张<三>")
    make_user("李四")

    class Pick(forms.Form):
        user = forms.ModelChoiceField(get_user_model().objects.order_by("pk"))
        users = forms.ModelMultipleChoiceField(get_user_model().objects.order_by("pk"))

    data = {"user": chosen.pk, "users": [chosen.pk]}
    ours, django = Pick(data, renderer=FormRenderer()), Pick(data, renderer=DjangoTemplates())
    for name in ("user", "users"):
        assert str(ours[name]) == str(django[name]), name
    assert f'value="{chosen.pk}" selected' in str(ours["user"])
