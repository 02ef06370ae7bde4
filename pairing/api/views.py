from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Serializer

from core.api import ScopedReadViewSet, crud_schema
from pairing import overview, services
from pairing.api.serializers import (
    CommunityCardSerializer,
    EndSerializer,
    HonoraryPostCreateSerializer,
    HonoraryPostSerializer,
    LiaisonCreateSerializer,
    LiaisonSerializer,
    PairingCreateSerializer,
    PairingEndSerializer,
    PairingSerializer,
)
from pairing.filters import HonoraryPostFilter, LiaisonFilter, PairingFilter
from pairing.models import HonoraryPost, Liaison, Pairing
from pairing.querysets import PAIRING_MAKERS
from pairing.views import card_url
from regions.models import Community

TAG = "结对"


class _ServiceViewSet(ScopedReadViewSet):
    """Read rows in scope; the bureau creates and ends them through the services.
    ``end`` starts from ``editable_by``: a row the user may only read answers 404."""

    create_serializer_class: type[Serializer]
    end_serializer_class: type[Serializer] = EndSerializer
    edit_actions = frozenset({"end"})

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "create":
            return self.create_serializer_class
        if self.action == "end":
            return self.end_serializer_class
        return super().get_serializer_class()

    def _read(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        joined: Any = self.queryset
        obj = joined.get(pk=obj.pk)  # fresh, with the joins
        read = super().get_serializer_class()  # the viewset's serializer_class
        return Response(read(obj, context=self.get_serializer_context()).data, code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not PAIRING_MAKERS.holds(request.user):
            raise PermissionDenied
        return self._read(
            self.create_row(self.validated(self.get_serializer_class())), status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        return self._read(self.end_row(obj, self.validated(self.get_serializer_class())))

    def create_row(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def end_row(self, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError


def _schema(noun: str, create: type[Serializer], read: type[Serializer], end: type[Serializer]):
    def decorate(viewset: Any) -> Any:
        viewset = crud_schema(noun, TAG, f"{noun}（按数据权限返回可见记录）。", read_only=True)(
            viewset
        )
        viewset.create = extend_schema(
            tags=[TAG], summary=f"新建{noun}（区司法局）", request=create, responses={201: read}
        )(viewset.create)
        viewset.end = extend_schema(
            tags=[TAG], summary=f"结束{noun}（区司法局）", request=end, responses={200: read}
        )(viewset.end)
        return viewset

    return decorate


@_schema("社区结对", PairingCreateSerializer, PairingSerializer, PairingEndSerializer)
class PairingViewSet(_ServiceViewSet):
    queryset = Pairing.objects.select_related("community", "firm").prefetch_related(
        Prefetch("liaisons", queryset=Liaison.objects.select_related("lawyer"))
    )
    serializer_class = PairingSerializer
    create_serializer_class = PairingCreateSerializer
    end_serializer_class = PairingEndSerializer
    filterset_class = PairingFilter

    def create_row(self, data: dict[str, Any]) -> Pairing:
        return services.pair_community(actor=self.request.user, **data)

    def end_row(self, obj: Pairing, data: dict[str, Any]) -> Pairing:
        return services.end_pairing(
            actor=self.request.user,
            pairing=obj,
            end_date=data["end_date"],
            reason=data["end_reason"],
        )


@_schema("联络员", LiaisonCreateSerializer, LiaisonSerializer, EndSerializer)
class LiaisonViewSet(_ServiceViewSet):
    queryset = Liaison.objects.select_related("pairing", "lawyer")
    serializer_class = LiaisonSerializer
    create_serializer_class = LiaisonCreateSerializer
    filterset_class = LiaisonFilter

    def create_row(self, data: dict[str, Any]) -> Liaison:
        return services.appoint_liaison(actor=self.request.user, **data)

    def end_row(self, obj: Liaison, data: dict[str, Any]) -> Liaison:
        return services.end_liaison(actor=self.request.user, liaison=obj, **data)


@_schema("名誉职务", HonoraryPostCreateSerializer, HonoraryPostSerializer, EndSerializer)
class HonoraryPostViewSet(_ServiceViewSet):
    queryset = HonoraryPost.objects.select_related("lawyer__firm")
    serializer_class = HonoraryPostSerializer
    create_serializer_class = HonoraryPostCreateSerializer
    filterset_class = HonoraryPostFilter

    def create_row(self, data: dict[str, Any]) -> HonoraryPost:
        return services.appoint_honorary_post(actor=self.request.user, **data)

    def end_row(self, obj: HonoraryPost, data: dict[str, Any]) -> HonoraryPost:
        return services.end_post(actor=self.request.user, post=obj, **data)


@extend_schema(
    tags=[TAG],
    summary="社区“身边的法律顾问”卡（公开）",
    description="社区的专属律所、联络员、名誉职务、下次固定服务日和卡片地址（二维码内容），无需登录。",
)
class CommunityCardViewSet(viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = CommunityCardSerializer
    lookup_url_kwarg = "community_id"
    queryset = Community.objects.public().select_related("street__district")

    def retrieve(self, request: Request, community_id: Any = None) -> Response:
        community = self.get_object()
        context = {**self.get_serializer_context(), "card_url": card_url(request, community.pk)}
        card = overview.community_card(community)
        return Response(CommunityCardSerializer(card, context=context).data)
