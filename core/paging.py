"""Keyset pages for lists that grow without end (visits, logs, ledgers): "更多" instead of
page numbers.

A numbered page costs a COUNT over every row the viewer may see, and page n makes the
database sort and skip n × size rows; both grow with the table. A keyset page asks for
the rows after the last one shown, by the list's own sort keys, so an index on those keys
serves the first page and the thousandth alike, and nothing is counted.

    page = keyset_page(qs, request.GET.get(CURSOR_PARAM), order=("-date", "-id"))

The page iterates like a Paginator's page, so list templates keep ``{% for row in
page_obj %}``, and ``core/includes/pagination.html`` shows "更多" for it. The cursor is
the last row's keys in plain text (``2026-11-03_1234``); one that does not parse (an edited
address) gives the first page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Model, Q, QuerySet

CURSOR_PARAM = "after"
PAGE_SIZE = 20
SEPARATOR = "_"
MORE_EARLIER = "更多（更早的记录）"  # the label of a list newest first


@dataclass
class _Rows:
    """A page iterates, counts and tests true like a Paginator's page."""

    object_list: list[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return bool(self.object_list)


@dataclass
class KeysetPage(_Rows):
    next_cursor: str = ""  # empty: this is the last page
    is_first: bool = True
    more_label: str = MORE_EARLIER  # a queue, most urgent first, says "更多"
    keyset: bool = field(default=True, init=False)  # templates tell it from a numbered page

    @property
    def has_next(self) -> bool:
        return bool(self.next_cursor)


def _key_fields(model: type[Model], order: Sequence[str]) -> list[tuple[str, bool, Field]]:
    """(name, descending, field) per sort key; keys are the model's own non-null columns."""
    keys = []
    for key in order:
        name = key.lstrip("-")
        if name == "pk":
            name = model._meta.pk.name  # type: ignore[union-attr]
        try:
            f = model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ValueError(f"keyset key {key!r} is not a column of {model.__name__}") from exc
        if not isinstance(f, Field) or f.null:
            raise ValueError(f"keyset key {key!r} must be a non-null column")
        keys.append((f.attname, key.startswith("-"), f))
    if not keys or not keys[-1][2].unique:
        raise ValueError("the last keyset key must be unique (the id), or rows are lost")
    return keys


def encode_cursor(row: Any, keys: list[tuple[str, bool, Field]]) -> str:
    values = [getattr(row, attname) for attname, _, _ in keys]
    return SEPARATOR.join(v.isoformat() if hasattr(v, "isoformat") else str(v) for v in values)


def decode_cursor(text: str, keys: list[tuple[str, bool, Field]]) -> list[Any] | None:
    """The cursor's values, or None when it does not parse."""
    parts = text.split(SEPARATOR)
    if not text or len(parts) != len(keys):
        return None
    values = []
    for part, (_, _, f) in zip(parts, keys, strict=True):
        try:
            value = f.to_python(part)
        except (ValidationError, ValueError, TypeError):
            return None
        if value is None:
            return None
        values.append(value)
    return values


def after(keys: list[tuple[str, bool, Field]], values: list[Any]) -> Q:
    """Rows after the given keys in the list's order: a leading range on the first key (an
    index serves it) and, for ties, the next keys in turn."""
    first, descending, _ = keys[0]
    condition = Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]})
    later = Q()
    for i, (attname, desc, _) in enumerate(keys):
        step = Q(**{f"{attname}__{'lt' if desc else 'gt'}": values[i]})
        for earlier, value in zip(keys[:i], values[:i], strict=False):
            step &= Q(**{earlier[0]: value})
        later = step if i == 0 else later | step
    return condition & later


def keyset_page(
    qs: QuerySet[Any],
    cursor: str | None,
    *,
    order: Sequence[str],
    size: int = PAGE_SIZE,
    more_label: str = MORE_EARLIER,
) -> KeysetPage:
    """The ``size`` rows after ``cursor`` in ``order`` (the first ones without a cursor)."""
    keys = _key_fields(qs.model, order)
    values = decode_cursor(cursor or "", keys)
    ordered = qs.order_by(*order)
    if values is not None:
        ordered = ordered.filter(after(keys, values))
    rows = list(ordered[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        object_list=rows,
        next_cursor=encode_cursor(rows[-1], keys) if more else "",
        is_first=values is None,
        more_label=more_label,
    )


# How deep an uncounted page may go: page n skips (n - 1) × size rows of a ranking.
MAX_OFFSET_PAGE = 50


@dataclass
class OffsetPage(_Rows):
    """A numbered page of a list that has no keys to continue from (search results in
    order of relevance), read without counting: the rows of page ``number`` and one
    more, which says whether a next page exists."""

    number: int = 1
    has_next: bool = False
    uncounted: bool = field(default=True, init=False)  # templates tell it from the others

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def offset_page(qs: QuerySet[Any], number: str | None, *, size: int = PAGE_SIZE) -> OffsetPage:
    """Page ``number`` (1 for anything that is not a page number, MAX_OFFSET_PAGE at
    most) of an ordered queryset: ``size + 1`` rows read, nothing counted."""
    try:
        page = min(max(int(number or 1), 1), MAX_OFFSET_PAGE)
    except ValueError:
        page = 1
    start = (page - 1) * size
    rows = list(qs[start : start + size + 1])
    return OffsetPage(
        object_list=rows[:size], number=page, has_next=len(rows) > size and page < MAX_OFFSET_PAGE
    )
