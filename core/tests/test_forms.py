"""FastSelect: the same select as the framework's, written out without a template per
option (a district's communities made the framework's widget cost 30 ms a page)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.forms import BootstrapFormMixin, FastSelect, ListedChoiceIterator, bootstrap, listed
from regions.models import Community

CHOICES = [
    ("", "请选择"),
    ("清波街道", [(1, "清波社区"), (2, "柳翠井巷<社区>")]),
    (3, "东坡路社区"),
]


def options(html: str) -> list[tuple[str, bool, str]]:
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html
        )
    ]


def test_same_options_as_the_frameworks_select():
    ours = FastSelect(choices=CHOICES).render("community", 2, {"id": "id_community"})
    theirs = forms.Select(choices=CHOICES).render("community", 2, {"id": "id_community"})
    assert options(ours) == options(theirs)
    assert ("2", True, "柳翠井巷&lt;社区&gt;") in options(ours)
    assert ours.count("<optgroup") == 1 and 'label="清波街道"' in ours
    assert re.search(r'<select[^>]* name="community"', ours)
    assert re.search(r'<select[^>]* id="id_community"', ours)


def test_nothing_chosen_selects_the_empty_option():
    html = FastSelect(choices=CHOICES).render("community", None)
    assert options(html)[0] == ("", True, "请选择")
    assert sum(selected for _v, selected, _l in options(html)) == 1


def test_attributes_are_escaped_and_booleans_written_bare():
    html = FastSelect(choices=CHOICES, attrs={"class": 'a"b', "required": True}).render(
        "x", 3, {"hx-get": "/o/?a=1&b=2", "disabled": False}
    )
    assert 'class="a&quot;b"' in html and " required" in html and "disabled" not in html
    assert 'hx-get="/o/?a=1&amp;b=2"' in html


# --- model selects read their choices by one plain query ------------------------------------


class CommunityForm(BootstrapFormMixin, forms.Form):
    community = forms.ModelChoiceField(queryset=Community.objects.order_by("pk"))
    communities = forms.ModelMultipleChoiceField(
        queryset=Community.objects.order_by("pk"), required=False
    )


class CommunityFilter(django_filters.FilterSet):
    community = django_filters.ModelChoiceFilter(
        queryset=Community.objects.order_by("pk"), null_label="未填社区"
    )

    class Meta:
        model = Community
        fields = ["community"]


def test_model_selects_read_their_choices_by_one_plain_query(world):
    """Django reads a model select's choices through QuerySet.iterator(): a server-side
    cursor on PostgreSQL (DECLARE, then FETCH and CLOSE, three round trips)."""
    expected = [(str(c.pk), False, c.name) for c in Community.objects.order_by("pk")]
    form = CommunityForm()
    assert form.fields["community"].iterator is ListedChoiceIterator  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as queries:
        html = str(form["community"]) + str(form["communities"])
    assert [q["sql"].split()[0] for q in queries] == ["SELECT", "SELECT"]
    assert not any("DECLARE" in q["sql"] for q in queries)
    assert options(html) == [("", True, "请选择"), *expected, *expected]  # not "---------"
    # The same choices, and the same validation, as the framework's own.
    bound = CommunityForm({"community": world.community_a1.pk})
    assert bound.is_valid() and bound.cleaned_data["community"] == world.community_a1
    assert not CommunityForm({"community": 999999}).is_valid()


def test_filter_selects_keep_their_own_choices(world):
    """django-filter's iterator adds a "null" choice and reads the rest through
    Django's: the listed subclass keeps the choice and reads the rest by one query."""
    filterset = CommunityFilter(queryset=Community.objects.all())
    bootstrap(filterset.form)
    field = filterset.form.fields["community"]
    assert issubclass(field.iterator, ListedChoiceIterator)  # type: ignore[attr-defined]
    assert listed(field.iterator) is field.iterator  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as queries:
        html = str(filterset.form["community"])
    assert not any("DECLARE" in q["sql"] for q in queries) and len(queries) == 1
    names = [label for _value, _selected, label in options(html)]
    assert names[:2] == ["请选择", "未填社区"]
    assert names[2:] == [c.name for c in Community.objects.order_by("pk")]


def test_a_blank_choice_reads_please_choose(db):
    class KindForm(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "甲"), ("b", "乙")])

    form = KindForm()
    bootstrap(form)
    html = str(form["kind"])
    assert "请选择" in html and "---------" not in html and "甲" in html
