from __future__ import annotations

from core.api import ScopedReadViewSet, ScopedViewSet, crud_schema
from firms.api.serializers import LawFirmSerializer, LawyerSerializer, SpecialtySerializer
from firms.filters import LawFirmFilter, LawyerFilter, SpecialtyFilter
from firms.models import LawFirm, Lawyer, Specialty
from regions.models import District

TAG = "律所与律师"


@crud_schema("专业领域", TAG, "律师专业领域的统一目录（只读）。", read_only=True)
class SpecialtyViewSet(ScopedReadViewSet):
    queryset = Specialty.objects.all()
    serializer_class = SpecialtySerializer
    filterset_class = SpecialtyFilter


@crud_schema(
    "律所",
    TAG,
    "律师事务所。按数据权限返回可见的律所；区司法局管理员可新建和修改本区律所，律所管理员可修改本所信息。",
)
class LawFirmViewSet(ScopedViewSet):
    queryset = LawFirm.objects.select_related("district", "street")
    serializer_class = LawFirmSerializer
    filterset_class = LawFirmFilter
    create_parent = District


@crud_schema(
    "律师",
    TAG,
    "律师。执业年限由执业起始日期计算；手机号只以脱敏形式返回，专业领域以名称表示。"
    "区司法局管理员和律所管理员可新建、修改本所律师，律师本人可修改自己的信息。",
)
class LawyerViewSet(ScopedViewSet):
    queryset = Lawyer.objects.select_related("firm").prefetch_related("specialties")
    serializer_class = LawyerSerializer
    filterset_class = LawyerFilter
    create_parent = LawFirm
