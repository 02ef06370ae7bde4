"""The register (云调解数据库): mediation organizations, their mediators, and the
lawyers who take part in mediation. The bureau maintains it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone
from core.models import AuditedModel
from core.validators import validate_phone
from firms.models import Lawyer
from mediation.choices import DisputeCategory, MediatorGrade, OrgKind, OrgLevel
from mediation.querysets import (
    MediationLawyerQuerySet,
    MediatorQuerySet,
    OrganizationQuerySet,
)
from mediation.validators import category_labels, validate_categories
from regions.models import Community, District, Street


class Organization(AuditedModel):
    """A mediation organization of a district: 人民调解委员会 (of the district, a
    street or a community), an administrative body, or a 行业性专业性 committee that
    serves one dispute category (物业, 劳动, 医疗 …)."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=OrgLevel.choices)
    street = models.ForeignKey(
        Street,
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(
        _("专业领域"),
        max_length=12,
        choices=DisputeCategory.choices,
        blank=True,
        help_text=_("行业性专业性调解组织所调解的纠纷类别；综合性组织不填"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_person = models.CharField(_("负责人"), max_length=50, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")
        ordering = ["district_id", "level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="mediation_org_unique_name"),
            models.CheckConstraint(
                name="mediation_org_place_matches_level",
                condition=Q(level=OrgLevel.DISTRICT, street__isnull=True, community__isnull=True)
                | Q(level=OrgLevel.STREET, street__isnull=False, community__isnull=True)
                | Q(level=OrgLevel.COMMUNITY, street__isnull=False, community__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.level == OrgLevel.DISTRICT:
            self.street = self.community = None
        elif self.level == OrgLevel.COMMUNITY and self.community_id:
            self.street_id = (
                Community.objects.filter(pk=self.community_id)
                .values_list("street_id", flat=True)
                .first()
            )
        if self.level == OrgLevel.STREET:
            self.community = None
            if not self.street_id:
                errors["street"] = _("街道级调解组织请选择所在街道")
        if self.level == OrgLevel.COMMUNITY and not self.community_id:
            errors["community"] = _("社区级调解组织请选择所在社区")
        if self.street_id and self.district_id:
            street_district = (
                Street.objects.filter(pk=self.street_id)
                .values_list("district_id", flat=True)
                .first()
            )
            if street_district != self.district_id:
                errors["street"] = _("所选街道或社区不属于该区")
        if self.kind == OrgKind.PROFESSIONAL and not self.category:
            errors["category"] = _("行业性专业性调解组织请选择专业领域")
        if errors:
            raise ValidationError(errors)

    def audit_district_id(self) -> int | None:
        return self.district_id


class Mediator(AuditedModel):
    """A mediator of one organization. With an account (``user``) they sign in and
    work on the cases of their organization."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("调解组织"),
        on_delete=models.PROTECT,
        related_name="mediators",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediator",
    )
    name = models.CharField(_("姓名"), max_length=50)
    grade = models.CharField(
        _("等级"), max_length=10, choices=MediatorGrade.choices, default=MediatorGrade.THIRD
    )
    specialties = models.JSONField(
        _("专长领域"), default=list, blank=True, validators=[validate_categories]
    )
    phone = models.CharField(_("手机号"), max_length=11, validators=[validate_phone])
    is_active = models.BooleanField(_("在任"), default=True)

    objects = MediatorQuerySet.as_manager()
    audit_role_fields = ("user_id", "organization_id", "is_active")
    audit_masked_fields = ("phone",)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["organization_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "phone"], name="mediation_mediator_unique_phone"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def specialty_labels(self) -> str:
        return category_labels(self.specialties)

    def audit_district_id(self) -> int | None:
        return (
            Organization.objects.filter(pk=self.organization_id)
            .values_list("district_id", flat=True)
            .first()
        )


class MediationLawyer(AuditedModel):
    """A lawyer registered to take part in mediation in a district, optionally attached
    to an organization, with the dispute categories they take."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    lawyer = models.ForeignKey(
        Lawyer, verbose_name=_("律师"), on_delete=models.PROTECT, related_name="mediation_roles"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所在调解组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lawyers",
    )
    specialties = models.JSONField(
        _("擅长的纠纷类别"), default=list, blank=True, validators=[validate_categories]
    )
    is_active = models.BooleanField(_("在册"), default=True)

    objects = MediationLawyerQuerySet.as_manager()

    class Meta:
        verbose_name = _("参与调解的律师")
        verbose_name_plural = _("参与调解的律师")
        ordering = ["district_id", "lawyer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "lawyer"], name="mediation_lawyer_once_per_district"
            ),
        ]

    def __str__(self) -> str:
        return str(self.lawyer)

    @property
    def specialty_labels(self) -> str:
        return category_labels(self.specialties)

    def clean(self) -> None:
        super().clean()
        if self.lawyer_id and self.district_id:
            firm_district = (
                Lawyer.objects.filter(pk=self.lawyer_id)
                .values_list("firm__district_id", flat=True)
                .first()
            )
            if firm_district != self.district_id:
                raise ValidationError({"lawyer": _("该律师不属于本区律所")})
        if self.organization_id and self.district_id:
            org_district = (
                Organization.objects.filter(pk=self.organization_id)
                .values_list("district_id", flat=True)
                .first()
            )
            if org_district != self.district_id:
                raise ValidationError({"organization": _("调解组织不属于本区")})

    def audit_district_id(self) -> int | None:
        return self.district_id
