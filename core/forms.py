"""Form helpers shared by every app's pages: Bootstrap widgets, list filters,
phone fields, and turning a service's ValidationError into form errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters import FilterSet

from core.validators import normalize_phone


class ListedChoiceIterator(ModelChoiceIterator):
    """A model select's choices read by one plain query. Django's own iterator reads
    them with ``QuerySet.iterator()``, which on PostgreSQL is a server-side cursor
    (DECLARE, FETCH, CLOSE: three round trips) for what is a few hundred rows at most."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


_LISTED: dict[type[ModelChoiceIterator], type[ModelChoiceIterator]] = {
    ModelChoiceIterator: ListedChoiceIterator
}


def listed(iterator: type[ModelChoiceIterator]) -> type[ModelChoiceIterator]:
    """The iterator class with its choices read by ``ListedChoiceIterator``: Django's
    becomes it; one that adds choices of its own (django-filter's "null" choice) and
    reads the rest through Django's gets a subclass that reads them through it."""
    if issubclass(iterator, ListedChoiceIterator):
        return iterator
    if iterator not in _LISTED:
        _LISTED[iterator] = type(f"Listed{iterator.__name__}", (iterator, ListedChoiceIterator), {})
    return _LISTED[iterator]


BLANK_DASH = "---------"  # the framework's empty choice
PLEASE_CHOOSE = _("请选择")


def bootstrap(form: forms.BaseForm) -> None:
    """Give every widget its Bootstrap class (templates/includes/form_fields.html renders
    widgets as they are; single check boxes are styled there), and model selects their
    choices by one plain query (``ListedChoiceIterator``). The framework's empty choice
    "---------" reads 请选择."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == BLANK_DASH:
                field.empty_label = PLEASE_CHOOSE
            field.iterator = listed(field.iterator)
            field.widget.choices = field.choices  # type: ignore[attr-defined]
        elif isinstance(field, forms.ChoiceField):
            choices: list[Any] = list(cast(Any, field.choices))
            if any(label == BLANK_DASH for _value, label in choices):
                field.choices = [
                    (value, PLEASE_CHOOSE if label == BLANK_DASH else label)
                    for value, label in choices
                ]
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            continue
        if isinstance(widget, forms.CheckboxSelectMultiple):
            css = "check-list"  # on the wrapper and each box; styled in site.css
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class FastSelect(forms.Select):
    """A select written out directly instead of through a template per option: the
    framework's widget takes about 0.15 ms an option, so a district's 200 communities
    cost 30 ms of every page showing them. Same markup: id, name, attributes, option
    groups, the selected value."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))

        def option(key: Any, label: Any) -> str:
            key = "" if key is None else str(key)
            selected = " selected" if key in chosen else ""
            # Escaped as format_html would, without its per-call formatting (hundreds a page).
            return (
                f'<option value="{conditional_escape(key)}"{selected}>'
                f"{conditional_escape(label)}</option>"
            )

        parts: list[str] = [format_html("<select{}>", flatatt(final))]
        for key, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', key))
                parts.extend(option(k, lbl) for k, lbl in label)
                parts.append("</optgroup>")
            else:
                parts.append(option(key, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped by format_html


class BootstrapFormMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap(self)  # type: ignore[arg-type]


def page_filter(
    filterset_class: type[FilterSet], request: Any, queryset: QuerySet, fields: list[str]
) -> FilterSet:
    """A shared FilterSet (filters.py) for a list page: Bootstrap widgets, Chinese
    "any" choices, and ``page_fields``, the fields the page shows. Invalid values are
    shown with their error and ignored."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    bootstrap(filterset.form)
    for field in filterset.form.fields.values():
        if isinstance(field.widget, forms.NullBooleanSelect):
            field.widget.choices = [("unknown", _("不限")), ("true", _("是")), ("false", _("否"))]
        elif isinstance(field, forms.ModelChoiceField):
            field.empty_label = _("全部")
    filterset.page_fields = [filterset.form[name] for name in fields]
    return filterset


class OptionalPhoneField(forms.CharField):
    """A mobile number typed as people type it (spaces, +86); checked by the model."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("手机号"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "tel"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalize_phone(value) if value else ""


def run_service(form: forms.BaseForm, write: Callable[[], object]) -> bool:
    """Call a service; a ValidationError it raises becomes form errors (False)."""
    try:
        write()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return False
    return True
