"""Building blocks for the domain apps' endpoints: scope applied once, writes through
services, foreign keys checked against what the user may edit, Chinese schema texts.

This module depends only on DRF, drf-spectacular and ``core``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.paging import CURSOR_PARAM, PAGE_SIZE, keyset_page
from core.services import save_instance

V = TypeVar("V", bound=type)

# Actions that change a row: they start from ``editable_by``, so a row the user may
# see but not change answers 404 like one that does not exist.
EDIT_ACTIONS = frozenset({"update", "partial_update"})


class ScopedMixin:
    """Scope applied once, per action: the viewset's ``queryset`` (with the joins its
    serializer needs) narrowed by the queryset verb ``action_scopes`` names for the
    action; by default ``editable_by`` for ``edit_actions`` (a row the user may see but
    not change answers 404 like one that does not exist) and ``visible_to`` for the
    rest. Viewsets declare this; they do not write ``get_queryset``."""

    edit_actions: frozenset[str] = EDIT_ACTIONS
    action_scopes: dict[str, str] = {}  # action → queryset verb (reviewable_by …)

    def scope_verb(self) -> str:
        action = getattr(self, "action", None)
        if action in self.action_scopes:
            return self.action_scopes[action]
        return "editable_by" if action in self.edit_actions else "visible_to"

    def get_queryset(self) -> models.QuerySet:
        qs: Any = super().get_queryset()  # type: ignore[misc]
        request: Any = getattr(self, "request", None)
        return getattr(qs, self.scope_verb())(request.user)

    def validated(self, serializer_class: Any) -> dict[str, Any]:
        """The request's data through ``serializer_class`` (400 with its messages)."""
        context = self.get_serializer_context()  # type: ignore[attr-defined]
        serializer = serializer_class(data=self.request.data, context=context)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class ScopedReadViewSet(
    ScopedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and read rows in the user's scope; further actions (``@action``) start
    from the verb ``action_scopes`` names for them."""

    edit_actions: frozenset[str] = frozenset()


class ScopedViewSet(
    ScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, read, create and change rows in the user's scope. Nothing is deleted
    (rows are deactivated with ``is_active``), so DELETE answers 405.

    ``create_parent`` is the model a new row hangs from (a street for a community):
    users who may edit no such row get 403 on create, and the serializer checks the
    chosen parent against the same scope.
    """

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    create_parent: type[models.Model] | None = None

    def can_create(self) -> bool:
        if self.create_parent is None:
            return False
        manager: Any = self.create_parent._default_manager
        return manager.editable_by(self.request.user).exists()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not self.can_create():
            raise PermissionDenied
        return super().create(request, *args, **kwargs)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key by id, limited to the rows of ``model`` in the user's scope
    (``editable_by`` by default, or ``visible_to``). An id outside the scope is
    rejected like an unknown one; keeping the current value is always allowed."""

    default_error_messages = {
        "out_of_scope": _("所选{label}不存在或不在您的管理范围内"),
        "incorrect_type": _("应为编号（整数），收到的是 {data_type}"),
    }

    def __init__(self, *, model: type[models.Model], scope: str = "editable_by", **kwargs: Any):
        self.model = model
        self.scope = scope
        super().__init__(**kwargs)
        if not self.read_only:
            # Only for the schema (the id type); get_queryset() decides the rows.
            self.queryset = model._default_manager.none()

    def bind(self, field_name: str, parent: Any) -> None:
        if self.label is None:
            # The foreign key's own name ("律所"), else the related model's.
            try:
                field = parent.Meta.model._meta.get_field(self.source or field_name)
                self.label = field.verbose_name
            except (AttributeError, FieldDoesNotExist):
                self.label = self.model._meta.verbose_name
        super().bind(field_name, parent)

    def get_queryset(self) -> models.QuerySet:
        request = self.context.get("request")
        manager: Any = self.model._default_manager
        return getattr(manager, self.scope)(getattr(request, "user", None))

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        instance = getattr(self.parent, "instance", None)
        current = getattr(instance, str(self.source), None) if instance is not None else None
        if current is not None and str(current.pk) == str(data).strip():
            return current
        try:
            return self.get_queryset().get(pk=data)
        except (ObjectDoesNotExist, ValueError, TypeError):
            self.fail("out_of_scope", label=self.model._meta.verbose_name)


class ServiceModelSerializer(serializers.ModelSerializer):
    """Writes through ``core.services.save_instance`` (validated, scope-checked,
    audited) instead of ``.save()``; apps with their own services override
    ``create`` / ``update`` to call them."""

    @property
    def actor(self) -> Any:
        return self.context["request"].user

    def get_validators(self) -> list[Any]:
        # Uniqueness across fields is checked by the model's full_clean, whose message
        # names the fields by their Chinese labels (DRF's names them by attribute).
        return []

    def create(self, validated_data: dict[str, Any]) -> Any:
        model: Any = self.Meta.model
        return save_instance(actor=self.actor, instance=model(**validated_data))

    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return save_instance(actor=self.actor, instance=instance, fields=list(validated_data))


def crud_schema(noun: str, tag: str, description: str, *, read_only: bool = False) -> Callable:
    """Chinese tag, summaries and description for a viewset's standard actions."""
    summaries = {"list": f"{noun}列表", "retrieve": f"{noun}详情"}
    if not read_only:
        summaries |= {
            "create": f"新建{noun}",
            "update": f"修改{noun}",
            "partial_update": f"修改{noun}（部分字段）",
        }

    def decorate(viewset: V) -> V:
        viewset = extend_schema(tags=[tag])(viewset)
        return extend_schema_view(
            **{
                action: extend_schema(summary=summary, description=description)
                for action, summary in summaries.items()
                if hasattr(viewset, action)  # only the actions the viewset offers
            }
        )(viewset)

    return decorate


class KeysetPagination(BasePagination):
    """Growing lists (questions, visits, cases, ledger entries): ``{"next", "results"}``,
    newest first; follow ``next`` (its ``after`` parameter) for earlier rows. Nothing is
    counted and no page is skipped over: each page costs the same (core.paging). The view
    names its sort in ``keyset_order``, ending with the id."""

    page_size = PAGE_SIZE
    max_page_size = 100

    def paginate_queryset(
        self, queryset: models.QuerySet, request: Request, view: Any = None
    ) -> list[Any]:
        order = getattr(view, "keyset_order", ("-id",))
        self.request = request
        self.page = keyset_page(
            queryset, request.query_params.get(CURSOR_PARAM), order=order, size=self._size()
        )
        return list(self.page)

    def _size(self) -> int:
        raw = self.request.query_params.get("page_size", "")
        size = int(raw) if raw.isdigit() else 0
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def next_link(self) -> str | None:
        if not self.page.has_next:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, CURSOR_PARAM, self.page.next_cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "更早一页的地址；已到最早的记录时为 null",
                    "example": f"http://api.example.org/accounts/?{CURSOR_PARAM}=2026-11-03_1234",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": "从哪一条之后取（照抄上一页 next 中的值；不填为最新一页）",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"每页条数（默认 {self.page_size}，最多 {self.max_page_size}）",
                "schema": {"type": "integer"},
            },
        ]
