from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import ScopedViewSet, crud_schema
from core.scope import get_principal
from regions import services
from regions.api.serializers import (
    CommunitySerializer,
    DistrictSerializer,
    DistrictSettingsSerializer,
    StreetSerializer,
    StudioMemberSerializer,
)
from regions.filters import CommunityFilter, StreetFilter, StudioMemberFilter
from regions.models import Community, District, Street, StudioMember

TAG = "区域"


@crud_schema(
    "区",
    TAG,
    "区（县）是平台的租户。按数据权限返回可见的区；新建仅限超级管理员，修改仅限本区司法局管理员。",
)
class DistrictViewSet(ScopedViewSet):
    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    edit_actions = frozenset({"update", "partial_update", "district_settings"})

    def can_create(self) -> bool:
        return get_principal(self.request.user).is_superuser

    @extend_schema(
        tags=[TAG],
        summary="区参数设置",
        description="查看（GET）或修改（PATCH）区的政策参数，仅限本区司法局管理员。",
        methods=["GET", "PATCH"],
        request=DistrictSettingsSerializer,
        responses=DistrictSettingsSerializer,
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path="settings",
        serializer_class=DistrictSettingsSerializer,
    )
    def district_settings(self, request: Request, pk: Any = None) -> Response:
        instance = services.settings_for(self.get_object())
        if request.method == "GET":
            return Response(self.get_serializer(instance).data)
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


@crud_schema(
    "街道", TAG, "街道及其司法所。按数据权限返回可见的街道；新建与修改仅限本区司法局管理员。"
)
class StreetViewSet(ScopedViewSet):
    queryset = Street.objects.select_related("district")
    serializer_class = StreetSerializer
    filterset_class = StreetFilter
    create_parent = District


@crud_schema(
    "社区",
    TAG,
    "社区（户数、人口是走访覆盖率的基数）。按数据权限返回可见的社区；"
    "区司法局管理员可新建，司法所与社区工作人员可修改本辖区社区。",
)
class CommunityViewSet(ScopedViewSet):
    queryset = Community.objects.select_related("street")
    serializer_class = CommunitySerializer
    filterset_class = CommunityFilter
    create_parent = Street


@crud_schema(
    "尚法工作室成员",
    TAG,
    "社区五位一体尚法工作室成员，可按社区筛选（?community=）；手机号只以脱敏形式返回。",
)
class StudioMemberViewSet(ScopedViewSet):
    queryset = StudioMember.objects.select_related("community")
    serializer_class = StudioMemberSerializer
    filterset_class = StudioMemberFilter
    create_parent = Community
