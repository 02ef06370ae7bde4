"""The region tree: district (the tenant, with its settings) → street (with its 司法所)
→ community; the staff bound to each level; residents' home community."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from core.masking import mask_phone
from core.models import AuditedModel
from core.validators import validate_phone
from regions.querysets import (
    CommunityChildQuerySet,
    CommunityQuerySet,
    DistrictQuerySet,
    DistrictSettingsQuerySet,
    RegionRoleQuerySet,
    ResidentProfileQuerySet,
    StreetQuerySet,
)

division_code = RegexValidator(r"^\d{6,12}$", _("区划代码应为 6–12 位数字"))


class District(AuditedModel):
    """A district (区/县): the tenant. Everything below belongs to exactly one."""

    name = models.CharField(_("名称"), max_length=50)
    code = models.CharField(
        _("行政区划代码"), max_length=12, unique=True, validators=[division_code]
    )
    city = models.CharField(_("所属市"), max_length=50, blank=True)
    province = models.CharField(_("所属省"), max_length=50, blank=True)
    bureau_name = models.CharField(_("司法局名称"), max_length=100, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("区（县）")
        verbose_name_plural = _("区（县）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def audit_district_id(self) -> int | None:
        return self.pk


# 杭上司〔2020〕19号: each community has 1–2 liaison lawyers. The ceiling of the district
# setting below, and the number of liaison slots (pairing.Liaison.slot) the database keeps.
MAX_LIAISONS = 2


class DistrictSettings(AuditedModel):
    """The policy's numbers, per district (杭上司〔2020〕19号 gives the defaults)."""

    district = models.OneToOneField(
        District, verbose_name=_("区"), on_delete=models.CASCADE, related_name="settings"
    )
    reply_deadline_hours = models.PositiveSmallIntegerField(
        _("咨询答复时限（小时）"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    duty_lawyers_per_day = models.PositiveSmallIntegerField(
        _("每日值班律师人数"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    duty_min_practice_years = models.PositiveSmallIntegerField(
        _("值班律师最低执业年限（年）"), default=5, validators=[MaxValueValidator(40)]
    )
    liaison_subsidy_yuan = models.DecimalField(
        _("联络员工作补贴（元/所/年）"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("4000.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    service_day_of_month = models.PositiveSmallIntegerField(
        _("每月固定服务日（日）"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    max_liaisons_per_community = models.PositiveSmallIntegerField(
        _("每个社区联络员上限"),
        default=MAX_LIAISONS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LIAISONS)],
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("月报提交截止日（每月几日）"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    mediation_deadline_days = models.PositiveSmallIntegerField(
        _("调解办理期限（天）"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    objects = DistrictSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("区参数设置")
        verbose_name_plural = _("区参数设置")

    def __str__(self) -> str:
        return f"{self.district}参数设置"

    @property
    def liaison_limit(self) -> int:
        """Liaisons a community of the district may have at once: the district's
        setting, never above the policy's ceiling (a value saved past the form)."""
        return max(1, min(MAX_LIAISONS, self.max_liaisons_per_community))

    @property
    def liaison_range(self) -> str:
        """The number of liaisons per community as residents read it: "1–2" or "1"."""
        return "1" if self.liaison_limit == 1 else f"1–{self.liaison_limit}"

    def audit_district_id(self) -> int | None:
        return self.district_id


class Street(AuditedModel):
    """A street (街道) and its judicial office (司法所)."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="streets"
    )
    name = models.CharField(_("街道名称"), max_length=50)
    code = models.CharField(_("区划代码"), max_length=12, blank=True, validators=[division_code])
    office_name = models.CharField(_("司法所名称"), max_length=100, blank=True)
    office_address = models.CharField(_("司法所地址"), max_length=200, blank=True)
    office_phone = models.CharField(_("司法所电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["district_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="regions_street_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.office_name and self.name:
            self.office_name = f"{self.name}司法所"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def audit_district_id(self) -> int | None:
        return self.district_id


class Community(AuditedModel):
    """A community (社区): households and population are the base of coverage."""

    street = models.ForeignKey(
        Street, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("社区名称"), max_length=50)
    code = models.CharField(_("区划代码"), max_length=12, blank=True, validators=[division_code])
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    households = models.PositiveIntegerField(_("户数"), default=0)
    population = models.PositiveIntegerField(_("人口"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["street_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"], name="regions_community_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.households and self.population and self.population < self.households:
            raise ValidationError({"population": _("人口数不能少于户数")})

    def audit_district_id(self) -> int | None:
        return (
            Street.objects.filter(pk=self.street_id).values_list("district_id", flat=True).first()
        )


class StudioMember(AuditedModel):
    """A member of the community's 五位一体尚法工作室."""

    class Position(models.TextChoices):
        SECRETARY = "secretary", _("社区书记")
        POLICE = "police", _("社区民警")
        LAWYER = "lawyer", _("法律顾问（律师）")
        MEDIATOR = "mediator", _("人民调解员")
        VOLUNTEER = "volunteer", _("法律志愿者")

    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.CASCADE, related_name="studio_members"
    )
    position = models.CharField(_("身份"), max_length=20, choices=Position.choices)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(_("在任"), default=True)

    objects = CommunityChildQuerySet.as_manager()
    audit_masked_fields = ("phone",)

    class Meta:
        verbose_name = _("尚法工作室成员")
        verbose_name_plural = _("五位一体尚法工作室成员")
        ordering = ["community_id", "position", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_position_display()}）"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def audit_district_id(self) -> int | None:
        return (
            Community.objects.filter(pk=self.community_id)
            .values_list("street__district_id", flat=True)
            .first()
        )


class RegionRole(AuditedModel):
    """A staff member bound to a level of the region tree: a bureau admin to a district,
    judicial office staff to a street, community staff to a community."""

    ROLES = (Role.BUREAU_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="region_roles",
    )
    role = models.CharField(
        _("角色"),
        max_length=20,
        choices=[(r.value, r.label) for r in ROLES],
    )
    district = models.ForeignKey(
        District, verbose_name=_("区"), null=True, blank=True, on_delete=models.PROTECT
    )
    street = models.ForeignKey(
        Street, verbose_name=_("街道"), null=True, blank=True, on_delete=models.PROTECT
    )
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), null=True, blank=True, on_delete=models.PROTECT
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = RegionRoleQuerySet.as_manager()
    audit_role_fields = ("user_id", "role", "district_id", "street_id", "community_id", "is_active")

    class Meta:
        verbose_name = _("区域工作人员")
        verbose_name_plural = _("区域工作人员（司法局、司法所、社区）")
        constraints = [
            models.CheckConstraint(
                name="regions_role_binds_its_level",
                condition=(
                    models.Q(
                        role=Role.BUREAU_ADMIN,
                        district__isnull=False,
                        street__isnull=True,
                        community__isnull=True,
                    )
                    | models.Q(
                        role=Role.STREET_STAFF,
                        district__isnull=True,
                        street__isnull=False,
                        community__isnull=True,
                    )
                    | models.Q(
                        role=Role.COMMUNITY_STAFF,
                        district__isnull=True,
                        street__isnull=True,
                        community__isnull=False,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.place}"

    @property
    def place(self) -> object:
        return self.district or self.street or self.community

    def clean(self) -> None:
        super().clean()
        needed = {
            Role.BUREAU_ADMIN: "district",
            Role.STREET_STAFF: "street",
            Role.COMMUNITY_STAFF: "community",
        }.get(self.role)  # type: ignore[call-overload]
        if needed is None:
            return
        for name in ("district", "street", "community"):
            if name != needed:
                setattr(self, name, None)
        if getattr(self, f"{needed}_id") is None:
            labels = {"district": _("区"), "street": _("街道"), "community": _("社区")}
            raise ValidationError({needed: _("请选择%(level)s") % {"level": labels[needed]}})

    def audit_district_id(self) -> int | None:
        if self.district_id:
            return self.district_id
        if self.street_id:
            return (
                Street.objects.filter(pk=self.street_id)
                .values_list("district_id", flat=True)
                .first()
            )
        if self.community_id:
            return (
                Community.objects.filter(pk=self.community_id)
                .values_list("street__district_id", flat=True)
                .first()
            )
        return None


class ResidentProfile(AuditedModel):
    """A resident or small business: the community they live or work in."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("居民")
        BUSINESS = "business", _("小微企业")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="resident_profile",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.RESIDENT)
    community = models.ForeignKey(
        Community,
        verbose_name=_("所在社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    business_name = models.CharField(_("企业名称"), max_length=100, blank=True)

    objects = ResidentProfileQuerySet.as_manager()

    def audit_district_id(self) -> int | None:
        if self.community_id is None:
            return None
        return (
            Community.objects.filter(pk=self.community_id)
            .values_list("street__district_id", flat=True)
            .first()
        )

    class Meta:
        verbose_name = _("居民档案")
        verbose_name_plural = _("居民档案")

    def __str__(self) -> str:
        return str(self.user)
